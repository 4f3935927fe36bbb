"""`workbench label`: label a CSV of ad copy with angles, CTA and offer (taxonomy ids)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from creative_workbench.cli.output import safe
from creative_workbench.errors import DataError

out = Console()


def label_command(
    input_path: Annotated[Path, typer.Argument(help="CSV of ads, one ad per row.")],
    output: Annotated[Path, typer.Option("--output", help="Where to write the labelled CSV.")],
    text_column: Annotated[
        str, typer.Option("--text-column", help="Column holding the ad copy.")
    ] = "text",
    button_column: Annotated[
        str | None,
        typer.Option(
            "--button-column",
            help="Column holding the CTA button label, if the source has one (it wins).",
        ),
    ] = None,
) -> None:
    """Label a CSV of ad copy: language, angles, CTA and offer with evidence and confidence.

    Writes the input columns plus lang, angles, cta, offer (taxonomy ids, several joined by
    ';', 'none' where nothing applies, CTA 'unknown' without a button column and no CTA
    phrase) and per kind its evidence, source (rule/model) and confidence.
    """
    import polars as pl

    from creative_workbench.research.label_table import label_table
    from creative_workbench.research.language import warnings

    try:
        frame = pl.read_csv(input_path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{input_path}: cannot read it as CSV ({first})") from None
    for option, column in (("--text-column", text_column), ("--button-column", button_column)):
        if column is not None and column not in frame.columns:
            raise DataError(
                f"{input_path}: no column '{column}' ({option}); columns present: "
                f"{', '.join(frame.columns)}"
            )
    labelled = label_table(frame, text_column, button_column)
    try:
        labelled.write_csv(output)
    except OSError as exc:
        raise DataError(f"{output}: cannot write the output ({exc.strerror})") from None
    for warning in warnings(labelled["lang"].replace("", None)):
        out.print(f"note: {safe(warning)}", highlight=False)
    out.print(f"{labelled.height} ad(s) labelled -> {safe(output)}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `label` to the workbench app."""
    app.command("label")(label_command)
