"""`python -m creative_workbench.cli` runs the workbench command line."""

from creative_workbench.cli import main

main()
