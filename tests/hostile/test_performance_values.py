"""Hostile numbers in performance exports: decimal commas in comma-delimited files, spend or
impressions of inf / 1e30 — read correctly or refused in one line naming file and lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from creative_workbench.config import PerformanceSettings
from creative_workbench.errors import DataError
from creative_workbench.ingest.performance import read_performance

HEADER = "Ad ID,Day,Campaign,Currency code,Impr.,Clicks,Cost,Conversions\n"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "google.csv"
    path.write_text(HEADER + body, "utf-8")
    return path


def test_decimal_commas_are_detected_not_read_as_thousands(tmp_path):
    path = write(
        tmp_path,
        '1,2026-10-01,Brand,EUR,1000,20,"32,44",1\n2,2026-10-01,Brand,EUR,900,9,"1.204,50",0\n',
    )
    data = read_performance([path], currency="EUR")
    assert sorted(data.frame.get_column("spend").to_list()) == [32.44, 1204.5]
    assert any("decimal commas read in 'Cost'" in w.message for w in data.warnings)


def test_thousands_separators_still_read_and_explicit_setting_wins(tmp_path):
    path = write(tmp_path, '1,2026-10-01,Brand,USD,"1,234",20,"1,204.50",1\n')
    row = read_performance([path]).frame.row(0, named=True)
    assert (row["impressions"], row["spend"]) == (1234, 1204.5)
    comma = write(tmp_path, '1,2026-10-01,Brand,USD,1000,20,"7,5",1\n')
    forced = read_performance([comma], settings=PerformanceSettings(decimal=","))
    assert forced.frame.get_column("spend").to_list() == [7.5]


def test_mixed_decimal_styles_in_one_column_are_refused(tmp_path):
    path = write(
        tmp_path,
        '1,2026-10-01,Brand,USD,10,1,"32,44",0\n2,2026-10-01,Brand,USD,10,1,"1,204.50",0\n',
    )
    with pytest.raises(DataError, match=r"google\.csv: column 'Cost' mixes decimal commas"):
        read_performance([path])


@pytest.mark.parametrize(
    ("cells", "column"),
    [("1000,20,inf", "Cost"), ("1e30,20,5.00", "Impr."), ("1000,20,-inf", "Cost")],
)
def test_infinite_or_absurd_values_are_one_line_errors(tmp_path, cells, column):
    path = write(tmp_path, f"1,2026-10-01,Brand,USD,{cells},1\n")
    with pytest.raises(DataError) as caught:
        read_performance([path])
    message = str(caught.value)
    assert "\n" not in message and "google.csv" in message and repr(column) in message
    assert "line(s) 2" in message
