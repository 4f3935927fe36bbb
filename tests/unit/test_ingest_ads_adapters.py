"""Each ad-library adapter on real field names, with bad-input cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from creative_workbench.config import ColumnMapping
from creative_workbench.errors import DataError
from creative_workbench.ingest.mapping import mapped_ads, read_mapped
from creative_workbench.ingest.meta_report import read_meta_report
from creative_workbench.ingest.records import QualityLog, parse_bound, parse_range, to_utc
from creative_workbench.ingest.sources import read_source


def _kinds(log: QualityLog) -> list[str]:
    return [w.kind for w in log.warnings]


def test_real_meta_record_keeps_ranges_and_political_fields(shared_data: Path) -> None:
    log = QualityLog()
    path = shared_data / "ad_library" / "meta_adlibrary_api_example_record.json"
    row = read_source("meta_api", path, log).row(0, named=True)
    assert row["raw_id"] == "679808276335343"
    assert row["brand"] == "Mike Bloomberg" and row["page_id"] == "6756153498"
    assert row["start_time"] == datetime(2021, 12, 8, tzinfo=UTC)
    assert row["stop_time"] == datetime(2021, 12, 20, tzinfo=UTC)
    assert (row["spend_lower"], row["spend_upper"]) == (300.0, 399.0)
    assert (row["impressions_lower"], row["impressions_upper"]) == (10000.0, 14999.0)
    assert (row["audience_size_lower"], row["audience_size_upper"]) == (50001.0, 100000.0)
    assert row["currency"] == "USD" and row["bylines"] == "Bloomberg Philanthropies"
    assert row["platforms"] == ["INSTAGRAM"] and row["languages"] == ["en"]
    assert row["caption"] == "www.bloomberg.com" and row["body"].startswith("As the quotation")
    assert {"age": "55-64", "gender": "female", "percentage": "0.07932"} in json.loads(
        row["demographics_json"]
    )
    assert "New York" in row["regions_json"]
    assert log.warnings == []


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), "utf-8")
    return path


def test_meta_page_with_eu_fields_open_top_bucket_and_carousel(tmp_path: Path) -> None:
    page = {
        "data": [
            {
                "id": "1",
                "page_id": "9",
                "page_name": "Stridewell",
                "ad_creation_time": "2024-03-01",
                "ad_delivery_start_time": "2024-03-02T10:00:00+0100",
                "ad_creative_bodies": ["Card one copy", "Card two copy"],
                "ad_creative_link_titles": ["Shop now", "Shop now"],
                "publisher_platforms": ["facebook", "instagram"],
                "eu_total_reach": 12500,
                "target_ages": ["18", "65+"],
                "target_gender": "All",
                "target_locations": [{"name": "Germany", "excluded": False}],
                "age_country_gender_reach_breakdown": [
                    {"country": "DE", "age_gender_breakdowns": []}
                ],
                "spend": {"lower_bound": "100000"},
            }
        ],
        "paging": {"cursors": {"before": "a", "after": "b"}},
    }
    frame = read_source("meta_api", _write(tmp_path / "page.json", page), QualityLog())
    row = frame.row(0, named=True)
    assert row["start_time"] == datetime(2024, 3, 2, 9, tzinfo=UTC)  # +01:00 -> UTC
    assert row["stop_time"] is None
    assert row["card_count"] == 2 and row["ad_format"] == "carousel"
    assert row["body"] == "Card one copy\n\nCard two copy" and row["title"] == "Shop now"
    assert (row["reach_lower"], row["reach_upper"], row["reach_is_estimate"]) == (
        12500,
        12500,
        True,
    )
    assert (row["spend_lower"], row["spend_upper"]) == (100000.0, None)
    assert row["target_ages"] == "18-65+" and row["target_locations"] == ["Germany"]
    assert row["platforms"] == ["FACEBOOK", "INSTAGRAM"]


def test_meta_bad_records_are_counted_not_dropped_silently(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "id": "1",
                "page_name": "A",
                "ad_delivery_start_time": "2024-01-01",
                "ad_creative_bodies": "a bare string",
            }
        ),
        "{not json",
        json.dumps({"id": "2", "ad_delivery_start_time": "2024-01-01"}),
        json.dumps({"id": "3", "page_name": "A", "ad_delivery_start_time": "yesterday"}),
        json.dumps(
            {
                "id": "4",
                "page_name": "A",
                "ad_delivery_start_time": "2024-01-01",
                "spend": {"lower_bound": "lots"},
            }
        ),
    ]
    path = tmp_path / "ads.jsonl"
    path.write_text("\n".join(lines), "utf-8")
    log = QualityLog()
    frame = read_source("meta_api", path, log)
    assert sorted(frame["raw_id"].to_list()) == ["1", "4"]
    assert frame.filter(pl.col("raw_id") == "1")["body"].item() == "a bare string"
    assert sorted(_kinds(log)) == [
        "malformed_json",
        "missing_field",
        "wrong_type",
        "wrong_type",
        "wrong_type",
    ]
    assert any("line 2" in w.record for w in log.warnings)
    assert any("page_name" in w.message for w in log.warnings)


def test_malformed_json_page_names_file_and_position(tmp_path: Path) -> None:
    path = tmp_path / "meta_ads_page_001.json"
    path.write_text('{"data": [ {"id": 1,, } ]}', "utf-8")
    with pytest.raises(DataError, match=r"meta_ads_page_001.json: malformed JSON at line 1"):
        read_source("meta_api", path, QualityLog())


def test_non_utf8_bytes_are_replaced_and_counted(tmp_path: Path) -> None:
    record = {
        "id": "7",
        "page_name": "Café",
        "ad_delivery_start_time": "2024-01-01",
        "ad_creative_bodies": ["Caf\u00e9 run"],
    }
    path = tmp_path / "latin1.json"
    path.write_bytes(json.dumps({"data": [record]}, ensure_ascii=False).encode("latin-1"))
    log = QualityLog()
    frame = read_source("meta_api", path, log)
    assert frame.height == 1 and "\ufffd" in frame["brand"].item()
    assert _kinds(log) == ["non_utf8"]


def test_tiktok_query_response(tmp_path: Path) -> None:
    response = {
        "data": {
            "ads": [
                {
                    "ad": {
                        "id": 1923845247192304,
                        "first_shown_date": 20240105,
                        "last_shown_date": 20240120,
                        "status": "active",
                        "videos": [{"url": "https://x/v.mp4"}],
                        "image_urls": [],
                        "reach": {
                            "unique_users_seen": "30K",
                            "unique_users_seen_by_country": {"GB": "18K"},
                        },
                        "title": "Run lighter",
                        "call_to_action": "SHOP_NOW",
                        "advertising_objective": "CONVERSIONS",
                    },
                    "advertiser": {"business_id": 55, "business_name": "Velo Athletics"},
                },
                {
                    "ad": {
                        "id": 2,
                        "first_shown_date": 20240101,
                        "reach": {"unique_users_seen": "10K-100K"},
                        "image_urls": ["https://x/i.jpg"],
                    },
                    "advertiser": {"business_name": "Velo Athletics"},
                },
                {"ad": {"id": 3}, "advertiser": {"business_name": "Velo Athletics"}},
            ],
            "has_more": False,
        },
        "error": {"code": "ok"},
    }
    log = QualityLog()
    frame = read_source("tiktok", _write(tmp_path / "tiktok.json", response), log).sort("raw_id")
    first, second = frame.rows(named=True)
    assert first["raw_id"] == "1923845247192304" and first["brand"] == "Velo Athletics"
    assert first["start_time"] == datetime(2024, 1, 5, tzinfo=UTC)
    assert first["stop_time"] == datetime(2024, 1, 20, tzinfo=UTC)
    assert first["ad_format"] == "video" and first["cta_raw"] == "SHOP_NOW"
    assert first["objective"] == "CONVERSIONS" and first["title"] == "Run lighter"
    assert (first["reach_lower"], first["reach_upper"], first["reach_is_estimate"]) == (
        30000,
        30000,
        True,
    )
    assert (second["reach_lower"], second["reach_upper"], second["reach_is_estimate"]) == (
        10000,
        100000,
        False,
    )
    assert second["ad_format"] == "image"
    assert _kinds(log) == ["missing_field"]


def test_google_transparency_rows_sum_regions(tmp_path: Path) -> None:
    rows = [
        {
            "advertiser_id": "AR1",
            "creative_id": "CR1",
            "ad_format_type": "VIDEO",
            "advertiser_disclosed_name": "Apex Pace",
            "region_stats": [
                {
                    "region_code": "US",
                    "first_shown": "2024-02-01",
                    "last_shown": "2024-03-01",
                    "times_shown_lower_bound": 1000,
                    "times_shown_upper_bound": 2000,
                },
                {
                    "region_code": "DE",
                    "first_shown": "2024-01-15",
                    "last_shown": "2024-02-20",
                    "times_shown_lower_bound": 10,
                    "times_shown_upper_bound": None,
                },
            ],
        },
        {"advertiser_id": "AR1", "creative_id": "CR2", "advertiser_disclosed_name": "Apex Pace"},
    ]
    path = tmp_path / "creative_stats.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    log = QualityLog()
    row = read_source("google_atc", path, log).row(0, named=True)
    assert row["start_time"] == datetime(2024, 1, 15, tzinfo=UTC)
    assert row["stop_time"] == datetime(2024, 3, 1, tzinfo=UTC)
    assert (row["impressions_lower"], row["impressions_upper"]) == (1010.0, None)
    assert row["ad_format"] == "video" and row["body"] is None
    assert _kinds(log) == ["missing_field"]


def test_meta_report_csv(tmp_path: Path) -> None:
    path = tmp_path / "FacebookAdLibraryReport_2024-05-01_US_last_30_days_advertisers.csv"
    path.write_text(
        '"Page ID","Page name","Disclaimer","Amount spent (USD)","Number of ads in Library"\n'
        '"104862275519038","Stridewell","Stridewell Inc","12,500","84"\n'
        '"2","Tiny Shop","Tiny","≤100","3"\n'
        '"3","","x","100","1"\n',
        "utf-8",
    )
    log = QualityLog()
    frame = read_meta_report(path, log).sort("brand")
    assert frame["brand"].to_list() == ["Stridewell", "Tiny Shop"]
    big = frame.row(0, named=True)
    assert (big["spend_lower"], big["spend_upper"], big["currency"]) == (12500, 12500, "USD")
    assert big["record_kind"] == "page_total" and big["ads_in_library"] == 84
    assert big["start_time"] == datetime(2024, 4, 1, tzinfo=UTC)
    assert big["stop_time"] == datetime(2024, 5, 1, tzinfo=UTC)
    assert (frame["spend_lower"][1], frame["spend_upper"][1]) == (0.0, 100.0)
    assert _kinds(log) == ["missing_field"]


def test_mapping_renames_and_counts_bad_values(tmp_path: Path) -> None:
    path = tmp_path / "pins.csv"
    path.write_text(
        "Pin ID,Advertiser,First seen,Text,Networks\n"
        'p1,Trailborn,05/01/2024,Recycled soles,"pinterest, web"\n'
        "p2,Trailborn,not a date,Hi,\n"
        "p3,,06/01/2024,Hi,\n",
        "utf-8",
    )
    mapping = ColumnMapping(
        kind="ads",
        glob="raw/ads/pins*.csv",
        source="pinterest",
        date_format="%d/%m/%Y",
        columns={
            "raw_id": "Pin ID",
            "brand": "Advertiser",
            "start_time": "First seen",
            "body": "Text",
            "platforms": "Networks",
        },
    )
    lazy = read_mapped(path, mapping)
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect_schema().names() == ["raw_id", "brand", "start_time", "body", "platforms"]
    log = QualityLog()
    frame = mapped_ads(path, mapping, log)
    assert frame["raw_id"].to_list() == ["p1"]
    assert frame["start_time"].item() == datetime(2024, 1, 5, tzinfo=UTC)
    assert frame["platforms"].item().to_list() == ["pinterest", "web"]
    assert sorted(_kinds(log)) == ["missing_field", "wrong_type"]
    bad = ColumnMapping(
        kind="ads",
        glob="x",
        columns={"raw_id": "Missing", "brand": "Advertiser", "start_time": "First seen"},
    )
    with pytest.raises(DataError, match="'Missing'"):
        read_mapped(path, bad)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("≤100", (0.0, 100.0)),
        (">1M", (1e6, None)),
        ("30K", (3e4, 3e4)),
        (250, (250.0, 250.0)),
        ({"lower_bound": "5", "upper_bound": "9"}, (5.0, 9.0)),
        ("10K-100K", (1e4, 1e5)),
        ({"lower_bound": "1000000"}, (1e6, None)),
    ],
)
def test_range_parsing(value: object, expected: tuple) -> None:
    assert parse_range(value) == expected


def test_dates_become_utc() -> None:
    assert to_utc("2024-01-02T03:04:05+0200") == datetime(2024, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert to_utc(20240102) == datetime(2024, 1, 2, tzinfo=UTC)
    assert to_utc("2024-01-02") == datetime(2024, 1, 2, tzinfo=UTC)
    with pytest.raises(ValueError):
        to_utc("soon")
    with pytest.raises(ValueError):
        parse_bound("many")
