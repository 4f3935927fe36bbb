"""Meta Ad Library API (`ads_archive`) records, as saved pages or JSON Lines -> canonical ads.

Field names follow the ArchivedAd reference: every ad has id, page_id, page_name, creation and
delivery times, the creative text lists (one entry per card), snapshot URL, languages and
publisher platforms. Political/issue ads add spend/impressions ranges (`lower_bound`,
`upper_bound`; the top bucket has no upper bound), currency, bylines, demographic and region
distributions and the estimated audience size. EU ads add `eu_total_reach` (a point
estimate), targeting and the age/country/gender reach breakdown. Commercial ads outside the
EU carry no spend or impressions: that is normal and not warned about.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from creative_workbench.ingest.limits import check_amount
from creative_workbench.ingest.records import (
    QualityLog,
    parse_range,
    text_list,
    to_json,
    to_utc,
)
from creative_workbench.ingest.sources import json_source

SOURCE = "meta_api"
REQUIRED = ("id", "page_name", "ad_delivery_start_time")
TEXT_FIELDS = {
    "body": "ad_creative_bodies",
    "title": "ad_creative_link_titles",
    "description": "ad_creative_link_descriptions",
    "caption": "ad_creative_link_captions",
}
RANGE_FIELDS = {
    "spend": "spend",
    "impressions": "impressions",
    "audience_size": "estimated_audience_size",
}


def is_meta_api_record(record: Any) -> bool:
    """True for an object shaped like an ArchivedAd."""
    return isinstance(record, dict) and (
        "ad_delivery_start_time" in record
        or "ad_creative_bodies" in record
        or ("page_name" in record and "ad_snapshot_url" in record)
    )


def _record_row(record: Any, label: str, path: Path, log: QualityLog) -> dict[str, Any] | None:
    if not isinstance(record, dict):
        log.add(path, label, "wrong_type", "record is not a JSON object; skipped")
        return None
    record = dict(record)
    if "id" not in record and "_id" in record:  # some saved exports rename the key
        record["id"] = record["_id"]
    missing = [name for name in REQUIRED if record.get(name) in (None, "")]
    if missing:
        log.add(
            path,
            _name(label, record),
            "missing_field",
            f"required field(s) {', '.join(missing)} missing; record skipped",
        )
        return None
    where = _name(label, record)
    try:
        start = to_utc(record["ad_delivery_start_time"])
    except ValueError as exc:
        log.add(path, where, "wrong_type", f"ad_delivery_start_time: {exc}; record skipped")
        return None
    row: dict[str, Any] = {
        "source": SOURCE,
        "raw_id": str(record["id"]),
        "brand": str(record["page_name"]).strip(),
        "page_id": _text(record.get("page_id")),
        "start_time": start,
        "created_at": _date(record, "ad_creation_time", where, path, log),
        "stop_time": _date(record, "ad_delivery_stop_time", where, path, log),
        "snapshot_url": _text(record.get("ad_snapshot_url")),
        "currency": _text(record.get("currency")),
        "bylines": _text(record.get("bylines")),
        "languages": text_list(record.get("languages"), path, where, "languages", log),
        "platforms": [
            p.upper()
            for p in text_list(
                record.get("publisher_platforms"), path, where, "publisher_platforms", log
            )
        ],
        "demographics_json": to_json(record.get("demographic_distribution")),
        "regions_json": to_json(record.get("delivery_by_region")),
        "reach_breakdown_json": to_json(
            record.get("age_country_gender_reach_breakdown")
            or record.get("total_reach_by_location")
        ),
        "target_gender": _text(record.get("target_gender")),
        "target_ages": _ages(record.get("target_ages")),
        "target_locations": _locations(record.get("target_locations")),
        "source_file": str(path),
    }
    cards = 0
    for column, name in TEXT_FIELDS.items():
        items = text_list(record.get(name), path, where, name, log)
        cards = max(cards, len(items))
        unique = list(dict.fromkeys(i.strip() for i in items if i and i.strip()))
        row[column] = ("\n\n" if column == "body" else " | ").join(unique) or None
    row["card_count"] = cards
    row["ad_format"] = "carousel" if cards > 1 else None
    for prefix, name in RANGE_FIELDS.items():
        if record.get(name) is None:
            continue
        try:
            row[f"{prefix}_lower"], row[f"{prefix}_upper"] = parse_range(record[name])
        except ValueError as exc:
            log.add(path, where, "wrong_type", f"{name}: {exc}; left empty")
    _reach(record, row, where, path, log)
    return row


def _reach(record: dict, row: dict, where: str, path: Path, log: QualityLog) -> None:
    reach = record.get("eu_total_reach")
    if reach is None:
        return
    try:
        value = check_amount(float(reach))
    except (TypeError, ValueError):
        log.add(path, where, "wrong_type", f"eu_total_reach {reach!r} is not a number; left empty")
        return
    row.update(reach_lower=value, reach_upper=value, reach_is_estimate=True)


def _name(label: str, record: dict) -> str:
    return f"{label} (id {record['id']})" if record.get("id") not in (None, "") else label


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _date(record: dict, name: str, where: str, path: Path, log: QualityLog):
    try:
        return to_utc(record.get(name))
    except ValueError as exc:
        log.add(path, where, "wrong_type", f"{name}: {exc}; left empty")
        return None


def _ages(value: Any) -> str | None:
    if isinstance(value, list):
        return "-".join(str(v) for v in value) or None
    return _text(value)


def _locations(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    names = []
    for item in value:
        if isinstance(item, dict):
            name = str(item.get("name") or item.get("key") or "")
            names.append(f"not {name}" if item.get("excluded") else name)
        elif item is not None:
            names.append(str(item))
    return names


AD_SOURCES = (json_source(SOURCE, is_meta_api_record, _record_row, carries_copy=True),)
