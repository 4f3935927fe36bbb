"""load_ads on a small hand-made project: discovery, dedupe, quality warnings, cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest

from creative_workbench.config import Workspace, load_project
from creative_workbench.errors import DataError
from creative_workbench.ingest.ads import ingest_ads, load_ads


def _ad(
    ad_id: str,
    start: str,
    stop: str | None = None,
    body: str = "Shop now: 20% off.",
    brand: str = "Stridewell",
) -> dict:
    record = {
        "id": ad_id,
        "page_id": "1",
        "page_name": brand,
        "ad_delivery_start_time": start,
        "ad_creative_bodies": [body] if body else [],
        "publisher_platforms": ["facebook"],
    }
    if stop:
        record["ad_delivery_stop_time"] = stop
    return record


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    root = tmp_path / "data" / "projects" / "acme"
    ads = root / "raw" / "ads"
    ads.mkdir(parents=True)
    (root / "project.toml").write_text('client = "Acme"\n', "utf-8")
    (ads / "meta_ads_page_001.json").write_text(
        json.dumps(
            {
                "data": [
                    _ad("1", "2024-01-01", "2024-01-10"),
                    _ad("2", "2024-01-05", "2024-01-03"),  # stop before start
                    _ad("3", "2024-01-07", body=""),  # empty copy
                ],
                "paging": {"cursors": {}, "next": "https://graph.facebook.com/next"},
            }
        ),
        "utf-8",
    )
    (ads / "meta_ads_page_002.json").write_text(
        json.dumps(
            {
                "data": [
                    _ad("1", "2024-01-01", "2024-01-20"),  # the same ad seen again, later view
                    _ad("4", "2024-01-08", brand="Apex Pace"),
                ],
                "paging": {"cursors": {}},
            }
        ),
        "utf-8",
    )
    (ads / "notes.txt").write_text("not an ad file", "utf-8")
    return tmp_path


def test_load_ads_dedupes_and_counts_problems(project_root: Path) -> None:
    project = load_project("acme", Workspace.discover(project_root))
    result = ingest_ads(project)
    ads = result.ads
    assert sorted(ads["ad_id"].to_list()) == ["meta_api:1", "meta_api:3", "meta_api:4"]
    kept = ads.filter(pl.col("ad_id") == "meta_api:1").row(0, named=True)
    assert kept["stop_time"].day == 20  # the most recent view wins
    counts = dict(result.warning_counts().select("kind", "count").iter_rows())
    assert counts == {
        "duplicate_id": 1,
        "stop_before_start": 1,
        "empty_copy": 1,
        "unknown_format": 1,
    }
    assert str(ads.schema["start_time"]) == "Datetime(time_unit='us', time_zone='UTC')"
    assert result.files.filter(pl.col("format") == "meta_api")["rows"].sum() == 5


def test_cache_is_reused_and_rebuilt_when_a_raw_file_changes(project_root: Path) -> None:
    project = load_project("acme", Workspace.discover(project_root))
    assert not ingest_ads(project).from_cache
    again = ingest_ads(project)
    assert again.from_cache and again.warnings.height == 4
    page = project.raw_ads_dir / "meta_ads_page_002.json"
    page.write_text(json.dumps({"data": [_ad("9", "2024-02-01")]}), "utf-8")
    os.utime(page, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    rebuilt = ingest_ads(project)
    assert not rebuilt.from_cache
    assert "meta_api:9" in rebuilt.ads["ad_id"].to_list()
    assert "meta_api:4" not in load_ads(project)["ad_id"].to_list()


def test_malformed_page_is_an_error_naming_the_file(project_root: Path) -> None:
    project = load_project("acme", Workspace.discover(project_root))
    (project.raw_ads_dir / "meta_ads_page_003.json").write_text('{"data": [', "utf-8")
    with pytest.raises(DataError, match=r"meta_ads_page_003\.json: malformed JSON"):
        ingest_ads(project)
