"""[performance] policies: clicks above impressions, empty counts, which conversions count,
attribute columns kept from the export, and periods (days, weeks, lifetime) in mappings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from creative_workbench.config import ColumnMapping, PerformanceSettings
from creative_workbench.errors import DataError
from creative_workbench.ingest.performance import read_performance

HEADER = "Ad name,Ad ID,By Day,Impressions,Clicks (destination),Cost,Conversions,Currency\n"
OVER = HEADER + (
    "TT-1,1,2026-03-02,5000,40,8.00,2,USD\n"
    "TT-1,1,2026-03-03,50,60,1.00,0,USD\n"
    "TT-2,2,2026-03-03,70,90,1.00,0,USD\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_clicks_above_impressions_dropped_by_default_with_lines(tmp_path):
    data = read_performance([write(tmp_path, "tt.csv", OVER)])
    assert data.frame.height == 1
    [warning] = [w for w in data.warnings if "above impressions" in w.issue]
    assert warning.count == 2 and warning.rows == (3, 4)
    assert "tt.csv: 2 × row(s) with clicks above impressions dropped (lines 3, 4)" in (
        warning.message
    )


def test_clicks_above_impressions_clipped_or_refused(tmp_path):
    path = write(tmp_path, "tt.csv", OVER)
    clipped = read_performance([path], settings=PerformanceSettings(clicks_over_impressions="clip"))
    assert clipped.frame.get_column("clicks").to_list() == [40, 50, 70]
    assert any("clipped" in w.issue for w in clipped.warnings)
    strict = PerformanceSettings(clicks_over_impressions="fail")
    with pytest.raises(DataError, match=r"tt\.csv: clicks exceed impressions on 2 .*3, 4"):
        read_performance([path], settings=strict)


def test_empty_counts_are_unknown_never_zero(tmp_path):
    text = HEADER + (
        "TT-1,1,2026-03-02,,40,8.00,2,USD\n"
        "TT-1,1,2026-03-03,4000,35,7.50,,USD\n"
        "TT-1,1,2026-03-04,4000,30,7.50,1,USD\n"
    )
    path = write(tmp_path, "tt.csv", text)
    data = read_performance([path])
    assert data.frame.get_column("impressions").to_list() == [4000, 4000]
    assert data.frame.get_column("conversions").to_list() == [None, 1]
    messages = " ".join(w.message for w in data.warnings)
    assert "empty impressions or clicks left out (unknown, not 0) (lines 2)" in messages
    assert "without conversion counts" in messages and "(lines 3)" in messages
    with pytest.raises(DataError, match=r"tt\.csv: empty impressions or clicks on 1 .*line\(s\) 2"):
        read_performance([path], settings=PerformanceSettings(empty_counts="fail"))


def test_kag_conversion_column_is_chosen_and_reported(shared_data):
    path = shared_data / "performance" / "KAG_conversion_data.csv"
    approved = read_performance([path])
    assert "Total_Conversion" in " ".join(w.message for w in approved.warnings)
    total = read_performance([path], settings=PerformanceSettings(conversions="Total_Conversion"))
    assert total.frame["conversions"].sum() > approved.frame["conversions"].sum()
    assert approved.attributes == ["campaign", "ad_set", "age", "gender", "interest"]
    assert approved.frame.get_column("interest").n_unique() > 10
    with pytest.raises(DataError, match="conversions = 'Sales' is not a column"):
        read_performance([path], settings=PerformanceSettings(conversions="Sales"))


def test_mapping_gives_lifetime_rows_weeks_and_attribute_columns(tmp_path):
    lifetime = write(
        tmp_path,
        "keywords.csv",
        "Keyword,Match,Impr,Clicks\nshoes,exact,1000,30\nboots,phrase,800,10\n",
    )
    mapping = ColumnMapping(
        kind="performance",
        glob="keywords.csv",
        columns={
            "creative_id": "Keyword",
            "match_type": "Match",
            "impressions": "Impr",
            "clicks": "Clicks",
        },
    )
    data = read_performance([lifetime], mapped={lifetime: mapping})
    assert data.frame.get_column("period_start").null_count() == 2
    assert data.attributes == ["match_type"]
    assert data.frame.get_column("match_type").to_list() == ["exact", "phrase"]
    assert data.frame.get_column("conversions").null_count() == 2
    weekly = write(tmp_path, "weeks.csv", "id,from,to,impr,clicks\nA,2026-03-02,2026-03-08,700,7\n")
    by_week = ColumnMapping(
        kind="performance",
        glob="weeks.csv",
        columns={
            "creative_id": "id",
            "period_start": "from",
            "period_end": "to",
            "impressions": "impr",
            "clicks": "clicks",
        },
    )
    row = read_performance([weekly], mapped={weekly: by_week}).frame.row(0, named=True)
    assert (row["period_start"], row["period_end"]) == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert isinstance(data.frame, pl.DataFrame)
