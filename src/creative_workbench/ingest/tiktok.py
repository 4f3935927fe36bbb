"""TikTok Commercial Content API responses (ad query and ad detail) -> canonical ads.

Query responses are `{"data": {"ads": [{"ad": {...}, "advertiser": {...}}, ...]}}`, detail
responses `{"data": {"ad": {...}, "advertiser": {...}}}`; JSON Lines of the inner items and
flattened keys ("ad.id") are read too. Dates are yyyymmdd numbers; `ad.reach.unique_users_seen`
is a rounded figure ("30K", kept as a point estimate) or a range ("10K-100K", kept as bounds).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from creative_workbench.ingest.records import (
    QualityLog,
    parse_range,
    to_json,
    to_utc,
)
from creative_workbench.ingest.sources import json_source

SOURCE = "tiktok"


def field(record: dict, group: str, name: str) -> Any:
    """record['ad']['id'] or the flattened record['ad.id']."""
    nested = record.get(group)
    if isinstance(nested, dict) and name in nested:
        return nested[name]
    return record.get(f"{group}.{name}")


def is_tiktok_record(record: Any) -> bool:
    """True for an object shaped like a Commercial Content API ad item."""
    return isinstance(record, dict) and (isinstance(record.get("ad"), dict) or "ad.id" in record)


def _row(record: Any, label: str, path: Path, log: QualityLog) -> dict[str, Any] | None:
    if not is_tiktok_record(record):
        log.add(path, label, "wrong_type", "not a TikTok ad item (no 'ad' object); skipped")
        return None
    ad_id = field(record, "ad", "id")
    brand = field(record, "advertiser", "business_name")
    where = f"{label} (id {ad_id})" if ad_id not in (None, "") else label
    missing = [
        name
        for name, value in (
            ("ad.id", ad_id),
            ("advertiser.business_name", brand),
            ("ad.first_shown_date", field(record, "ad", "first_shown_date")),
        )
        if value in (None, "")
    ]
    if missing:
        log.add(
            path,
            where,
            "missing_field",
            f"required field(s) {', '.join(missing)} missing; record skipped",
        )
        return None
    try:
        start = to_utc(field(record, "ad", "first_shown_date"))
        stop = to_utc(field(record, "ad", "last_shown_date"))
    except ValueError as exc:
        log.add(path, where, "wrong_type", f"shown date: {exc}; record skipped")
        return None
    videos = field(record, "ad", "videos") or []
    images = field(record, "ad", "image_urls") or []
    row: dict[str, Any] = {
        "source": SOURCE,
        "raw_id": str(ad_id),
        "brand": str(brand).strip(),
        "page_id": _text(field(record, "advertiser", "business_id")),
        "start_time": start,
        "stop_time": stop,
        "title": _text(field(record, "ad", "title")),
        "cta_raw": _text(field(record, "ad", "call_to_action")),
        "objective": _text(field(record, "ad", "advertising_objective")),
        "status": _text(field(record, "ad", "status")),
        "bylines": _text(field(record, "advertiser", "paid_for_by")),
        "snapshot_url": _text(field(record, "ad", "external_url")),
        "ad_format": "video" if videos else "image" if images else None,
        "card_count": max(
            len(videos) if isinstance(videos, list) else 0,
            len(images) if isinstance(images, list) else 0,
            1,
        ),
        "platforms": ["TIKTOK"],
        "source_file": str(path),
    }
    _reach(field(record, "ad", "reach"), row, where, path, log)
    return row


def _reach(reach: Any, row: dict, where: str, path: Path, log: QualityLog) -> None:
    if reach in (None, "", {}):
        return
    seen = reach.get("unique_users_seen") if isinstance(reach, dict) else reach
    if isinstance(reach, dict):
        row["reach_breakdown_json"] = to_json(reach.get("unique_users_seen_by_country"))
    try:
        lower, upper = parse_range(seen)
    except ValueError as exc:
        log.add(path, where, "wrong_type", f"ad.reach: {exc}; left empty")
        return
    row.update(
        reach_lower=lower, reach_upper=upper, reach_is_estimate=lower is not None and lower == upper
    )


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


AD_SOURCES = (json_source(SOURCE, is_tiktok_record, _row, carries_copy=True),)
