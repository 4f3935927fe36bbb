"""`workbench deliver` and `workbench verify-delivery`: build and check delivery packages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from creative_workbench.cli.output import safe
from creative_workbench.config import Workspace, load_project
from creative_workbench.errors import WorkbenchError

out = Console(soft_wrap=True)

ROOT_OPTION = typer.Option("--root", help="Workspace folder holding data/ (default: current).")


def deliver_command(
    project: Annotated[str, typer.Option("--project", help="Project name under data/projects.")],
    by: Annotated[str, typer.Option("--by", help="Who builds the package (recorded).")],
    root: Annotated[Path | None, ROOT_OPTION] = None,
) -> None:
    """Build the delivery package for the latest sign-off: QA-passed or waived files only.

    Prints the package folder, then one line per file that does not ship and why.
    """
    from creative_workbench.pipeline.delivery import build_package

    if not by.strip():
        raise WorkbenchError("deliver: --by needs the name of who builds the package")
    loaded = load_project(project, Workspace.discover(root))
    outcome = build_package(loaded, by)
    if outcome.path is None:
        out.print("no delivery package: nothing qualifies", highlight=False)
    else:
        verb = "sealed" if outcome.built else "already sealed for this sign-off:"
        shipped = len(outcome.shipped)
        out.print(f"{verb} {safe(outcome.path)} ({shipped} file(s))", highlight=False)
    for refusal in outcome.refused:
        out.print(f"not delivered: {safe(refusal)}", highlight=False)


def verify_command(
    project: Annotated[str, typer.Argument(help="Project name under data/projects.")],
    path: Annotated[
        Path | None,
        typer.Option("--path", help="One package folder (default: every package)."),
    ] = None,
    root: Annotated[Path | None, ROOT_OPTION] = None,
) -> None:
    """Re-hash delivery packages against manifest and seal; exit 1 on any mismatch."""
    from creative_workbench.pipeline.delivery import verify_delivery

    loaded = load_project(project, Workspace.discover(root))
    problems = verify_delivery(loaded, path)
    for problem in problems:
        out.print(safe(problem), highlight=False)
    if problems:
        raise typer.Exit(1)  # a mismatch, like a failed test; usage errors exit 2
    out.print("all delivery packages intact" if path is None else "package intact")


def register(app: typer.Typer) -> None:
    """Add `workbench deliver` and `workbench verify-delivery` to APP."""
    app.command("deliver")(deliver_command)
    app.command("verify-delivery")(verify_command)
