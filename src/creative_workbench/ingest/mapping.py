"""Any CSV/Parquet source -> canonical columns through a `ColumnMapping` from project.toml.

`read_mapped` is generic (ads or performance): it scans the file lazily and renames the
mapped source columns to canonical names. CSV cells arrive as text (no type guessing), so
the consumer decides the types. `mapped_ads` turns an ads mapping into canonical ad rows.

Example project.toml entry:

    [[mappings]]
    kind = "ads"
    glob = "raw/ads/pinterest_*.csv"
    source = "custom"
    date_format = "%d/%m/%Y"          # a trailing zone abbreviation (PDT, CET) is honoured
    list_separator = "|"               # for platforms, languages, target_locations
    captured_at = 2026-06-30           # when the page was captured (else from the file name)
    columns = { raw_id = "Pin ID", brand = "Advertiser", start_time = "First seen", body = "Text" }

Numbers take thousands separators ("1,234", "119;800", "1 234") and a currency in the cell
("400.00 RUB" fills currency when no column is mapped to it); `spend`, `impressions` and
`reach` map one figure onto both bounds. Problems are counted once per column, not per row.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from creative_workbench.config import ColumnMapping
from creative_workbench.errors import DataError
from creative_workbench.ingest import values
from creative_workbench.ingest.records import ADS_COLUMNS, QualityLog
from creative_workbench.paths import glob_inside_project

ADS_REQUIRED = ("raw_id", "brand", "start_time")
DATE_COLUMNS = ("created_at", "start_time", "stop_time", "captured_at")
LIST_COLUMNS = ("platforms", "languages", "target_locations")
NUMERIC = (pl.Float64, pl.Int32, pl.Int64)
# One source column filling both bounds of a range (an export that states a single figure).
ALIASES = {
    "spend": ("spend_lower", "spend_upper"),
    "impressions": ("impressions_lower", "impressions_upper"),
    "reach": ("reach_lower", "reach_upper"),
}


def mapped_files(root: Path, mapping: ColumnMapping) -> list[Path]:
    """The files a mapping's glob matches, all inside the project folder ROOT."""
    return glob_inside_project(root, mapping.glob, "project.toml [[mappings]] glob")


