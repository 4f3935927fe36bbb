"""Reading ads-manager performance exports through the layout registry.

A `PerformanceLayout` (name, the header columns that identify it, the columns it may have,
the default conversions column, its attribute columns, a reader) turns one delivered file
into canonical columns (creative_id, period_start, period_end, placement, impressions,
clicks, spend, conversions, currency, source) plus ``_line``, the row's line number in the
file, so later checks can name rows. Layouts register through creative_workbench.plugins
(attribute PERFORMANCE_LAYOUTS, group `creative_workbench.performance_formats`); the
built-in Meta, Google Ads, TikTok and KAG layouts live in ingest/performance_layouts.py.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

from creative_workbench.errors import DataError
from creative_workbench.ingest.performance_values import (
    QualityWarning,
    parse_numbers,
    with_decimal_points,
)
from creative_workbench.ingest.records import decode_text
from creative_workbench.plugins import registered

CANONICAL = [
    "creative_id",
    "period_start",
    "period_end",
    "placement",
    "impressions",
    "clicks",
    "spend",
    "conversions",
    "currency",
    "source",
]
ENTRY_POINT_GROUP = "creative_workbench.performance_formats"
BUILT_IN = ("creative_workbench.ingest.performance_layouts",)


@dataclass
class RawExport:
    """One file's rows in canonical columns, before cross-file checks."""

    path: Path
    kind: str
    frame: pl.DataFrame
    warnings: list[QualityWarning] = field(default_factory=list)
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PerformanceLayout:
    """An ads-manager export layout.

    Attributes:
        name: the `source` of its rows ("meta", "google", ...).
        required: header columns that identify the layout (all must be present).
        known: every column it may have (others are reported as ignored).
        conversions: the column counted as conversions unless [performance] says otherwise.
        attributes: canonical attribute name -> export column (campaign, ad set, age, ...).
        read: (path, frame with raw columns, `_line` and `_conversions`) -> (canonical rows,
            warnings).
        known_pattern: a regex for known columns with variable names (e.g. spend with its
            currency).
    """

    name: str
    required: tuple[str, ...]
    known: tuple[str, ...]
    conversions: str
    attributes: Mapping[str, str]
    read: Callable[[Path, pl.DataFrame], tuple[pl.DataFrame, list[QualityWarning]]]
    known_pattern: re.Pattern[str] | None = None


def column_names(text: str) -> tuple[str, ...]:
    """Column names written as one "a|b|c" string."""
    return tuple(name.strip() for name in text.split("|"))


@cache
def performance_layouts() -> dict[str, PerformanceLayout]:
    """Every registered export layout by name, built-ins first."""
    return registered(ENTRY_POINT_GROUP, BUILT_IN, "PERFORMANCE_LAYOUTS")


def _delimiter(line: str) -> str:
    return "\t" if line.count("\t") > line.count(",") else ","


def find_layout(path: Path, text: str) -> tuple[PerformanceLayout, int, str] | None:
    """The known export layout of TEXT: (layout, header line index, delimiter), or None."""
    for index, line in enumerate(text.split("\n")[:12]):
        delimiter = _delimiter(line)
        fields = {f.strip() for f in next(csv.reader([line], delimiter=delimiter), [])}
        for layout in performance_layouts().values():
            if set(layout.required) <= fields:
                return layout, index, delimiter
    return None


