"""`workbench demo`: build the seeded demo project with a live status display."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from creative_workbench.cli.output import safe
from creative_workbench.config import Workspace

out = Console()


def demo_command(
    seed: Annotated[
        int, typer.Option("--seed", help="Seed; the same seed gives the same files.")
    ] = 7,
    name: Annotated[str, typer.Option("--name", help="Project name under data/projects.")] = "demo",
    root: Annotated[
        Path | None,
        typer.Option(
            "--root", help="Workspace folder holding data/ (default: $WORKBENCH_HOME or here)."
        ),
    ] = None,
    stages: Annotated[
        bool,
        typer.Option(
            "--stages/--raw-only",
            help="Also run the concept stage and record a stage history (default), or build "
            "only the raw files.",
        ),
    ] = True,
) -> None:
    """Build the seeded demo project (Northwind Running and five competitors)."""
    from creative_workbench.demo import build_demo

    workspace = Workspace.discover(root)
    status_console = Console(stderr=True)
    with status_console.status(f"building demo project {name!r} (seed {seed})") as status:

        def progress(message: str) -> None:
            status.update(escape(message))
            status_console.print(f"[dim]·[/] {escape(message)}", highlight=False)

        path = build_demo(workspace.root, seed=seed, name=name, progress=progress)
        if stages:
            from creative_workbench.config import load_project
            from creative_workbench.demo.walk import walk_demo

            walk_demo(load_project(name, workspace), seed, progress)
    out.print(safe(path), highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add `workbench demo` to APP."""
    app.command("demo")(demo_command)
