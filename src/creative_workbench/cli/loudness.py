"""`workbench loudness`: EBU R 128 readings of audio or video files, as an engineer checks them."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from creative_workbench.cli.output import safe

out = Console()
# (reading field, label, unit) in the order EBU Mode lists them.
ROWS = (
    ("integrated_lufs", "Integrated", "LUFS"),
    ("loudness_range_lu", "Loudness range", "LU"),
    ("max_momentary_lufs", "Max momentary", "LUFS"),
    ("max_short_term_lufs", "Max short-term", "LUFS"),
    ("true_peak_dbtp", "True peak", "dBTP"),
)


def fmt_reading(value: float, unit: str) -> str:
    """VALUE to one decimal with its UNIT; digital silence reads as such, never '-inf'."""
    if not math.isfinite(value):
        return "silent (below the -70 LUFS gate)" if unit == "LUFS" else "silent"
    return f"{value:.1f} {unit}"


def reading_table(path: Path, reading) -> Table:
    """One file's reading as a two-column table titled with the file name."""
    table = Table(title=safe(path.name), title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for field, label, unit in ROWS:
        table.add_row(label, fmt_reading(getattr(reading, field), unit))
    return table


def loudness_command(
    paths: Annotated[list[Path], typer.Argument(help="Audio or video files to measure.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list (null where silent).")
    ] = False,
) -> None:
    """Measure loudness: integrated, range (LRA), max momentary and short-term, true peak."""
    from creative_workbench.qa.loudness_meter import measure_loudness

    readings = [(path, measure_loudness(path)) for path in paths]
    if as_json:
        rows = [{"file": str(path), **reading.as_dict()} for path, reading in readings]
        typer.echo(json.dumps(rows, indent=2))
        return
    for path, reading in readings:
        out.print(reading_table(path, reading))


def register(app: typer.Typer) -> None:
    """Add `workbench loudness` to APP."""
    app.command("loudness")(loudness_command)
