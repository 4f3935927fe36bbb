"""`workbench app`: the ads explorer and its boards as a web app on 127.0.0.1 (Voilà).

Named webapp.py, not app.py: a submodule `cli.app` would replace the package's typer `app`
attribute when imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DEFAULT_PORT = 8866


def app_command(
    project: Annotated[str, typer.Option("--project", help="Project name under data/projects.")],
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port on 127.0.0.1 to serve on.")
    ] = DEFAULT_PORT,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root", help="Workspace folder holding data/ (default: $WORKBENCH_HOME or here)."
        ),
    ] = None,
) -> None:
    """Serve the project's ads explorer (filters, cards, boards) at http://127.0.0.1:PORT/."""
    from rich.console import Console
    from rich.markup import escape

    from creative_workbench.config import Workspace, load_project
    from creative_workbench.reports.explorer.app import serve

    loaded = load_project(project, Workspace.discover(root))
    Console(stderr=True).print(
        f"serving {escape(loaded.name)}'s ads explorer at http://127.0.0.1:{port}/ "
        "(Ctrl-C stops it)",
        highlight=False,
    )
    serve(loaded, port=port)


def register(app: typer.Typer) -> None:
    """Add `workbench app` to APP."""
    app.command("app")(app_command)
