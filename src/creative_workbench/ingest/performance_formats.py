"""Readers for ads-manager performance exports: Meta, Google Ads, TikTok and the KAG table.

Each reader turns one delivered file into canonical columns (creative_id, period_start,
period_end, placement, impressions, clicks, spend, conversions, currency, source) plus a
``_line`` column holding the row's line number in the file, so later checks can name rows.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from creative_workbench.errors import DataError
from creative_workbench.ingest.performance_values import (
    QualityWarning,
    decode_text,
    parse_dates,
    parse_numbers,
    with_decimal_points,
)

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
DEFAULT_CONVERSIONS = {
    "meta": "Results",
    "google": "Conversions",
    "tiktok": "Conversions",
    "kag": "Approved_Conversion",
}
ATTRIBUTES = {
    "meta": {"campaign": "Campaign name", "ad_set": "Ad set name", "platform": "Platform"},
    "google": {"campaign": "Campaign", "ad_group": "Ad group", "ad_type": "Ad type"},
    "tiktok": {"campaign": "Campaign name", "ad_group": "Ad group name"},
    "kag": {
        "campaign": "xyz_campaign_id",
        "ad_set": "fb_campaign_id",
        "age": "age",
        "gender": "gender",
        "interest": "interest",
    },
}
META_SPEND = re.compile(r"^Amount spent \(([A-Z]{3})\)$")
META_PLACEMENTS = {"reels": "meta_reels", "stories": "meta_stories", "feed": "meta_feed"}


@dataclass
class RawExport:
    """One file's rows in canonical columns, before cross-file checks."""

    path: Path
    kind: str
    frame: pl.DataFrame
    warnings: list[QualityWarning] = field(default_factory=list)
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Layout:
    kind: str
    required: tuple[str, ...]
    known: tuple[str, ...]


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split("|"))


META = _Layout(
    "meta",
    _names("Reporting starts|Reporting ends|Ad name|Impressions"),
    _names(
        "Reporting starts|Reporting ends|Campaign name|Ad set name|Ad name|Ad ID|Placement|"
        "Platform|Impressions|Reach|Frequency|Link clicks|CTR (link click-through rate)|"
        "CPC (cost per link click)|CPM (cost per 1,000 impressions)|Results|Result indicator|"
        "Cost per result|Ad delivery|Attribution setting|Ends|Starts|Day"
    ),
)
GOOGLE = _Layout(
    "google",
    _names("Ad ID|Day|Impr.|Clicks|Cost"),
    _names(
        "Ad ID|Ad name|Day|Campaign|Ad group|Ad type|Ad status|Final URL|Impr.|Clicks|CTR|"
        "Avg. CPC|Cost|Conversions|Cost / conv.|Conv. rate|Currency code|Network|Ad state|Status"
    ),
)
TIKTOK = _Layout(
    "tiktok",
    _names("Ad name|Impressions|Clicks (destination)|Cost"),
    _names(
        "Ad name|Ad ID|Date|By Day|Campaign name|Ad group name|Placement|Impressions|Reach|"
        "Clicks (destination)|CTR (destination)|CPC (destination)|CPM|Cost|Conversions|"
        "Cost per conversion|Conversion rate (CVR)|Currency|Video views|Primary status|"
        "Secondary status"
    ),
)
KAG = _Layout(
    "kag",
    _names("ad_id|xyz_campaign_id|Impressions|Clicks|Spent"),
    _names(
        "ad_id|xyz_campaign_id|fb_campaign_id|age|gender|interest|Impressions|Clicks|Spent|"
        "Total_Conversion|Approved_Conversion"
    ),
)
LAYOUTS = (META, GOOGLE, TIKTOK, KAG)


def _delimiter(line: str) -> str:
    return "\t" if line.count("\t") > line.count(",") else ","


def find_layout(path: Path, text: str) -> tuple[_Layout, int, str] | None:
    """The known export layout of TEXT: (layout, header line index, delimiter), or None."""
    for index, line in enumerate(text.split("\n")[:12]):
        delimiter = _delimiter(line)
        fields = {f.strip() for f in next(csv.reader([line], delimiter=delimiter), [])}
        for layout in LAYOUTS:
            if set(layout.required) <= fields:
                return layout, index, delimiter
    return None


