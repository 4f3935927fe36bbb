"""Values in delivered exports: text decoding, numbers (thousands separators, decimal
commas, zero markers, empty = unknown, bounded) and dates, each bad value naming its lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from creative_workbench.errors import DataError

ZERO_TOKENS = ["--", "-", "—"]
MAX_VALUE = 1e12
DECIMAL_COMMA = r"^[-+]?[$€£]?\s?\d{1,3}(?:\.\d{3})*,\d{1,2}%?$|^[-+]?[$€£]?\s?\d+\.\d{3},\d+%?$"
NUMERIC_CELL = r"^[-+]?[$€£]?\s?\d[\d.,\s]*%?$"
DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%b %d, %Y", "%Y/%m/%d"]


@dataclass(frozen=True)
class QualityWarning:
    """A counted data-quality issue that did not stop ingest (shown in reports)."""

    file: str
    issue: str
    count: int
    rows: tuple[int, ...] = ()

    @property
    def message(self) -> str:
        where = f" (lines {', '.join(str(r) for r in self.rows[:5])})" if self.rows else ""
        return f"{Path(self.file).name}: {self.count} × {self.issue}{where}"


def with_decimal_points(
    path: Path, frame: pl.DataFrame, decimal: str
) -> tuple[pl.DataFrame, list[QualityWarning]]:
    """Columns written with decimal commas ('32,44', '1.234,56') rewritten with points:
    every column when DECIMAL is ',', detected per column when 'auto'."""
    warnings = []
    columns = [c for c in frame.columns if c != "_line" and frame.schema[c] == pl.Utf8]
    converted = []
    for column in columns:
        values = frame.get_column(column).str.strip_chars()
        numeric = values.str.contains(NUMERIC_CELL)
        if decimal == ",":
            uses_comma = bool((numeric & values.str.contains(",")).any())
        elif decimal == "auto":
            uses_comma = bool(values.str.contains(DECIMAL_COMMA).any())
        else:
            uses_comma = False
        if not uses_comma:
            continue
        if decimal == "auto" and bool(
            values.str.contains(r"^[-+]?[$€£]?\s?\d{1,3}(,\d{3})+\.\d").any()
        ):
            raise DataError(
                f"{path}: column {column!r} mixes decimal commas and decimal points; set "
                '[performance] decimal = "," or "." in project.toml'
            )
        converted.append(column)
        frame = frame.with_columns(
            pl.when(numeric)
            .then(values.str.replace_all(r"\.", "").str.replace_all(",", "."))
            .otherwise(values)
            .alias(column)
        )
    if converted and decimal == "auto":
        warnings.append(
            QualityWarning(
                str(path),
                f"decimal commas read in {', '.join(map(repr, converted))} "
                '(override with [performance] decimal = ".")',
                len(converted),
            )
        )
    return frame, warnings


def parse_numbers(
    path: Path, frame: pl.DataFrame, column: str, empty: float | None = None
) -> pl.Expr:
    """Numbers as exported ('1,234', '--' for zero, '$5.00'); an empty cell is unknown
    (null) unless EMPTY is given. A non-number, infinity or a value above MAX_VALUE names
    its lines."""
    raw = pl.col(column).cast(pl.Utf8).str.strip_chars()
    cleaned = raw.str.replace_all(r"[,$€£\s]", "").str.strip_suffix("%")
    blank = raw.is_null() | (raw == "")
    fill = pl.lit(None, pl.Utf8) if empty is None else pl.lit(str(empty))
    expr = (
        pl.when(blank).then(fill).when(raw.is_in(ZERO_TOKENS)).then(pl.lit("0")).otherwise(cleaned)
    )
    parsed = frame.select(
        expr.cast(pl.Float64, strict=False).alias("v"), "_line", raw.alias("r"), blank.alias("b")
    )
    bad = parsed.filter((pl.col("v").is_null() & ~pl.col("b")) | pl.col("v").is_nan())
    if bad.height:
        lines = ", ".join(str(v) for v in bad.get_column("_line").head(5).to_list())
        value = bad.get_column("r").head(1).to_list()[0]
        raise DataError(
            f"{path}: column {column!r} has {bad.height} non-numeric value(s), "
            f"e.g. {value!r} on line(s) {lines}; fix or re-export the file"
        )
    huge = parsed.filter(pl.col("v").abs() > MAX_VALUE)
    if huge.height:
        lines = ", ".join(str(v) for v in huge.get_column("_line").head(5).to_list())
        value = huge.get_column("r").head(1).to_list()[0]
        raise DataError(
            f"{path}: column {column!r} has {huge.height} value(s) that are infinite or "
            f"above {MAX_VALUE:g}, e.g. {value!r} on line(s) {lines}; fix or re-export the file"
        )
    return expr.cast(pl.Float64)


def parse_dates(path: Path, frame: pl.DataFrame, column: str) -> pl.Expr:
    """Dates in ISO or the usual ads-manager forms; a bad date names its lines."""
    raw = pl.col(column).cast(pl.Utf8).str.strip_chars()
    expr = pl.coalesce([raw.str.strptime(pl.Date, f, strict=False) for f in DATE_FORMATS])
    parsed = frame.select(expr.alias("v"), "_line", raw.alias("r"))
    bad = parsed.filter(pl.col("v").is_null())
    if bad.height:
        lines = ", ".join(str(v) for v in bad.get_column("_line").head(5).to_list())
        value = bad.get_column("r").head(1).to_list()[0]
        raise DataError(
            f"{path}: column {column!r} has {bad.height} unreadable date(s), "
            f"e.g. {value!r} on line(s) {lines}; use YYYY-MM-DD"
        )
    return expr
