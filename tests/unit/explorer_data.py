"""Labelled ad tables for the explorer tests: real ad copy from ../shared/data, and a small
hand-made table whose dates and states the tests choose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from creative_workbench.research import market
from creative_workbench.research.messaging import label_ads

AS_OF = datetime(2026, 3, 1, tzinfo=UTC)
_NULL_TEXT = ("title", "description", "cta_raw", "media_path", "snapshot_url", "page_id")


def ads_frame(rows: list[dict]) -> pl.DataFrame:
    """Canonical-looking ad rows (meta_api) from dicts with at least id, brand, body, start,
    and optionally stop (None = still running), platforms and any extra column."""
    records = []
    for row in rows:
        record = {
            "ad_id": f"meta_api:{row['id']}",
            "source": "meta_api",
            "raw_id": str(row["id"]),
            "brand": row["brand"],
            "record_kind": "ad",
            "body": row["body"],
            "platforms": row.get("platforms", ["FACEBOOK"]),
            "languages": row.get("languages", ["en"]),
            "reach_lower": None,
            "reach_upper": None,
            "start_time": row["start"],
            "stop_time": row.get("stop"),
        }
        record.update({c: row.get(c) for c in _NULL_TEXT})
        record.update({k: v for k, v in row.items() if k not in {"id", "start", "stop"}})
        records.append(record)
    schema = {c: pl.Utf8 for c in _NULL_TEXT}
    schema.update(
        {
            "reach_lower": pl.Float64,
            "reach_upper": pl.Float64,
            "start_time": pl.Datetime("us", "UTC"),
            "stop_time": pl.Datetime("us", "UTC"),
        }
    )
    return pl.DataFrame(records, schema_overrides=schema)


def labelled(rows: list[dict], as_of: datetime = AS_OF) -> pl.DataFrame:
    """ADS_FRAME(rows) labelled by the research rules, with activity up to AS_OF."""
    return market.with_activity(label_ads(ads_frame(rows)), as_of)


def real_copy_ads(shared_data: Path) -> pl.DataFrame:
    """The 513 real ads of ad_copy_dev.csv (real copy, advertisers and `lang`), labelled.

    The file has no dates: ad i starts i days before AS_OF and every third one has stopped,
    so sorting and day filters have something to work on.
    """
    real = pl.read_csv(shared_data / "ad_copy" / "ad_copy_dev.csv")
    rows = []
    for i, row in enumerate(real.iter_rows(named=True)):
        start = AS_OF - timedelta(days=i + 1)
        rows.append(
            {
                "id": row["id"],
                "brand": row["advertiser"],
                "body": row["text"],
                "lang": row["lang"],
                "start": start,
                "stop": start + timedelta(days=i // 2) if i % 3 == 0 else None,
            }
        )
    return labelled(rows)
