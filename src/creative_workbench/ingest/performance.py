"""The canonical `performance` table from a project's raw/performance/ exports.

Every file is read by its layout (Meta, Google Ads, TikTok, KAG) or through a
``[[mappings]]`` entry of kind "performance" in project.toml, then checked: counts are
numbers, not negative and whole; an empty count is unknown, never 0 (the row is left out of
what it cannot inform, counted); clicks above impressions are dropped, clipped or refused as
[performance] clicks_over_impressions says (counted, lines named); spend is in the project
currency (other currencies convert through ``currency_rates``, given as units of the project
currency per one unit of the other); one row per creative, period and placement. Problems
that make numbers untrustworthy raise DataError naming file and lines; harmless ones
(identical duplicate rows from overlapping exports, total rows) are counted as warnings.
Rows may be days, weeks or lifetime totals (period_start/period_end null). Columns that
describe the ad (campaign, ad set, age, keyword, ...) are kept as attribute columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from creative_workbench.config import ColumnMapping, PerformanceSettings, Project
from creative_workbench.errors import DataError
from creative_workbench.ingest.mapping import mapped_files, read_mapped
from creative_workbench.ingest.performance_formats import CANONICAL, RawExport, read_export
from creative_workbench.ingest.performance_values import (
    QualityWarning,
    parse_dates,
    parse_numbers,
    with_decimal_points,
)
from creative_workbench.schemas import PerformanceSchema, validate

COUNTS = ("impressions", "clicks", "conversions")
KEY = ("creative_id", "period_start", "period_end", "placement")
SUFFIXES = {".csv", ".tsv", ".txt"}


@dataclass
class PerformanceData:
    """The validated performance table, the files it came from and counted warnings."""

    frame: pl.DataFrame
    files: list[Path]
    warnings: list[QualityWarning] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)

    def warnings_table(self) -> pl.DataFrame:
        """Warnings as a table (file, issue, count) for reports."""
        return pl.DataFrame(
            {
                "file": [Path(w.file).name for w in self.warnings],
                "issue": [w.issue for w in self.warnings],
                "count": [w.count for w in self.warnings],
            },
            schema={"file": pl.Utf8, "issue": pl.Utf8, "count": pl.Int64},
        )


def load_performance(project: Project) -> PerformanceData:
    """Read, check and combine every export under raw/performance/ plus mapped files."""
    folder = project.raw_performance_dir
    mapped: dict[Path, ColumnMapping] = {}
    for mapping in (m for m in project.config.mappings if m.kind == "performance"):
        for path in mapped_files(project.root, mapping):
            mapped.setdefault(path.resolve(), mapping)
    files = {
        p.resolve()
        for p in folder.glob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
    }
    paths = sorted(files | set(mapped))
    if not paths:
        raise DataError(
            f"{folder}: no performance exports (.csv) found; put the ads-manager exports there"
        )
    return read_performance(
        paths,
        currency=project.config.currency,
        rates=project.config.currency_rates,
        mapped=mapped,
        settings=project.config.performance,
    )


def read_performance(
    paths: Sequence[Path],
    *,
    currency: str = "USD",
    rates: Mapping[str, float] | None = None,
    mapped: Mapping[Path, ColumnMapping] | None = None,
    settings: PerformanceSettings | None = None,
) -> PerformanceData:
    """Read and combine export files into one validated performance table.

    MAPPED gives the column mapping for files that are not in a known export layout;
    SETTINGS the [performance] policies (defaults when None).
    """
    settings = settings or PerformanceSettings()
    mapped = {Path(k).resolve(): v for k, v in (mapped or {}).items()}
    exports = [
        read_mapped_export(Path(p), mapped[Path(p).resolve()], settings.decimal)
        if Path(p).resolve() in mapped
        else read_export(Path(p), settings.conversions, settings.decimal)
        for p in paths
    ]
    warnings = [w for e in exports for w in e.warnings]
    frames = []
    for export in exports:
        frame, more = finalise_export(export, currency, dict(rates or {}), settings)
        warnings += more
        frames.append(frame.with_columns(pl.lit(str(export.path)).alias("_file")))
    attributes = list(dict.fromkeys(a for e in exports for a in e.attributes))
    combined, more = drop_duplicate_rows(pl.concat(frames, how="diagonal_relaxed"))
    warnings += more
    source = paths[0] if len(paths) == 1 else Path(paths[0]).parent
    table = validate(combined.select(CANONICAL), PerformanceSchema, source)
    if attributes:
        table = table.with_columns(combined.select(attributes))
    return PerformanceData(table, [Path(p) for p in paths], warnings, attributes)


def read_mapped_export(path: Path, mapping: ColumnMapping, decimal: str = "auto") -> RawExport:
    """Read any CSV/Parquet through a project.toml column mapping (ingest.mapping).

    A `date` column makes one-day rows; `period_start` (and `period_end`) make periods
    (a week, a flight); neither makes lifetime totals. Mapped columns that are not canonical
    (campaign, keyword, match_type, ...) become attribute columns."""
    frame = read_mapped(path, mapping).collect()
    if "date" in frame.columns:
        frame = frame.with_columns(
            pl.col("date").alias("period_start"), pl.col("date").alias("period_end")
        ).drop("date")
    missing = [c for c in ("creative_id", "impressions", "clicks") if c not in frame.columns]
    if missing:
        raise DataError(
            f"{path}: the mapping for {mapping.glob!r} gives no {missing}; map "
            "them under columns in the project.toml [[mappings]] entry"
        )
    frame = frame.with_row_index("_line", offset=2).with_columns(
        pl.col("_line").cast(pl.Int64), *[pl.col(c).cast(pl.Utf8) for c in frame.columns]
    )
    frame, warnings = with_decimal_points(path, frame, decimal)
    dates = {
        c: _mapped_date(path, frame, c, mapping.date_format)
        for c in ("period_start", "period_end")
        if c in frame.columns
    }
    start = dates.get("period_start", pl.lit(None, pl.Date))
    attributes = [c for c in frame.columns if c not in CANONICAL and c != "_line"]
    out = frame.select(
        pl.col("creative_id").str.strip_chars(),
        start.alias("period_start"),
        dates.get("period_end", start).alias("period_end"),
        _text(frame, "placement"),
        *[
            parse_numbers(path, frame, c, empty=0.0 if c == "spend" else None).alias(c)
            if c in frame.columns
            else pl.lit(0.0 if c == "spend" else None, pl.Float64).alias(c)
            for c in ("impressions", "clicks", "spend", "conversions")
        ],
        _text(frame, "currency"),
        pl.lit(mapping.source).alias("source"),
        pl.col("_line").cast(pl.Int64),
        *[pl.col(c).str.strip_chars() for c in attributes],
    )
    return RawExport(path, "mapped", out, warnings, tuple(attributes))


def _mapped_date(path: Path, frame: pl.DataFrame, column: str, fmt: str | None) -> pl.Expr:
    if fmt is None:
        return parse_dates(path, frame, column)
    expr = pl.col(column).str.strip_chars().str.strptime(pl.Date, fmt, strict=False)
    bad = frame.filter(expr.is_null())
    if bad.height:
        raise DataError(
            f"{path}: column {column!r} does not match date_format {fmt!r} on line(s) {_lines(bad)}"
        )
    return expr


def _text(frame: pl.DataFrame, column: str) -> pl.Expr:
    if column in frame.columns:
        return pl.col(column).str.strip_chars().alias(column)
    return pl.lit(None, pl.Utf8).alias(column)


def _lines(frame: pl.DataFrame) -> str:
    return ", ".join(str(v) for v in frame.get_column("_line").head(5).to_list())


def finalise_export(
    export: RawExport,
    currency: str,
    rates: dict[str, float],
    settings: PerformanceSettings | None = None,
) -> tuple[pl.DataFrame, list[QualityWarning]]:
    """Check counts and currency of one export; returns whole-number counts in CURRENCY,
    with the empty-count and clicks-over-impressions policies of SETTINGS applied."""
    settings = settings or PerformanceSettings()
    path, frame, warnings = export.path, export.frame, []
    for column in (*COUNTS, "spend"):
        bad = frame.filter(pl.col(column) < 0)
        if bad.height:
            raise DataError(
                f"{path}: column {column!r} is negative on {bad.height} row(s), "
                f"line(s) {_lines(bad)}; counts and spend cannot be negative"
            )
    for column in ("impressions", "clicks"):
        bad = frame.filter(pl.col(column) != pl.col(column).round(0))
        if bad.height:
            raise DataError(
                f"{path}: column {column!r} has fractional values on line(s) "
                f"{_lines(bad)}; {column} must be whole numbers"
            )
    fractional = frame.filter(pl.col("conversions") != pl.col("conversions").round(0))
    if fractional.height:
        warnings.append(
            QualityWarning(
                str(path),
                "fractional conversions rounded",
                fractional.height,
                tuple(fractional["_line"].to_list()),
            )
        )
    frame = frame.with_columns(pl.col(c).round(0).cast(pl.Int64) for c in COUNTS)
    frame, more = _empty_counts(path, frame, settings.empty_counts)
    warnings += more
    frame, more = _clicks_over_impressions(path, frame, settings.clicks_over_impressions)
    warnings += more
    frame, more = convert_currency(path, frame, currency, rates)
    return frame, warnings + more


def _empty_counts(
    path: Path, frame: pl.DataFrame, policy: str
) -> tuple[pl.DataFrame, list[QualityWarning]]:
    """Rows with empty impressions or clicks carry no rate: left out (counted) or refused.
    Empty conversions stay unknown (null) and are left out of the conversion model only."""
    empty = frame.filter(pl.col("impressions").is_null() | pl.col("clicks").is_null())
    warnings = []
    if empty.height:
        if policy == "fail":
            raise DataError(
                f"{path}: empty impressions or clicks on {empty.height} row(s), line(s) "
                f'{_lines(empty)}; fill them or set [performance] empty_counts = "unknown"'
            )
        warnings.append(
            QualityWarning(
                str(path),
                "row(s) with empty impressions or clicks left out (unknown, not 0)",
                empty.height,
                tuple(empty.get_column("_line").to_list()),
            )
        )
        frame = frame.filter(pl.col("impressions").is_not_null() & pl.col("clicks").is_not_null())
    unknown = frame.filter(pl.col("conversions").is_null() & (pl.col("clicks") > 0))
    if unknown.height:
        warnings.append(
            QualityWarning(
                str(path),
                "row(s) without conversion counts (unknown, not 0; left out of the CVR model)",
                unknown.height,
                tuple(unknown.get_column("_line").to_list()),
            )
        )
    return frame, warnings


def _clicks_over_impressions(
    path: Path, frame: pl.DataFrame, policy: str
) -> tuple[pl.DataFrame, list[QualityWarning]]:
    """Rows whose clicks exceed impressions: dropped, clipped or refused (POLICY)."""
    over = pl.col("clicks") > pl.col("impressions")
    bad = frame.filter(over)
    if not bad.height:
        return frame, []
    if policy == "fail":
        raise DataError(
            f"{path}: clicks exceed impressions on {bad.height} row(s), "
            f"line(s) {_lines(bad)}; check the column mapping or the export, or set "
            '[performance] clicks_over_impressions = "drop" or "clip"'
        )
    lines = tuple(bad.get_column("_line").to_list())
    if policy == "clip":
        clipped = frame.with_columns(
            pl.when(over).then(pl.col("impressions")).otherwise(pl.col("clicks")).alias("clicks")
        )
        issue = "row(s) with clicks above impressions clipped to impressions"
        return clipped, [QualityWarning(str(path), issue, bad.height, lines)]
    issue = "row(s) with clicks above impressions dropped"
    return frame.filter(~over), [QualityWarning(str(path), issue, bad.height, lines)]


def convert_currency(
    path: Path,
    frame: pl.DataFrame,
    currency: str,
    rates: dict[str, float],
) -> tuple[pl.DataFrame, list[QualityWarning]]:
    """Convert spend in other currencies to CURRENCY; without a rate, name the fix."""
    other = frame.filter(pl.col("currency").is_not_null() & (pl.col("currency") != currency))
    if not other.height:
        return frame, []
    warnings = []
    for code in sorted(set(other.get_column("currency").to_list())):
        rows = other.filter(pl.col("currency") == code)
        if code not in rates:
            raise DataError(
                f"{path}: spend in {code} on {rows.height} row(s), line(s) {_lines(rows)}, "
                f"but the project currency is {currency}; add {code} = <{currency} per 1 "
                f"{code}> under [currency_rates] in project.toml"
            )
        warnings.append(
            QualityWarning(
                str(path),
                f"spend converted from {code} at {rates[code]} {currency}/{code}",
                rows.height,
            )
        )
    rate = pl.col("currency").replace_strict(rates, default=1.0, return_dtype=pl.Float64)
    converted = frame.with_columns(
        pl.when(pl.col("currency").is_not_null())
        .then(pl.col("spend") * rate)
        .otherwise(pl.col("spend"))
        .alias("spend"),
        pl.when(pl.col("currency").is_not_null())
        .then(pl.lit(currency))
        .otherwise(pl.col("currency"))
        .alias("currency"),
    )
    return converted, warnings


def drop_duplicate_rows(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[QualityWarning]]:
    """One row per creative, period and placement: identical repeats are dropped and
    counted; repeats with different numbers raise DataError naming both places."""
    values = ["impressions", "clicks", "conversions", "spend"]
    keyed = frame.with_columns(pl.len().over(KEY).alias("_n"))
    repeated = keyed.filter(pl.col("_n") > 1)
    if not repeated.height:
        return frame, []
    distinct = repeated.group_by(KEY).agg(
        *[pl.col(c).n_unique().alias(c) for c in values], pl.col("_file"), pl.col("_line")
    )
    conflict = distinct.filter(pl.any_horizontal(pl.col(c) > 1 for c in values))
    if conflict.height:
        row = conflict.row(0, named=True)
        places = "; ".join(
            f"{Path(f).name} line {n}" for f, n in zip(row["_file"], row["_line"], strict=True)
        )
        raise DataError(
            f"{row['_file'][0]}: {conflict.height} creative-day(s) reported twice with "
            f"different numbers, e.g. {row['creative_id']!r} {row['period_start']} ({places}); "
            "remove the outdated export"
        )
    deduped = frame.unique(subset=list(KEY), keep="first", maintain_order=True)
    dropped = repeated.filter(pl.int_range(pl.len()).over(KEY) > 0)
    warnings = [
        QualityWarning(
            name,
            "duplicate row(s) identical to an earlier export dropped",
            part.height,
            tuple(part.get_column("_line").to_list()),
        )
        for (name,), part in dropped.group_by("_file", maintain_order=True)
    ]
    return deduped, warnings
