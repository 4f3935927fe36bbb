"""The built-in performance export layouts: Meta, Google Ads, TikTok and the KAG table.

Registered through PERFORMANCE_LAYOUTS exactly as a studio's own layout module would be
(see ingest/performance_formats.py).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import polars as pl

from creative_workbench.errors import DataError
from creative_workbench.ingest.performance_formats import (
    PerformanceLayout,
    column_names,
    count_or_zero,
    drop_summary_rows,
    optional_number,
    optional_text,
    spend_column,
)
from creative_workbench.ingest.performance_values import (
    QualityWarning,
    parse_dates,
    parse_numbers,
)
from creative_workbench.ingest.records import decode_text

META_SPEND = re.compile(r"^Amount spent \(([A-Z]{3})\)$")
META_PLACEMENTS = {"reels": "meta_reels", "stories": "meta_stories", "feed": "meta_feed"}


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
    frame, warnings = drop_summary_rows(path, frame, "Ad name")
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
        count_or_zero(path, frame, "Link clicks").alias("clicks"),
        spend_column(path, frame, spend_cols[0]).alias("spend"),
        count_or_zero(path, frame, "_conversions").alias("conversions"),
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
    frame, warnings = drop_summary_rows(path, frame, id_col)
    currency = (
        pl.col("Currency code").str.strip_chars()
        if "Currency code" in frame.columns
        else pl.lit(None, pl.Utf8)
    )
    out = frame.select(
        pl.col(id_col).str.strip_chars().alias("creative_id"),
        parse_dates(path, frame, "Day").alias("period_start"),
        parse_dates(path, frame, "Day").alias("period_end"),
        optional_text(frame, "Network").str.to_lowercase().alias("placement"),
        parse_numbers(path, frame, "Impr.").alias("impressions"),
        parse_numbers(path, frame, "Clicks").alias("clicks"),
        spend_column(path, frame, "Cost").alias("spend"),
        optional_number(path, frame, "_conversions").alias("conversions"),
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
    frame, warnings = drop_summary_rows(path, frame, "Ad name")
    currency = (
        pl.col("Currency").str.strip_chars()
        if "Currency" in frame.columns
        else pl.lit(None, pl.Utf8)
    )
    out = frame.select(
        pl.col("Ad name").str.strip_chars().alias("creative_id"),
        parse_dates(path, frame, date_col).alias("period_start"),
        parse_dates(path, frame, date_col).alias("period_end"),
        optional_text(frame, "Placement").str.to_lowercase().alias("placement"),
        parse_numbers(path, frame, "Impressions").alias("impressions"),
        parse_numbers(path, frame, "Clicks (destination)").alias("clicks"),
        spend_column(path, frame, "Cost").alias("spend"),
        optional_number(path, frame, "_conversions").alias("conversions"),
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
        spend_column(path, frame, "Spent").alias("spend"),
        optional_number(path, frame, "_conversions").alias("conversions"),
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


META = PerformanceLayout(
    "meta",
    column_names("Reporting starts|Reporting ends|Ad name|Impressions"),
    column_names(
        "Reporting starts|Reporting ends|Campaign name|Ad set name|Ad name|Ad ID|Placement|"
        "Platform|Impressions|Reach|Frequency|Link clicks|CTR (link click-through rate)|"
        "CPC (cost per link click)|CPM (cost per 1,000 impressions)|Results|Result indicator|"
        "Cost per result|Ad delivery|Attribution setting|Ends|Starts|Day"
    ),
    conversions="Results",
    attributes={"campaign": "Campaign name", "ad_set": "Ad set name", "platform": "Platform"},
    read=_meta,
    known_pattern=META_SPEND,
)

GOOGLE = PerformanceLayout(
    "google",
    column_names("Ad ID|Day|Impr.|Clicks|Cost"),
    column_names(
        "Ad ID|Ad name|Day|Campaign|Ad group|Ad type|Ad status|Final URL|Impr.|Clicks|CTR|"
        "Avg. CPC|Cost|Conversions|Cost / conv.|Conv. rate|Currency code|Network|Ad state|Status"
    ),
    conversions="Conversions",
    attributes={"campaign": "Campaign", "ad_group": "Ad group", "ad_type": "Ad type"},
    read=_google,
)

TIKTOK = PerformanceLayout(
    "tiktok",
    column_names("Ad name|Impressions|Clicks (destination)|Cost"),
    column_names(
        "Ad name|Ad ID|Date|By Day|Campaign name|Ad group name|Placement|Impressions|Reach|"
        "Clicks (destination)|CTR (destination)|CPC (destination)|CPM|Cost|Conversions|"
        "Cost per conversion|Conversion rate (CVR)|Currency|Video views|Primary status|"
        "Secondary status"
    ),
    conversions="Conversions",
    attributes={"campaign": "Campaign name", "ad_group": "Ad group name"},
    read=_tiktok,
)

KAG = PerformanceLayout(
    "kag",
    column_names("ad_id|xyz_campaign_id|Impressions|Clicks|Spent"),
    column_names(
        "ad_id|xyz_campaign_id|fb_campaign_id|age|gender|interest|Impressions|Clicks|Spent|"
        "Total_Conversion|Approved_Conversion"
    ),
    conversions="Approved_Conversion",
    attributes={
        "campaign": "xyz_campaign_id",
        "ad_set": "fb_campaign_id",
        "age": "age",
        "gender": "gender",
        "interest": "interest",
    },
    read=_kag,
)
PERFORMANCE_LAYOUTS = (META, GOOGLE, TIKTOK, KAG)
