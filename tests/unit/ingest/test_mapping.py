"""Mapped ad exports in the shapes real ones take: amounts with a currency in the cell,
thousands separators, other list separators, time-zone abbreviations, empty dates, capture
dates; and an ingest that keeps no ads fails with its reason."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from creative_workbench.config import ColumnMapping, Workspace, load_project
from creative_workbench.errors import DataError
from creative_workbench.ingest.ads import ingest_ads, require_ads
from creative_workbench.ingest.mapping import mapped_ads
from creative_workbench.ingest.records import QualityLog
from creative_workbench.ingest.values import date_in_name, number, parse_utc
from tests.projects import PROJECT_TOML, make_project

# The layout of the IRA Facebook ads CSV (House Intelligence Committee release, as shared
# on GitHub): spend with its currency in the cell, US dates with a zone abbreviation,
# impressions grouped with ';'.
IRA_CSV = (
    "AdID,AdText,LandingPage,Impressions,Clicks,AdSpend,AdCreationDate,AdEndDate,Targeting\n"
    "1,Join us!,https://example.org,119;800,3;950,400.00 RUB,"
    "06/12/15 05:19:43 AM PDT,06/13/15 05:19:42 AM PDT,United States | Texas\n"
    '2,Be proud,https://example.org,"1,234",12,"1,050.50 RUB",'
    "11/02/16 11:09:01 PM EST,,United States\n"
    "3,No date here,https://example.org,1 234,0,0.00 RUB,,,\n"
)
IRA_MAPPING = ColumnMapping(
    kind="ads",
    glob="raw/ads/ira_*.csv",
    source="ira",
    date_format="%m/%d/%y %I:%M:%S %p %Z",
    list_separator="|",
    columns={
        "raw_id": "AdID",
        "brand": "LandingPage",
        "body": "AdText",
        "impressions": "Impressions",
        "spend": "AdSpend",
        "start_time": "AdCreationDate",
        "stop_time": "AdEndDate",
        "target_locations": "Targeting",
    },
)


def _ira(tmp_path: Path) -> tuple[pl.DataFrame, QualityLog]:
    path = tmp_path / "ira_2017-05-10.csv"
    path.write_text(IRA_CSV, "utf-8")
    log = QualityLog()
    return mapped_ads(path, IRA_MAPPING, log), log


def test_amount_and_currency_in_one_cell(tmp_path: Path) -> None:
    frame, _ = _ira(tmp_path)
    assert frame["spend_lower"].to_list() == [400.0, 1050.5]
    assert frame["spend_upper"].to_list() == [400.0, 1050.5]
    assert frame["currency"].to_list() == ["RUB", "RUB"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("119;800", 119800.0), ("1,234", 1234.0), ("1 234", 1234.0), ("1\u202f234", 1234.0),
     ("USD 1,234.50", 1234.5), ("$12", 12.0), ("12,5", None), ("1,23,456", None)],
)  # fmt: skip
def test_thousands_separators(cell: str, expected: float | None) -> None:
    got = pl.DataFrame({"v": [cell]}).select(number("v")).item()
    assert got == expected


def test_impressions_with_semicolon_groups(tmp_path: Path) -> None:
    frame, _ = _ira(tmp_path)
    assert frame["impressions_lower"].to_list() == [119800.0, 1234.0]


def test_other_list_separator(tmp_path: Path) -> None:
    frame, _ = _ira(tmp_path)
    assert frame["target_locations"][0].to_list() == ["United States", "Texas"]


def test_time_zone_abbreviations_are_honoured(tmp_path: Path) -> None:
    frame, _ = _ira(tmp_path)
    assert frame["start_time"].to_list() == [
        datetime(2015, 6, 12, 12, 19, 43, tzinfo=UTC),  # 05:19 PDT = UTC-7
        datetime(2016, 11, 3, 4, 9, 1, tzinfo=UTC),  # 23:09 EST = UTC-5
    ]
    cells = pl.DataFrame({"d": ["2024-03-01 10:00 CET", "2024-07-01 10:00 CEST"]})
    got = cells.select(parse_utc("d", "%Y-%m-%d %H:%M")).to_series().to_list()
    assert [t.hour for t in got] == [9, 8]


def test_empty_dates_are_skipped_with_one_counted_warning(tmp_path: Path) -> None:
    frame, log = _ira(tmp_path)
    assert frame["raw_id"].to_list() == ["1", "2"]
    warnings = log.to_frame()
    assert warnings.height == 1
    row = warnings.row(0, named=True)
    assert row["kind"] == "missing_field" and row["record"] == "row 3"
    assert "1 of 3 rows had no date in column 'AdCreationDate'" in row["message"]


def test_bad_dates_are_counted_once_per_column(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("id,who,when\n" + "".join(f"{i},B,soon\n" for i in range(50)), "utf-8")
    mapping = ColumnMapping(
        kind="ads", glob="x.csv", columns={"raw_id": "id", "brand": "who", "start_time": "when"}
    )
    log = QualityLog()
    assert mapped_ads(path, mapping, log).is_empty()
    (message,) = log.to_frame()["message"].to_list()
    assert "50 of 50 values in column 'when'" in message and "date_format" in message


def test_capture_dates_per_file(tmp_path: Path) -> None:
    assert date_in_name("wegmans__20260618T163337.json") == date(2026, 6, 18)
    assert date_in_name("page_2026-06-30.json") == date(2026, 6, 30)
    assert date_in_name("ads_123456789.json") is None
    toml = PROJECT_TOML.replace(
        'cta_wording = ["Shop now"]\n',
        'cta_wording = ["Shop now"]\n\n[captured_at]\n"raw/ads/other.csv" = 2026-08-31\n',
    )
    folder = make_project(tmp_path, toml=toml + _mapping_toml("raw/ads/*.csv"))
    (folder / "raw" / "ads").mkdir(parents=True)
    for name in ("june_2026-06-30.csv", "other.csv", "undated.csv"):
        (folder / "raw" / "ads" / name).write_text(
            f"AdID,LandingPage,AdCreationDate\n{name},B,06/01/26 01:00:00 AM UTC\n", "utf-8"
        )
    result = ingest_ads(load_project("acme", _workspace(tmp_path)))
    files = dict(zip(result.files["file"], result.files["captured_at"], strict=True))
    assert files == {
        "raw/ads/june_2026-06-30.csv": date(2026, 6, 30),
        "raw/ads/other.csv": date(2026, 8, 31),
        "raw/ads/undated.csv": None,
    }
    assert result.ads["captured_at"].null_count() == 1


def _mapping_toml(glob: str, extra: str = "") -> str:
    return (
        f'\n[[mappings]]\nkind = "ads"\nglob = "{glob}"\nsource = "ira"\n{extra}'
        'date_format = "%m/%d/%y %I:%M:%S %p %Z"\n'
        'columns = { raw_id = "AdID", brand = "LandingPage", start_time = "AdCreationDate" }\n'
    )


def _workspace(root: Path) -> Workspace:
    return Workspace(root)


def test_no_ads_kept_is_an_error_with_the_reason(tmp_path: Path) -> None:
    mapping = _mapping_toml("raw/ads/*.csv", "captured_at = 2017-05-10\n")
    folder = make_project(tmp_path, toml=PROJECT_TOML + mapping)
    (folder / "raw" / "ads").mkdir(parents=True)
    rows = "".join(f"{i},B,\n" for i in range(1, 10_930))
    (folder / "raw" / "ads" / "ira.csv").write_text(
        "AdID,LandingPage,AdCreationDate\n" + rows, "utf-8"
    )
    project = load_project("acme", _workspace(tmp_path))
    result = ingest_ads(project)
    assert result.warnings.height == 1
    with pytest.raises(DataError, match="10,929 of 10,929 rows had no date in column"):
        require_ads(result, project)


def test_empty_ingest_exits_2_with_one_line(tmp_path: Path) -> None:
    folder = make_project(tmp_path)
    (folder / "raw" / "ads").mkdir(parents=True)
    (folder / "raw" / "ads" / "notes.csv").write_text("a,b\n1,2\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "creative_workbench.cli", "ingest", "--project", "acme"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "raw/ads/notes.csv" in lines[0] and "[[mappings]]" in lines[0]  # markup kept literal


def test_a_json_page_records_capture_date_wins_over_its_file_name(tmp_path: Path) -> None:
    folder = make_project(tmp_path)
    (folder / "raw" / "ads").mkdir(parents=True)
    record = {
        "id": "9",
        "page_id": "1",
        "page_name": "Stridewell",
        "ad_delivery_start_time": "2026-06-01",
        "ad_creative_bodies": ["Shop now."],
        "captured_at": "2026-06-29T10:00:00+0000",
    }
    page = {"data": [record]}
    (folder / "raw" / "ads" / "page_2026-07-31.json").write_text(json.dumps(page), "utf-8")
    result = ingest_ads(load_project("acme", _workspace(tmp_path)))
    assert result.files.row(0, named=True)["captured_from"] == "records"
    assert result.ads["captured_at"].item() == datetime(2026, 6, 29, 10, tzinfo=UTC)
