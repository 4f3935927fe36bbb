"""`workbench ingest`: read a project's competitor ad files and show data-quality counts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from creative_workbench.cli.output import safe
from creative_workbench.config import Workspace, load_project
from creative_workbench.ingest.ads import ingest_ads, require_ads

out = Console()


def ingest_command(
    project: Annotated[str, typer.Option("--project", help="Project name under data/projects.")],
    root: Annotated[
        Path | None,
        typer.Option("--root", help="Workspace folder holding data/ (default: current folder)."),
    ] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Ignore the cached table and read every file again.")
    ] = False,
) -> None:
    """Build the canonical competitor ads table and print counts and data-quality warnings."""
    loaded = load_project(project, Workspace.discover(root))
    result = ingest_ads(loaded, use_cache=not rebuild)
    require_ads(result, loaded)
    ads = result.ads
    source = "cache" if result.from_cache else f"{result.files.height} files"
    out.print(
        f"{ads.height:,} rows ({ads.filter(ads['record_kind'] == 'ad').height:,} ads, "
        f"{ads['brand'].n_unique()} brands) from {source}",
        highlight=False,
    )
    files = Table(title="Files")
    for column in ("file", "format", "rows", "warnings", "captured", "from"):
        files.add_column(column)
    for row in result.files.iter_rows():
        files.add_row(*(safe("unknown" if v is None else v) for v in row))
    out.print(files)
    counts = result.warning_counts()
    if counts.is_empty():
        out.print("no data-quality warnings")
        return
    table = Table(title="Data-quality warnings")
    for column in ("kind", "count", "files", "first example"):
        table.add_column(column)
    for kind, count, files_count in counts.iter_rows():
        first = result.warnings.filter(result.warnings["kind"] == kind).row(0, named=True)
        example = f"{Path(first['file']).name} {first['record']}: {first['message']}"
        table.add_row(safe(kind), str(count), str(files_count), safe(example))
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add `ingest` to APP."""
    app.command("ingest")(ingest_command)
