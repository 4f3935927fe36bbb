"""The studio's own past creatives (raw/creatives/creatives.csv) as the `creatives` table."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from creative_workbench.config import Project
from creative_workbench.errors import DataError
from creative_workbench.ingest.records import decode_text
from creative_workbench.schemas import CreativesSchema, validate

FLOAT_COLUMNS = ("duration_s", "palette_adherence", "logo_time_s")


def creatives_path(project: Project) -> Path:
    """Where the project's creatives table lives."""
    return project.raw_creatives_dir / "creatives.csv"


def load_creatives(project: Project) -> pl.DataFrame:
    """Read and validate the project's creatives.csv."""
    return read_creatives(creatives_path(project))


def read_creatives(path: Path) -> pl.DataFrame:
    """Read a creatives CSV against CreativesSchema; bad values name the file and lines."""
    if not path.is_file():
        raise DataError(
            f"{path}: creatives table not found; export your creatives with the "
            "columns of CreativesSchema (creative_id, name, ad_format, ...)"
        )
    frame = pl.read_csv(io.StringIO(decode_text(path)), infer_schema=False)
    frame = frame.rename({c: c.strip() for c in frame.columns})
    missing = [c for c in CreativesSchema.to_schema().columns if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {missing}; add them to creatives.csv")
    casts = [_number(path, frame, c) for c in FLOAT_COLUMNS]
    frame = frame.with_columns(
        *casts, _launch_date(path, frame), pl.col("creative_id").str.strip_chars()
    )
    return validate(frame, CreativesSchema, path)


def _number(path: Path, frame: pl.DataFrame, column: str) -> pl.Expr:
    raw = pl.col(column).str.strip_chars()
    expr = (
        pl.when(raw.is_in(["", "NA", "null"]))
        .then(None)
        .otherwise(raw)
        .cast(pl.Float64, strict=False)
    )
    checked = frame.select(expr.alias("v"), raw.alias("r")).with_row_index("row", offset=2)
    bad = checked.filter(
        pl.col("v").is_null() & pl.col("r").is_not_null() & ~pl.col("r").is_in(["", "NA", "null"])
    )
    if bad.height:
        lines = ", ".join(str(v) for v in bad.get_column("row").head(5).to_list())
        raise DataError(f"{path}: column {column!r} is not a number on line(s) {lines}")
    return expr.alias(column)


def _launch_date(path: Path, frame: pl.DataFrame) -> pl.Expr:
    expr = pl.col("launch_date").str.strip_chars().str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    checked = frame.select(expr.alias("v")).with_row_index("row", offset=2)
    bad = checked.filter(pl.col("v").is_null())
    if bad.height:
        lines = ", ".join(str(v) for v in bad.get_column("row").head(5).to_list())
        raise DataError(f"{path}: column 'launch_date' is not a YYYY-MM-DD date on line(s) {lines}")
    return expr.alias("launch_date")
