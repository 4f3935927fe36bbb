"""`workbench new NAME` (scaffold a project) and `workbench predict` (score candidates)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from creative_workbench.config import Workspace, load_project

out = Console()

RootOption = Annotated[
    Path | None,
    typer.Option("--root", help="Workspace folder holding data/ (default: current folder)."),
]


def new_command(
    name: Annotated[str, typer.Argument(help="Project name (letters, digits, '-', '_').")],
    performance: Annotated[
        Path | None,
        typer.Option("--performance", help="A performance export to copy into raw/performance/."),
    ] = None,
    root: RootOption = None,
) -> None:
    """Create a project folder: commented project.toml, _brand.yml template, raw/ folders."""
    from creative_workbench.pipeline.scaffold import new_project

    project = new_project(name, Workspace.discover(root), performance)
    out.print(f"created {escape(str(project.root))}", highlight=False)
    out.print(
        f"next: put performance exports in raw/performance/, then `workbench train --project "
        f"{escape(name)}`",
        highlight=False,
    )


def predict_command(
    project: Annotated[str, typer.Option("--project", help="Project name under data/projects.")],
    input_path: Annotated[
        Path, typer.Option("--input", help="CSV of candidate creatives (attribute columns).")
    ],
    output: Annotated[Path, typer.Option("--output", help="Where to write the scored CSV.")],
    version: Annotated[
        str | None, typer.Option("--version", help="Model version (default: the promoted one).")
    ] = None,
    root: RootOption = None,
) -> None:
    """Score a CSV of candidate creatives with the promoted model.

    Writes CTR and CVR with intervals, top reasons and flags for values without history.
    """
    from creative_workbench.pipeline.predict import predict_candidates, write_scored

    loaded = load_project(project, Workspace.discover(root))
    scored = predict_candidates(loaded, input_path, version)
    write_scored(scored, output)
    for note in scored.notes:
        out.print(f"note: {escape(note)}", highlight=False)
    out.print(
        f"{scored.frame.height} candidate(s) scored with {scored.version} -> {escape(str(output))}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add `new` and `predict` to the workbench app."""
    app.command("new")(new_command)
    app.command("predict")(predict_command)
