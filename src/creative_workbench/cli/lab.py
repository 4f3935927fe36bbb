"""`workbench lab`: JupyterLab on the workspace, with each project's own report notebooks."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

HOOK = "creative_workbench.reports.jupyter_hooks.pre_save"


def lab_arguments(
    root: Path, open_path: str, *, port: int | None = None, open_browser: bool = False
) -> list[str]:
    """The `jupyter lab` command line: served from ROOT, opening OPEN_PATH (relative to it),
    saving through the workbench pre-save hook (templates stay output-free)."""
    arguments = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.default_url=/lab/tree/{open_path}",
        f"--ContentsManager.pre_save_hook={HOOK}",
    ]
    if port is not None:
        arguments.append(f"--ServerApp.port={port}")
    if not open_browser:
        arguments.append("--no-browser")
    if hasattr(os, "getuid") and os.getuid() == 0:
        arguments.append("--allow-root")
    return arguments


def lab_command(
    project: Annotated[
        str | None,
        typer.Option("--project", help="Open this project's notebooks (default: every project)."),
    ] = None,
    reset: Annotated[
        bool,
        typer.Option(
            "--reset", help="Replace the project's notebook copies with fresh ones (edits lost)."
        ),
    ] = False,
    port: Annotated[int | None, typer.Option(help="Port (default: Jupyter's, 8888).")] = None,
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open a web browser.")
    ] = False,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="Workspace folder holding data/projects (default: $WORKBENCH_HOME, else the "
            "nearest folder at or above this one that holds data/projects).",
        ),
    ] = None,
) -> None:
    """Open JupyterLab on the workspace with each project's notebooks."""
    from rich.console import Console
    from rich.markup import escape

    from creative_workbench.config import Workspace, load_project
    from creative_workbench.errors import ProjectNotFoundError
    from creative_workbench.pipeline.notebook_copies import working_copies
    from creative_workbench.pipeline.runner import ensure_kernel

    workspace = Workspace.discover(root)
    names = [project] if project else workspace.project_names()
    if not names:
        raise ProjectNotFoundError(
            f"no projects in {workspace.projects_dir}: run `workbench demo` to build one"
        )
    err = Console(stderr=True)
    for name in names:
        for copy in working_copies(load_project(name, workspace), reset=reset):
            if copy.status == "outdated":
                err.print(
                    f"[yellow]note:[/] {escape(str(copy.path))} predates its template; "
                    f"`workbench lab --project {escape(name)} --reset` replaces it",
                    highlight=False,
                )
            elif copy.status != "kept":
                err.print(f"{copy.status} {escape(str(copy.path))}", highlight=False)
    ensure_kernel()
    opened = f"data/projects/{project}/notebooks" if project else "data/projects"
    arguments = lab_arguments(workspace.root, opened, port=port, open_browser=browser)
    env = {**os.environ, "WORKBENCH_HOME": str(workspace.root)}
    os.execve(arguments[0], arguments, env)


def register(app: typer.Typer) -> None:
    """Add `workbench lab` to APP."""
    app.command("lab")(lab_command)
