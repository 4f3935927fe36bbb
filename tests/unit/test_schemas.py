"""Schema validation errors name the file, the column and the first offending rows."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from creative_workbench import DataError
from creative_workbench.schemas import PerformanceSchema, validate


def _performance(**overrides) -> pl.DataFrame:
    data = {
        "creative_id": ["a", "b", "c"],
        "period_start": [dt.date(2026, 1, 1)] * 3,
        "period_end": [dt.date(2026, 1, 1)] * 3,
        "placement": ["meta_feed"] * 3,
        "impressions": [100, 200, 300],
        "clicks": [1, 2, 3],
        "spend": [1.0, 2.0, 3.0],
        "conversions": [0, 1, 0],
        "currency": ["USD"] * 3,
        "source": ["meta_ads_manager"] * 3,
    }
    data.update(overrides)
    return pl.DataFrame(data)


def test_valid_table_passes_unchanged():
    frame = _performance()
    assert validate(frame, PerformanceSchema, "perf.csv").equals(frame)


def test_negative_count_names_file_column_and_row():
    with pytest.raises(DataError) as err:
        validate(_performance(impressions=[100, -5, 300]), PerformanceSchema, "perf.csv")
    message = str(err.value)
    assert message.startswith("perf.csv: column 'impressions'")
    assert "data rows 2" in message and "-5" in message


def test_clicks_above_impressions_is_a_table_check():
    with pytest.raises(
        DataError,
        match=r"perf.csv: table fails clicks_within_impressions "
        r"in data rows 3",
    ):
        validate(_performance(clicks=[1, 2, 301]), PerformanceSchema, "perf.csv")


def test_missing_column_is_named():
    with pytest.raises(DataError, match="spend"):
        validate(_performance().drop("spend"), PerformanceSchema, "perf.csv")