def read_export(path: Path, conversions: str | None = None, decimal: str = "auto") -> RawExport:
    """Read a Meta, Google Ads, TikTok or KAG export; other layouts raise DataError.

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
    warnings = _unknown_columns(path, frame, layout)
    frame, more = with_decimal_points(path, frame, decimal)
    warnings += more
    counted = conversions or DEFAULT_CONVERSIONS[layout.kind]
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
    reader = {"meta": _meta, "google": _google, "tiktok": _tiktok, "kag": _kag}[layout.kind]
    out, more = reader(path, frame)
    names = {k: v for k, v in ATTRIBUTES[layout.kind].items() if v in frame.columns}
    attributes = frame.select(
        "_line", *[pl.col(v).cast(pl.Utf8).str.strip_chars().alias(k) for k, v in names.items()]
    )
    out = out.join(attributes, on="_line", how="left")
    return RawExport(path, layout.kind, out, warnings + more, tuple(names))


def _unknown_columns(path: Path, frame: pl.DataFrame, layout: _Layout) -> list[QualityWarning]:
    unknown = [
        c
        for c in frame.columns
        if c != "_line" and c not in layout.known and not META_SPEND.match(c)
    ]
    if not unknown:
        return []
    names = ", ".join(repr(c) for c in unknown[:6])
    return [QualityWarning(str(path), f"unknown column(s) ignored: {names}", len(unknown))]


def _drop_summary_rows(
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


def _optional_number(path: Path, frame: pl.DataFrame, column: str) -> pl.Expr:
    """A count column that exports may leave out (then unknown, never zero)."""
    if column in frame.columns:
        return parse_numbers(path, frame, column)
    return pl.lit(None, pl.Float64)


def _meta_count(path: Path, frame: pl.DataFrame, column: str) -> pl.Expr:
    """Meta leaves result cells (link clicks, results) empty when there were none: zero;
    a column left out of the export is unknown."""
    if column in frame.columns:
        return parse_numbers(path, frame, column, empty=0.0)
    return pl.lit(None, pl.Float64)


def _spend(path: Path, frame: pl.DataFrame, column: str) -> pl.Expr:
    """Spend: an empty cell is no spend."""
    return parse_numbers(path, frame, column, empty=0.0)


def _optional_text(frame: pl.DataFrame, column: str) -> pl.Expr:
    if column in frame.columns:
        return pl.col(column).cast(pl.Utf8).str.strip_chars()
    return pl.lit(None, pl.Utf8)


def _creative_id(frame: pl.DataFrame) -> str:
    if "Ad name" in frame.columns and frame.get_column("Ad name").null_count() < frame.height:
        return "Ad name"
    return "Ad ID"


def _meta(path: Path, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[QualityWarning]]:
    spend_cols = [c for c in frame.columns if META_SPEND.match(c)]
    if len(spend_cols) != 1:
        raise DataError(
            f"{path}: expected one 'Amount spent (CUR)' column, found "
            f"{len(spend_cols)}; re-export with the spend column included"
        )
    currency = META_SPEND.match(spend_cols[0]).group(1)
    frame, warnings = _drop_summary_rows(path, frame, "Ad name")
    placement = (
        normalise_meta_placement(pl.col("Placement"))
        if "Placement" in frame.columns
        else pl.lit(None, pl.Utf8)
    )
    out = frame.select(
        pl.col("Ad name").str.strip_chars().alias("creative_id"),
        parse_dates(path, frame, "Reporting starts").alias("period_start"),
        parse_dates(path, frame, "Reporting ends").alias("period_end"),
        placement.alias("placement"),
        parse_numbers(path, frame, "Impressions").alias("impressions"),
        _meta_count(path, frame, "Link clicks").alias("clicks"),
        _spend(path, frame, spend_cols[0]).alias("spend"),
        _meta_count(path, frame, "_conversions").alias("conversions"),
        pl.lit(currency).alias("currency"),
        pl.lit("meta").alias("source"),
        "_line",
    )
    return out, warnings


def normalise_meta_placement(expr: pl.Expr) -> pl.Expr:
    """Meta placement names ('Instagram Reels', 'Facebook Stories', 'Feed') to placement ids."""
    lowered = expr.cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    result = lowered
    for needle, placement_id in reversed(META_PLACEMENTS.items()):
        result = (
            pl.when(lowered.str.contains(needle, literal=True) & ~lowered.str.contains("_"))
            .then(pl.lit(placement_id))
            .otherwise(result)
        )
    return result


def _google(path: Path, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[QualityWarning]]:
    id_col = _creative_id(frame)
    frame, warnings = _drop_summary_rows(path, frame, id_col)
    currency = (
        pl.col("Currency code").str.strip_chars()
        if "Currency code" in frame.columns
        else pl.lit(None, pl.Utf8)
    )
    out = frame.select(
        pl.col(id_col).str.strip_chars().alias("creative_id"),
        parse_dates(path, frame, "Day").alias("period_start"),
        parse_dates(path, frame, "Day").alias("period_end"),
        _optional_text(frame, "Network").str.to_lowercase().alias("placement"),
        parse_numbers(path, frame, "Impr.").alias("impressions"),
        parse_numbers(path, frame, "Clicks").alias("clicks"),
        _spend(path, frame, "Cost").alias("spend"),
        _optional_number(path, frame, "_conversions").alias("conversions"),
        currency.alias("currency"),
        pl.lit("google").alias("source"),
        "_line",
    )
    return out, warnings


def _tiktok(path: Path, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[QualityWarning]]:
    date_col = next((c for c in ("Date", "By Day") if c in frame.columns), None)
    if date_col is None:
        raise DataError(
            f"{path}: TikTok export without a 'Date' or 'By Day' column; "
            "export with the daily breakdown"
        )
    frame, warnings = _drop_summary_rows(path, frame, "Ad name")
    currency = (
        pl.col("Currency").str.strip_chars()
        if "Currency" in frame.columns
        else pl.lit(None, pl.Utf8)
    )
    out = frame.select(
        pl.col("Ad name").str.strip_chars().alias("creative_id"),
        parse_dates(path, frame, date_col).alias("period_start"),
        parse_dates(path, frame, date_col).alias("period_end"),
        _optional_text(frame, "Placement").str.to_lowercase().alias("placement"),
        parse_numbers(path, frame, "Impressions").alias("impressions"),
        parse_numbers(path, frame, "Clicks (destination)").alias("clicks"),
        _spend(path, frame, "Cost").alias("spend"),
        _optional_number(path, frame, "_conversions").alias("conversions"),
        currency.alias("currency"),
        pl.lit("tiktok").alias("source"),
        "_line",
    )
    return out, warnings


def _kag(path: Path, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[QualityWarning]]:
    """The KAG campaign table: lifetime totals per ad, no dates, placement or currency."""
    out = frame.select(
        pl.col("ad_id").str.strip_chars().alias("creative_id"),
        pl.lit(None, pl.Date).alias("period_start"),
        pl.lit(None, pl.Date).alias("period_end"),
        pl.lit(None, pl.Utf8).alias("placement"),
        parse_numbers(path, frame, "Impressions").alias("impressions"),
        parse_numbers(path, frame, "Clicks").alias("clicks"),
        _spend(path, frame, "Spent").alias("spend"),
        _optional_number(path, frame, "_conversions").alias("conversions"),
        pl.lit(None, pl.Utf8).alias("currency"),
        pl.lit("kag").alias("source"),
        "_line",
    )
    return out, []


def read_kag_attributes(path: Path) -> pl.DataFrame:
    """The KAG table's targeting attributes per ad: campaign, ad set, age, gender, interest."""
    text = decode_text(path)
    frame = pl.read_csv(io.StringIO(text), infer_schema=False)
    missing = {"ad_id", "xyz_campaign_id", "fb_campaign_id", "age", "gender", "interest"} - set(
        frame.columns
    )
    if missing:
        raise DataError(f"{path}: not the KAG campaign table; missing {sorted(missing)}")
    return frame.select(
        pl.col("ad_id").alias("creative_id"),
        pl.col("xyz_campaign_id").alias("campaign"),
        pl.col("fb_campaign_id").alias("ad_set"),
        pl.col("age"),
        pl.col("gender"),
        pl.col("interest"),
    )