def scan_table(path: Path) -> pl.LazyFrame:
    """A lazy scan of a CSV (all text) or Parquet file; an unreadable file raises DataError."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pl.scan_parquet(path)
        elif suffix in {".csv", ".tsv", ".txt"}:
            frame = pl.scan_csv(
                path,
                infer_schema=False,
                separator="\t" if suffix == ".tsv" else ",",
                encoding="utf8-lossy",
            )
        else:
            raise DataError(f"{path}: unsupported file type {suffix!r}; use CSV or Parquet")
        frame.collect_schema()
    except pl.exceptions.PolarsError as exc:
        raise DataError(f"{path}: unreadable ({' '.join(str(exc).split())[:160]})") from None
    return frame


def read_mapped(path: Path, mapping: ColumnMapping) -> pl.LazyFrame:
    """Scan PATH and rename the mapping's source columns to canonical names (lazy).

    Raises DataError naming the file and the source columns it lacks.
    """
    frame = scan_table(path)
    available = frame.collect_schema().names()
    missing = [source for source in mapping.columns.values() if source not in available]
    if missing:
        raise DataError(
            f"{path}: column(s) {', '.join(repr(m) for m in missing)} named in the "
            f"project.toml mapping ({mapping.glob}) are not in the file; it has "
            f"{', '.join(available[:12])}"
        )
    return frame.select(
        pl.col(source).alias(canonical) for canonical, source in mapping.columns.items()
    )


def parse_utc(column: str, date_format: str | None) -> pl.Expr:
    """Text (or date/datetime) column -> UTC datetime (see values.parse_utc)."""
    return values.parse_utc(column, date_format)


def _check_columns(mapping: ColumnMapping) -> None:
    allowed = {*ADS_COLUMNS, *ALIASES}
    unknown = [c for c in mapping.columns if c not in allowed]
    missing = [c for c in ADS_REQUIRED if c not in mapping.columns]
    if unknown or missing:
        problem = (
            f"unknown canonical column(s) {', '.join(unknown)}"
            if unknown
            else f"missing required canonical column(s) {', '.join(missing)}"
        )
        raise DataError(
            f"project.toml mapping {mapping.glob}: {problem}; canonical ad columns "
            f"are {', '.join([*ADS_COLUMNS, *ALIASES])}"
        )


def _typed(name: str, mapping: ColumnMapping) -> pl.Expr:
    """The parsed value of mapped column NAME (null where the cell does not parse)."""
    dtype = ADS_COLUMNS.get(name, pl.Float64)
    if name in DATE_COLUMNS:
        return values.parse_utc(name, mapping.date_format)
    if name in LIST_COLUMNS:
        return values.split_list(name, mapping.list_separator)
    if name in ALIASES or dtype in NUMERIC:
        return values.number(name).cast(dtype, strict=False)
    if dtype == pl.Utf8:
        return pl.col(name).cast(pl.Utf8)
    return pl.col(name).cast(pl.Utf8).str.strip_chars().cast(dtype, strict=False)


def _log_problems(
    path: Path, mapping: ColumnMapping, frame: pl.DataFrame, typed: pl.DataFrame, log: QualityLog
) -> None:
    """One counted warning per mapped column for empty required cells and for bad values."""
    total = frame.height
    for name, source in mapping.columns.items():
        text = frame[name].cast(pl.Utf8).str.strip_chars()
        empty = frame["_row"].filter(text.is_null() | (text == ""))
        if name in ADS_REQUIRED and len(empty):
            what = "date" if name in DATE_COLUMNS else "value"
            log.add(
                path,
                _rows(empty),
                "missing_field",
                f"{len(empty):,} of {total:,} rows had no {what} in column {source!r} "
                f"({name}); rows skipped",
            )
        if name in LIST_COLUMNS:
            continue
        bad_mask = text.is_not_null() & (text != "") & typed[name].is_null()
        bad = frame["_row"].filter(bad_mask)
        if len(bad):
            example = text.filter(bad_mask)[0]
            hint = "; set date_format in the [[mappings]] entry" if name in DATE_COLUMNS else ""
            action = "rows skipped" if name in ADS_REQUIRED else "left empty"
            log.add(
                path,
                _rows(bad),
                "wrong_type",
                f"{len(bad):,} of {total:,} values in column {source!r} are not a valid "
                f"{name} (e.g. {example!r}); {action}{hint}",
            )


def _rows(rows: pl.Series) -> str:
    shown = ", ".join(str(r) for r in rows.head(3).to_list())
    more = ", ..." if len(rows) > 3 else ""
    return f"row {shown}" if len(rows) == 1 else f"rows {shown}{more}"


def mapped_ads(path: Path, mapping: ColumnMapping, log: QualityLog) -> pl.DataFrame:
    """Canonical ad rows from a mapped CSV/Parquet; bad values are counted, not dropped silently."""
    _check_columns(mapping)
    frame = read_mapped(path, mapping).with_row_index("_row", offset=1).collect()
    typed = frame.with_columns(_typed(name, mapping).alias(name) for name in mapping.columns)
    _log_problems(path, mapping, frame, typed, log)
    for alias, (lower, upper) in ALIASES.items():
        if alias in typed.columns:
            typed = typed.with_columns(pl.col(alias).alias(lower), pl.col(alias).alias(upper))
    money = next((c for c in ("spend", "spend_lower", "spend_upper") if c in frame.columns), None)
    if money is not None and "currency" not in mapping.columns:
        code = frame.select(values.amount_and_currency(money)[1].alias("currency"))
        typed = typed.with_columns(code.to_series())
    required_ok = (
        pl.all_horizontal(pl.col(c).is_not_null() for c in ADS_REQUIRED)
        & (pl.col("brand").str.strip_chars().str.len_chars() > 0)
        & (pl.col("raw_id").str.strip_chars().str.len_chars() > 0)
    )
    kept = typed.filter(required_ok)
    defaults = {
        "source": pl.lit(mapping.source),
        "card_count": pl.lit(1, pl.Int32),
        "reach_is_estimate": pl.lit(False),
        "record_kind": pl.lit("ad"),
        "source_file": pl.lit(str(path)),
    }
    return kept.select(
        (pl.col(name) if name in kept.columns else defaults.get(name, pl.lit(None)))
        .cast(dtype)
        .alias(name)
        for name, dtype in ADS_COLUMNS.items()
    )