def read_export(path: Path, conversions: str | None = None, decimal: str = "auto") -> RawExport:
    """Read an export in any registered layout; other layouts raise DataError.

    CONVERSIONS names the export column that counts (default per layout, reported);
    DECIMAL is "." / "," or "auto" (decimal commas detected per column, reported).
    The layout's targeting/structure columns (campaign, ad set, age, ...) are kept as
    attribute columns."""
    text = decode_text(path)
    found = find_layout(path, text)
    if found is None:
        header = text.split("\n", 1)[0][:120]
        raise DataError(
            f"{path}: not a recognised performance export (first line: {header!r}); "
            "export from Meta/Google/TikTok ads manager or add a [[mappings]] entry with "
            'kind = "performance" to project.toml'
        )
    layout, header_index, delimiter = found
    body = "\n".join(text.split("\n")[header_index:])
    frame = pl.read_csv(
        io.StringIO(body), separator=delimiter, infer_schema=False, truncate_ragged_lines=True
    )
    frame = frame.rename({c: c.strip() for c in frame.columns})
    frame = frame.with_row_index("_line", offset=header_index + 2).with_columns(
        pl.col("_line").cast(pl.Int64)
    )
    warnings = unknown_columns(path, frame, layout)
    frame, more = with_decimal_points(path, frame, decimal)
    warnings += more
    counted = conversions or layout.conversions
    if conversions and conversions not in frame.columns:
        raise DataError(
            f"{path}: [performance] conversions = {conversions!r} is not a column of this "
            f"export; it has {', '.join(c for c in frame.columns if c != '_line')}"
        )
    if counted in frame.columns:
        others = [
            c for c in frame.columns if "conversion" in c.lower() and c not in (counted, "_line")
        ]
        if others:
            warnings.append(
                QualityWarning(
                    str(path),
                    f"conversions counted from {counted!r}, not {', '.join(map(repr, others))} "
                    "(choose with [performance] conversions in project.toml)",
                    frame.height,
                )
            )
    frame = frame.rename({counted: "_conversions"}) if counted in frame.columns else frame
    out, more = layout.read(path, frame)
    names = {k: v for k, v in layout.attributes.items() if v in frame.columns}
    attributes = frame.select(
        "_line", *[pl.col(v).cast(pl.Utf8).str.strip_chars().alias(k) for k, v in names.items()]
    )
    out = out.join(attributes, on="_line", how="left")
    return RawExport(path, layout.name, out, warnings + more, tuple(names))


def unknown_columns(
    path: Path, frame: pl.DataFrame, layout: PerformanceLayout
) -> list[QualityWarning]:
    """One warning naming the columns LAYOUT does not know (they are ignored)."""
    pattern = layout.known_pattern
    unknown = [
        c
        for c in frame.columns
        if c != "_line" and c not in layout.known and not (pattern and pattern.match(c))
    ]
    if not unknown:
        return []
    names = ", ".join(repr(c) for c in unknown[:6])
    return [QualityWarning(str(path), f"unknown column(s) ignored: {names}", len(unknown))]


def drop_summary_rows(
    path: Path,
    frame: pl.DataFrame,
    id_column: str,
) -> tuple[pl.DataFrame, list[QualityWarning]]:
    """Drop total/blank rows (no creative id); they are counted, never silently lost."""
    blank = pl.col(id_column).cast(pl.Utf8).str.strip_chars().fill_null("") == ""
    totals = pl.any_horizontal(
        pl.col(c).cast(pl.Utf8).str.starts_with("Total") for c in frame.columns if c != "_line"
    ).fill_null(False)
    dropped = frame.filter(blank | totals)
    if not dropped.height:
        return frame, []
    warning = QualityWarning(
        str(path),
        "total or blank row(s) without a creative id skipped",
        dropped.height,
        tuple(dropped.get_column("_line").to_list()),
    )
    return frame.filter(~(blank | totals)), [warning]


def optional_number(path: Path, frame: pl.DataFrame, column: str) -> pl.Expr:
    """A count column that exports may leave out (then unknown, never zero)."""
    if column in frame.columns:
        return parse_numbers(path, frame, column)
    return pl.lit(None, pl.Float64)


def count_or_zero(path: Path, frame: pl.DataFrame, column: str) -> pl.Expr:
    """A count whose empty cells mean none (Meta leaves link clicks and results empty when
    there were none): zero; a column left out of the export is unknown."""
    if column in frame.columns:
        return parse_numbers(path, frame, column, empty=0.0)
    return pl.lit(None, pl.Float64)


def spend_column(path: Path, frame: pl.DataFrame, column: str) -> pl.Expr:
    """Spend: an empty cell is no spend."""
    return parse_numbers(path, frame, column, empty=0.0)


def optional_text(frame: pl.DataFrame, column: str) -> pl.Expr:
    """A text column exports may leave out (then null)."""
    if column in frame.columns:
        return pl.col(column).cast(pl.Utf8).str.strip_chars()
    return pl.lit(None, pl.Utf8)
