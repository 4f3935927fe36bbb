"""Hostile ad exports: deep nesting, lone surrogates, absurd times and numbers, huge files —
a one-line error or a counted warning, never a traceback."""

from __future__ import annotations

import json

import polars as pl
import pytest

from creative_workbench.config import Workspace, load_project
from creative_workbench.errors import DataError
from creative_workbench.ingest import limits
from creative_workbench.ingest.ads import ingest_ads
from tests.cli_run import assert_one_line_error, workbench
from tests.projects import make_project

DEEP = 100_000


def _ad(ad_id: str, **fields) -> dict:
    return {
        "id": ad_id,
        "page_name": "Stridewell",
        "ad_delivery_start_time": "2026-10-01",
        "ad_creative_bodies": ["Run further"],
        "ad_snapshot_url": "https://example.com/ad",
        **fields,
    }


def _ads_folder(tmp_path):
    folder = make_project(tmp_path)
    (folder / "raw" / "ads").mkdir(parents=True)
    return folder


def _ingest(tmp_path):
    return ingest_ads(load_project("acme", Workspace(tmp_path)), use_cache=False)


def test_deeply_nested_ad_export_is_one_line(tmp_path):
    folder = _ads_folder(tmp_path)
    text = '{"data": [' + "[" * DEEP + "]" * DEEP + "]}"
    (folder / "raw" / "ads" / "deep.json").write_text(text, "utf-8")
    line = assert_one_line_error(workbench("ingest", "--project", "acme", cwd=tmp_path))
    assert "deep.json" in line and "nested" in line
    assert not (folder / "cache" / "ads.parquet").exists()


def test_deeply_nested_json_line_is_a_counted_warning(tmp_path):
    folder = _ads_folder(tmp_path)
    lines = [json.dumps(_ad("1")), "[" * DEEP + "]" * DEEP]
    (folder / "raw" / "ads" / "ads.jsonl").write_text("\n".join(lines), "utf-8")
    result = _ingest(tmp_path)
    assert result.ads.get_column("raw_id").to_list() == ["1"]
    deep = result.warnings.filter(pl.col("kind") == "too_deep")
    assert deep.get_column("record").to_list() == ["line 2"]


def test_lone_surrogate_is_replaced_and_reaches_csv(tmp_path):
    folder = _ads_folder(tmp_path)
    text = json.dumps({"data": [_ad("1", ad_creative_bodies=["Run \ud800 further"])]})
    assert "\\ud800" in text
    (folder / "raw" / "ads" / "page.json").write_text(text, "utf-8")
    result = _ingest(tmp_path)
    assert result.ads.get_column("body").to_list() == ["Run \ufffd further"]
    result.ads.select("ad_id", "body").write_csv(tmp_path / "ads.csv")
    assert "\ufffd" in (tmp_path / "ads.csv").read_text("utf-8")
    assert result.warnings.filter(pl.col("kind") == "lone_surrogate").height == 1
    assert (folder / "cache" / "ads.parquet").is_file()


def test_escaped_surrogate_pairs_are_kept(tmp_path):
    folder = _ads_folder(tmp_path)
    text = json.dumps({"data": [_ad("1", ad_creative_bodies=["Run 🏃 further"])]})
    assert "\\ud83c\\udfc3" in text
    (folder / "raw" / "ads" / "page.json").write_text(text, "utf-8")
    result = _ingest(tmp_path)
    assert result.ads.get_column("body").to_list() == ["Run 🏃 further"]
    assert result.warnings.filter(pl.col("kind") == "lone_surrogate").height == 0


@pytest.mark.parametrize(
    "start", ["1e300", "-1e300", "Infinity", "NaN", "1e18", '"9999-12-31"', '"0001-01-01"']
)
def test_absurd_start_time_is_a_counted_warning(tmp_path, start):
    folder = _ads_folder(tmp_path)
    bad = json.dumps(_ad("2")).replace('"2026-10-01"', start)
    text = '{"data": [' + json.dumps(_ad("1")) + ", " + bad + "]}"
    (folder / "raw" / "ads" / "page.json").write_text(text, "utf-8")
    result = _ingest(tmp_path)
    assert result.ads.get_column("raw_id").to_list() == ["1"]
    skipped = result.warnings.filter(pl.col("message").str.contains("ad_delivery_start_time"))
    assert skipped.get_column("record").to_list() == ["record 1 (id 2)"]


def test_absurd_stop_time_and_numbers_are_left_empty(tmp_path):
    folder = _ads_folder(tmp_path)
    record = json.dumps(_ad("1", ad_delivery_stop_time=1, impressions={"lower_bound": 1}))
    record = record.replace('"ad_delivery_stop_time": 1', '"ad_delivery_stop_time": 1e300')
    record = record.replace('"lower_bound": 1', '"lower_bound": 1e300')
    record = record[:-1] + ', "eu_total_reach": Infinity}'
    (folder / "raw" / "ads" / "page.json").write_text('{"data": [' + record + "]}", "utf-8")
    row = _ingest(tmp_path).ads.row(0, named=True)
    assert row["stop_time"] is None and row["impressions_lower"] is None
    assert row["reach_lower"] is None


def test_json_over_the_size_limit_is_one_line(tmp_path, monkeypatch):
    folder = _ads_folder(tmp_path)
    (folder / "raw" / "ads" / "page.json").write_text(json.dumps({"data": [_ad("1")]}), "utf-8")
    monkeypatch.setattr(limits, "MAX_JSON_BYTES", 64)
    with pytest.raises(DataError, match=r"page\.json: .* larger than") as caught:
        _ingest(tmp_path)
    assert "\n" not in str(caught.value)
