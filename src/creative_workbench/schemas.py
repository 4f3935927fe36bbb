"""Pandera (polars) schemas for every table that crosses a module boundary."""

from __future__ import annotations

from pathlib import Path

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaError, SchemaErrors

from creative_workbench.errors import DataError

UTC_DATETIME = pl.Datetime("us", "UTC")
SEVERITIES = ["pass", "warn", "fail"]


class _Config:
    strict = True
    coerce = False


class AdsSchema(pa.DataFrameModel):
    """Canonical competitor ads: one row per ad per source, ranges kept as bounds."""

    ad_id: str = pa.Field(unique=True, description="source:raw_id, unique across sources")
    source: str = pa.Field(
        str_length={"min_value": 1},
        description="meta_api, meta_report, tiktok, google_atc or a mapping's source name",
    )
    raw_id: str
    brand: str = pa.Field(str_length={"min_value": 1})
    page_id: str = pa.Field(nullable=True)
    created_at: UTC_DATETIME = pa.Field(nullable=True)
    start_time: UTC_DATETIME
    stop_time: UTC_DATETIME = pa.Field(nullable=True, description="null = still active")
    body: str = pa.Field(nullable=True)
    title: str = pa.Field(nullable=True)
    description: str = pa.Field(nullable=True)
    caption: str = pa.Field(nullable=True)
    card_count: pl.Int32 = pa.Field(ge=0)
    cta_raw: str = pa.Field(nullable=True, description="CTA as the source states it")
    ad_format: str = pa.Field(nullable=True, description="image, video, carousel, text")
    platforms: pl.List(pl.Utf8) = pa.Field(nullable=True)
    languages: pl.List(pl.Utf8) = pa.Field(nullable=True)
    snapshot_url: str = pa.Field(nullable=True)
    currency: str = pa.Field(nullable=True)
    spend_lower: float = pa.Field(nullable=True, ge=0)
    spend_upper: float = pa.Field(nullable=True, ge=0, description="null = open top bucket")
    impressions_lower: float = pa.Field(nullable=True, ge=0)
    impressions_upper: float = pa.Field(nullable=True, ge=0)
    reach_lower: float = pa.Field(nullable=True, ge=0)
    reach_upper: float = pa.Field(nullable=True, ge=0)
    reach_is_estimate: bool = pa.Field(description="true when reach is a point estimate")
    media_path: str = pa.Field(nullable=True, description="image/thumbnail under raw/media")
    record_kind: str = pa.Field(isin=["ad", "page_total"], description="page_total = report row")
    ads_in_library: pl.Int64 = pa.Field(nullable=True, ge=0, description="page_total rows only")
    status: str = pa.Field(nullable=True)
    objective: str = pa.Field(nullable=True)
    bylines: str = pa.Field(nullable=True)
    audience_size_lower: float = pa.Field(nullable=True, ge=0)
    audience_size_upper: float = pa.Field(nullable=True, ge=0)
    target_ages: str = pa.Field(nullable=True)
    target_gender: str = pa.Field(nullable=True)
    target_locations: pl.List(pl.Utf8) = pa.Field(nullable=True)
    demographics_json: str = pa.Field(nullable=True, description="demographic_distribution")
    regions_json: str = pa.Field(nullable=True, description="delivery_by_region")
    reach_breakdown_json: str = pa.Field(nullable=True, description="EU/TikTok reach breakdown")
    source_file: str
    captured_at: UTC_DATETIME = pa.Field(
        nullable=True, description="when the source file was captured (null = unknown)"
    )

    class Config(_Config):
        pass

    @pa.dataframe_check
    def stop_not_before_start(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("stop_time").is_null() | (pl.col("stop_time") >= pl.col("start_time"))
        )


