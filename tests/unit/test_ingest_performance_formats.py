"""Performance exports as delivered: Meta, Google Ads, TikTok, KAG and mapped CSVs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from creative_workbench.config import ColumnMapping
from creative_workbench.errors import DataError
from creative_workbench.ingest.creatives import read_creatives
from creative_workbench.ingest.performance import read_performance
from creative_workbench.ingest.performance_layouts import read_kag_attributes

META = (
    '"Reporting starts","Reporting ends","Campaign name","Ad set name","Ad name","Ad ID",'
    '"Placement","Impressions","Reach","Link clicks","CTR (link click-through rate)",'
    '"Amount spent (EUR)","Results","Result indicator","Cost per result"\n'
    "2026-03-02,2026-03-02,Spring,Runners,NWR-1,1201,Instagram Reels,12000,9000,150,1.25,"
    "30.50,4,actions:offsite_conversion.fb_pixel_purchase,7.62\n"
    "2026-03-02,2026-03-02,Spring,Runners,NWR-2,1202,Facebook Feed,800,700,,,2.10,,,\n"
)
GOOGLE = (
    "Ad report\n"
    '"March 2, 2026 - March 3, 2026"\n'
    "Ad ID,Day,Campaign,Ad group,Currency code,Impr.,Clicks,Cost,Conversions\n"
    '6521,2026-03-02,Brand,Shoes,USD,"1,234",56,12.30,3.00\n'
    "6521,2026-03-03,Brand,Shoes,USD,987,0, --,0.00\n"
    "Total: Account,--,--,--,--,2221,56,12.30,3.00\n"
)
TIKTOK = (
    "Ad name,Ad ID,By Day,Impressions,Clicks (destination),CTR (destination),Cost,"
    "Conversions,Currency\n"
    "TT-1,17000,2026-03-02,5000,40,0.80%,8.00,2,USD\n"
    "TT-1,17000,2026-03-03,4000,35,0.88%,7.50,1,USD\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_meta_export_currency_from_header_and_placements(tmp_path):
    data = read_performance([write(tmp_path, "meta.csv", META)], currency="USD", rates={"EUR": 1.1})
    frame = data.frame.sort("creative_id")
    assert frame.get_column("placement").to_list() == ["meta_reels", "meta_feed"]
    assert frame.get_column("clicks").to_list() == [150, 0]
    assert frame.get_column("conversions").to_list() == [4, 0]
    assert frame.get_column("spend").to_list() == pytest.approx([30.5 * 1.1, 2.1 * 1.1])
    assert set(frame.get_column("currency").to_list()) == {"USD"}
    assert frame.get_column("period_start").to_list()[0] == dt.date(2026, 3, 2)
    assert any("converted from EUR" in w.issue for w in data.warnings)


def test_meta_export_in_other_currency_without_rate_names_the_fix(tmp_path):
    with pytest.raises(DataError, match=r"meta\.csv: spend in EUR .*currency_rates"):
        read_performance([write(tmp_path, "meta.csv", META)], currency="USD")


def test_google_ads_report_with_title_lines_separators_and_totals(tmp_path):
    data = read_performance([write(tmp_path, "google.csv", GOOGLE)])
    frame = data.frame.sort("period_start")
    assert frame.get_column("creative_id").to_list() == ["6521", "6521"]
    assert frame.get_column("impressions").to_list() == [1234, 987]
    assert frame.get_column("spend").to_list() == pytest.approx([12.3, 0.0])
    assert frame.get_column("source").to_list() == ["google", "google"]
    skipped = [w for w in data.warnings if "total" in w.issue]
    assert skipped and skipped[0].count == 1 and skipped[0].rows == (6,)


def test_tiktok_export(tmp_path):
    frame = read_performance([write(tmp_path, "tiktok.csv", TIKTOK)]).frame
    assert frame.get_column("clicks").sum() == 75
    assert frame.get_column("impressions").sum() == 9000
    assert frame.get_column("period_end").to_list() == [dt.date(2026, 3, 2), dt.date(2026, 3, 3)]


def test_kag_campaign_table_with_bare_cr_line_endings(shared_data):
    path = shared_data / "performance" / "KAG_conversion_data.csv"
    assert b"\r\n" not in path.read_bytes()[:2000]
    data = read_performance([path])
    totals = data.frame.select(pl.col("impressions", "clicks", "spend").sum()).row(0)
    assert totals[0] == 213_434_828 and totals[1] == 38_165
    assert totals[2] == pytest.approx(58_705.23, abs=0.01)
    assert data.frame.height == 1143 and data.frame.get_column("period_start").null_count() == 1143
    attributes = read_kag_attributes(path)
    assert set(attributes.get_column("age").unique()) == {"30-34", "35-39", "40-44", "45-49"}


@pytest.mark.parametrize(
    ("body", "pattern"),
    [
        ("TT-1,1,2026-03-02,5000,-4,0,8.00,2,USD\n", r"'clicks' is negative .*line\(s\) 2"),
        (
            "TT-1,1,2026-03-02,5000,lots,0,8.00,2,USD\n",
            r"'Clicks \(destination\)' .*'lots' on line",
        ),
    ],
)
def test_bad_counts_name_file_and_line(tmp_path, body, pattern):
    header = TIKTOK.splitlines()[0] + "\n"
    with pytest.raises(DataError, match=r"tiktok\.csv.*" + pattern):
        read_performance([write(tmp_path, "tiktok.csv", header + body)])


def test_duplicate_creative_days(tmp_path):
    first = write(tmp_path, "a.csv", TIKTOK)
    same = write(tmp_path, "b.csv", TIKTOK)
    data = read_performance([first, same])
    assert data.frame.height == 2
    dropped = [w for w in data.warnings if "duplicate" in w.issue]
    assert dropped[0].count == 2 and dropped[0].file.endswith("b.csv")
    changed = write(tmp_path, "c.csv", TIKTOK.replace("5000,40", "5000,41"))
    with pytest.raises(DataError, match=r"reported twice with different numbers.*'TT-1'"):
        read_performance([first, changed])


def test_mixed_currencies_within_one_file(tmp_path):
    mixed = GOOGLE.replace("2026-03-03,Brand,Shoes,USD", "2026-03-03,Brand,Shoes,GBP")
    with pytest.raises(DataError, match=r"spend in GBP on 1 row\(s\), line\(s\) 5"):
        read_performance([write(tmp_path, "google.csv", mixed)])


def test_unknown_columns_are_counted_and_unknown_layouts_refused(tmp_path):
    extra = TIKTOK.replace("Currency\n", "Currency,Mood\n").replace("USD\n", "USD,happy\n")
    data = read_performance([write(tmp_path, "tiktok.csv", extra)])
    assert any("'Mood'" in w.issue for w in data.warnings)
    with pytest.raises(DataError, match=r"not a recognised performance export.*mappings"):
        read_performance([write(tmp_path, "odd.csv", "foo,bar\n1,2\n")])


def test_any_csv_through_a_project_mapping(tmp_path):
    path = write(
        tmp_path,
        "pins.csv",
        "Pin,When,Views,Taps,Spent\np1,02/03/2026,900,9,1.5\np2,03/03/2026,800,oops,1.0\n",
    )
    mapping = ColumnMapping(
        kind="performance",
        glob="pins.csv",
        source="pinterest",
        date_format="%d/%m/%Y",
        columns={
            "creative_id": "Pin",
            "date": "When",
            "impressions": "Views",
            "clicks": "Taps",
            "spend": "Spent",
        },
    )
    with pytest.raises(DataError, match=r"pins\.csv: column 'clicks' .*'oops' on line\(s\) 3"):
        read_performance([path], mapped={path: mapping})
    path.write_text(path.read_text().replace("oops", "8"))
    frame = read_performance([path], mapped={path: mapping}).frame
    assert frame.get_column("period_start").to_list() == [dt.date(2026, 3, 2), dt.date(2026, 3, 3)]
    assert frame.get_column("source").to_list() == ["pinterest"] * 2


CREATIVES = (
    "creative_id,name,ad_format,aspect,duration_s,placement,angle,cta,offer,hook,"
    "palette_adherence,logo_time_s,audience,launch_date\n"
    'C1,One,video,9:16,15,meta_reels,social_proof,Shop now,none,"Loved by 10,000 runners",'
    "0.8,1.5,broad,2026-01-05\n"
    "C2,Two,image,1:1,,meta_feed,price_offer,Get offer,discount,Save 20% today,0.6,,broad,"
    "2026-01-12\n"
)


def test_creatives_table(tmp_path):
    frame = read_creatives(write(tmp_path, "creatives.csv", CREATIVES))
    assert frame.get_column("duration_s").to_list() == [15.0, None]
    assert frame.get_column("launch_date").to_list()[1] == dt.date(2026, 1, 12)
    bad = CREATIVES.replace("2026-01-12", "12 Jan")
    with pytest.raises(DataError, match=r"creatives\.csv: column 'launch_date' .*line\(s\) 3"):
        read_creatives(write(tmp_path, "creatives.csv", bad))
