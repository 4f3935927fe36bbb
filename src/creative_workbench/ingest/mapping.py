"""Any CSV/Parquet source -> canonical columns through a `ColumnMapping` from project.toml.

`read_mapped` is generic (ads or performance): it scans the file lazily and renames the
mapped source columns to canonical names. CSV cells arrive as text (no type guessing), so
the consumer decides the types. `mapped_ads` turns an ads mapping into canonical ad rows.

Example project.toml entry:

    [[mappings]]
    kind = "ads"
    glob = "raw/ads/pinterest_*.csv"
    source = "custom"
    date_format = "%d/%m/%Y"
    columns = { raw_id = "Pin ID", brand = "Advertiser", start_time = "First seen", body = "Text" }
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from creative_workbench.config import ColumnMapping
from creative_workbench.errors import DataError
from creative_workbench.ingest.records import ADS_COLUMNS, QualityLog
from creative_workbench.paths import glob_inside_project

ADS_REQUIRED = ("raw_id", "brand", "start_time")
DATE_COLUMNS = ("created_at", "start_time", "stop_time")
LIST_COLUMNS = ("platforms", "languages", "target_locations")
_NAIVE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y%m%d",
)
_AWARE_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z")


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
    """Text (or date/datetime) column -> UTC datetime; unparseable values become null."""
    text = pl.col(column).cast(pl.Utf8).str.strip_chars()
    if date_format:
        parsed = text.str.strptime(pl.Datetime("us"), date_format, strict=False)
        if "%z" in date_format:
            return parsed.dt.convert_time_zone("UTC")
        return parsed.dt.replace_time_zone("UTC")
    naive = [
        text.str.strptime(pl.Datetime("us"), f, strict=False).dt.replace_time_zone("UTC")
        for f in _NAIVE_FORMATS
    ]
    aware = [text.str.strptime(pl.Datetime("us", "UTC"), f, strict=False) for f in _AWARE_FORMATS]
    return pl.coalesce(*aware, *naive)


def mapped_ads(path: Path, mapping: ColumnMapping, log: QualityLog) -> pl.DataFrame:
    """Canonical ad rows from a mapped CSV/Parquet; bad values are counted, not dropped silently."""
    unknown = [c for c in mapping.columns if c not in ADS_COLUMNS]
    missing = [c for c in ADS_REQUIRED if c not in mapping.columns]
    if unknown or missing:
        problem = (
            f"unknown canonical column(s) {', '.join(unknown)}"
            if unknown
            else f"missing required canonical column(s) {', '.join(missing)}"
        )
        raise DataError(
            f"project.toml mapping {mapping.glob}: {problem}; canonical ad columns "
            f"are {', '.join(ADS_COLUMNS)}"
        )
    frame = read_mapped(path, mapping).with_row_index("_row", offset=1).collect()
    exprs = []
    for name, dtype in ADS_COLUMNS.items():
        if name not in mapping.columns:
            continue
        if name in DATE_COLUMNS:
            exprs.append(parse_utc(name, mapping.date_format).alias(name))
        elif name in LIST_COLUMNS:
            exprs.append(
                pl.col(name)
                .cast(pl.Utf8)
                .str.split(",")
                .list.eval(pl.element().str.strip_chars())
                .alias(name)
            )
        else:
            exprs.append(
                pl.col(name).cast(pl.Utf8).str.strip_chars().cast(dtype, strict=False).alias(name)
                if dtype != pl.Utf8
                else pl.col(name).cast(pl.Utf8)
            )
    typed = frame.with_columns(exprs)
    for name in mapping.columns:
        if name in LIST_COLUMNS:
            continue
        bad = typed.filter(frame[name].is_not_null() & typed[name].is_null())
        action = "row skipped" if name in ADS_REQUIRED else "left empty"
        for row_number in bad.get_column("_row").to_list():
            log.add(
                path,
                f"row {row_number}",
                "wrong_type",
                f"{mapping.columns[name]} = {frame[name][row_number - 1]!r} is not a valid "
                f"{name}; {action}",
            )
    empty_source = pl.any_horizontal(
        frame[c].is_null() | (frame[c].cast(pl.Utf8).str.strip_chars() == "") for c in ADS_REQUIRED
    )
    for row_number in frame.filter(empty_source).get_column("_row").to_list():
        log.add(path, f"row {row_number}", "missing_field", "empty required value; row skipped")
    required_ok = (
        pl.all_horizontal(pl.col(c).is_not_null() for c in ADS_REQUIRED)
        & (pl.col("brand").str.len_chars() > 0)
        & (pl.col("raw_id").str.len_chars() > 0)
    )
    kept = typed.filter(required_ok).drop("_row")
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