class CreativesSchema(pa.DataFrameModel):
    """The studio's own past creatives and their attributes."""

    creative_id: str = pa.Field(unique=True)
    name: str
    ad_format: str = pa.Field(isin=["video", "image", "carousel"])
    aspect: str = pa.Field(isin=["9:16", "4:5", "1:1", "16:9"])
    duration_s: float = pa.Field(nullable=True, ge=0)
    placement: str
    angle: str
    cta: str
    offer: str
    hook: str
    palette_adherence: float = pa.Field(ge=0, le=1)
    logo_time_s: float = pa.Field(nullable=True, ge=0, description="null = no logo")
    audience: str
    launch_date: pl.Date

    class Config(_Config):
        strict = "filter"


class PerformanceSchema(pa.DataFrameModel):
    """Delivery results per creative and reporting period (a day when start == end)."""

    creative_id: str = pa.Field(str_length={"min_value": 1})
    period_start: pl.Date = pa.Field(nullable=True, description="null = lifetime totals")
    period_end: pl.Date = pa.Field(nullable=True, description="null = lifetime totals")
    placement: str = pa.Field(nullable=True)
    impressions: pl.Int64 = pa.Field(ge=0)
    clicks: pl.Int64 = pa.Field(ge=0)
    spend: float = pa.Field(ge=0)
    conversions: pl.Int64 = pa.Field(ge=0, nullable=True, description="null = not reported")
    currency: str = pa.Field(nullable=True)
    source: str

    class Config(_Config):
        strict = "filter"
        unique = ["creative_id", "period_start", "period_end", "placement"]

    @pa.dataframe_check
    def clicks_within_impressions(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("clicks") <= pl.col("impressions"))

    @pa.dataframe_check
    def period_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("period_end") >= pl.col("period_start")).fill_null(True)
        )


class ConceptsSchema(pa.DataFrameModel):
    """Concept briefs and their review status."""

    concept_id: str = pa.Field(unique=True)
    title: str
    angle: str
    cta: str
    offer: str
    ad_format: str
    aspect: str
    placement: str
    hook: str
    brief: str
    status: str = pa.Field(isin=["draft", "approved", "rejected"])

    class Config(_Config):
        strict = "filter"


class FindingsSchema(pa.DataFrameModel):
    """QA findings: one row per check per deliverable."""

    file: str
    check_id: str
    severity: str = pa.Field(isin=SEVERITIES)
    measured: str = pa.Field(nullable=True)
    expected: str = pa.Field(nullable=True)
    where: str = pa.Field(nullable=True)
    message: str

    class Config(_Config):
        strict = "filter"


def validate(
    frame: pl.DataFrame, schema: type[pa.DataFrameModel], source: Path | str
) -> pl.DataFrame:
    """Validate FRAME against SCHEMA; a failure names the file, column and first bad rows."""
    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        raise DataError(f"{source}: {_describe(exc.failure_cases, schema)}") from None
    except SchemaError as exc:
        raise DataError(f"{source}: {schema.__name__}: {' '.join(str(exc).split())}") from None


def _describe(cases: pl.DataFrame, schema: type[pa.DataFrameModel]) -> str:
    first = cases.row(0, named=True)
    if first.get("check") == "column_in_dataframe":
        missing = cases.filter(pl.col("check") == "column_in_dataframe")
        names = ", ".join(repr(v) for v in missing.get_column("failure_case").to_list())
        return f"missing column(s) {names}; add them or map them in project.toml"
    column = first.get("column") or schema.__name__
    label = "table" if column == schema.__name__ else f"column {column!r}"
    check = first.get("check")
    same = cases.filter(
        (pl.col("column").cast(pl.Utf8).fill_null("") == (first.get("column") or ""))
        & (pl.col("check").cast(pl.Utf8).fill_null("") == (check or ""))
    )
    rows = [r + 1 for r in same.get_column("index").to_list() if r is not None][:5]
    where = f" in data rows {', '.join(str(r) for r in rows)}" if rows else ""
    values = [v for v in same.get_column("failure_case").to_list()[:3] if v is not None]
    shown = f" (values: {', '.join(repr(v)[:60] for v in values)})" if values and rows else ""
    more = f"; {cases.height} failures in all" if cases.height > 1 else ""
    return f"{label} fails {check}{where}{shown}{more}"
