"""Google Ads Transparency Center creative stats (public BigQuery export) -> canonical ads.

Rows of `bigquery-public-data.google_ads_transparency_center.creative_stats` exported as
JSON Lines, JSON or Parquet: `advertiser_id`, `creative_id`, `ad_format_type`,
`advertiser_disclosed_name`, `region_stats[]` with `region_code`, `first_shown`,
`last_shown`, `times_shown_lower_bound`, `times_shown_upper_bound`. One canonical row per
creative: first shown = earliest region start, last shown = latest region end, and
impressions bounds = the sum over regions (upper open when any region's upper is open).
The export has no ad copy, so Google rows count for share of voice but carry no labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from creative_workbench.errors import DataError
from creative_workbench.ingest.records import (
    QualityLog,
    records_to_frame,
    to_json,
    to_utc,
)
from creative_workbench.ingest.sources import JSON_SUFFIXES, AdSource, SourceSample

SOURCE = "google_atc"
FORMATS = {"TEXT": "text", "IMAGE": "image", "VIDEO": "video"}


def is_google_atc_record(record: Any) -> bool:
    """True for a creative_stats row."""
    return (
        isinstance(record, dict)
        and "creative_id" in record
        and ("region_stats" in record or "advertiser_id" in record)
    )


def _row(record: Any, label: str, path: Path, log: QualityLog) -> dict[str, Any] | None:
    if not isinstance(record, dict):
        log.add(path, label, "wrong_type", "row is not an object; skipped")
        return None
    creative = record.get("creative_id")
    brand = record.get("advertiser_disclosed_name") or record.get("advertiser_legal_name")
    where = f"{label} (creative {creative})" if creative else label
    stats = record.get("region_stats")
    if isinstance(stats, str):
        log.add(path, where, "wrong_type", "region_stats is text, not a list; skipped")
        return None
    missing = [
        n
        for n, v in (
            ("creative_id", creative),
            ("advertiser_disclosed_name", brand),
            ("region_stats", stats),
        )
        if not v
    ]
    if missing:
        log.add(
            path,
            where,
            "missing_field",
            f"required field(s) {', '.join(missing)} missing; row skipped",
        )
        return None
    starts, stops, lowers, uppers = [], [], [], []
    try:
        for region in stats:
            starts.append(to_utc(region.get("first_shown")))
            stops.append(to_utc(region.get("last_shown")))
            lowers.append(_number(region.get("times_shown_lower_bound")))
            uppers.append(_number(region.get("times_shown_upper_bound")))
    except (ValueError, AttributeError, TypeError) as exc:
        log.add(path, where, "wrong_type", f"region_stats: {exc}; row skipped")
        return None
    starts = [s for s in starts if s is not None]
    if not starts:
        log.add(path, where, "missing_field", "no region has first_shown; row skipped")
        return None
    known_stops = [s for s in stops if s is not None]
    return {
        "source": SOURCE,
        "raw_id": str(creative),
        "brand": str(brand).strip(),
        "page_id": _text(record.get("advertiser_id")),
        "start_time": min(starts),
        "stop_time": max(known_stops) if known_stops else None,
        "ad_format": FORMATS.get(str(record.get("ad_format_type") or "").upper()),
        "card_count": 1,
        "snapshot_url": _text(record.get("creative_page_url")),
        "impressions_lower": sum(v for v in lowers if v is not None)
        if any(v is not None for v in lowers)
        else None,
        "impressions_upper": None if any(v is None for v in uppers) else sum(uppers),
        "platforms": ["GOOGLE"],
        "reach_breakdown_json": to_json([{k: str(v) for k, v in r.items()} for r in stats]),
        "source_file": str(path),
    }


def _number(value: Any) -> float | None:
    if value in (None, ""):
        return None
    return float(value)


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _parquet_rows(sample: SourceSample) -> Iterator[tuple[str, Any]]:
    """(label, row) pairs of a creative_stats Parquet export."""
    try:
        table = pl.read_parquet(sample.path)
    except pl.exceptions.PolarsError as exc:
        raise DataError(
            f"{sample.path}: unreadable Parquet ({' '.join(str(exc).split())[:120]})"
        ) from None
    return ((f"row {i + 1}", r) for i, r in enumerate(table.iter_rows(named=True)))


def _read(sample: SourceSample) -> pl.DataFrame:
    parquet = sample.suffix == ".parquet"
    rows = _parquet_rows(sample) if parquet else sample.records
    return records_to_frame(rows, _row, sample.path, sample.log)


def _detect(sample: SourceSample) -> bool:
    if sample.suffix == ".parquet":
        return {"creative_id", "region_stats"} <= set(sample.columns)
    return is_google_atc_record(sample.first_record)


AD_SOURCES = (AdSource(SOURCE, JSON_SUFFIXES | {".parquet"}, detect=_detect, read=_read),)
