"""Every registered ad source and performance layout meets the same contract (as
scikit-learn's check_estimator runs every estimator through one suite); a studio's own
format registers through an entry point, with no edit to our code."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import polars as pl
import pytest

from creative_workbench.ingest import performance_formats, sources
from creative_workbench.ingest.performance_formats import (
    CANONICAL,
    find_layout,
    performance_layouts,
    read_export,
)
from creative_workbench.ingest.records import ADS_COLUMNS, QualityLog
from creative_workbench.ingest.sources import SourceSample, ad_sources, detect_source

AD_EXAMPLES = {  # one small file per built-in source, in its real field names
    "meta_api": (
        "page.json",
        {"data": [{"id": "1", "page_name": "Stridewell", "ad_delivery_start_time": "2024-03-02",
                   "ad_creative_bodies": ["Run lighter"]}]},
    ),
    "tiktok": (
        "tiktok.json",
        {"data": {"ads": [{"ad": {"id": 7, "first_shown_date": 20240105, "title": "Go"},
                           "advertiser": {"business_name": "Velo"}}]}},
    ),
    "google_atc": (
        "creative_stats.json",
        [{"advertiser_id": "AR1", "creative_id": "CR1", "advertiser_disclosed_name": "Apex",
          "region_stats": [{"region_code": "US", "first_shown": "2024-02-01"}]}],
    ),
    "meta_report": (
        "FacebookAdLibraryReport_2024-05-01_US_last_30_days_advertisers.csv",
        '"Page ID","Page name","Disclaimer","Amount spent (USD)","Number of ads in Library"\n'
        '"1","Stridewell","Stridewell Inc","12,500","84"\n',
    ),
}  # fmt: skip
LAYOUT_EXAMPLES = {
    "meta": "Reporting starts,Reporting ends,Ad name,Impressions,Link clicks,Amount spent (EUR),"
    "Results\n2026-05-04,2026-05-10,hero_a,1000,12,30.5,2\n",
    "google": "Ad ID,Day,Impr.,Clicks,Cost,Conversions\n11,2026-05-04,500,9,4.2,1\n",
    "tiktok": "Ad name,Date,Impressions,Clicks (destination),Cost,Conversions\n"
    "spot_b,2026-05-04,800,7,3.1,0\n",
    "kag": "ad_id,xyz_campaign_id,fb_campaign_id,age,gender,interest,Impressions,Clicks,Spent,"
    "Total_Conversion,Approved_Conversion\n708746,916,103916,30-34,M,15,7350,1,1.43,2,1\n",
}


def _write(folder: Path, name: str, content: object) -> Path:
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def test_every_built_in_format_has_an_example_here():
    assert set(AD_EXAMPLES) <= set(ad_sources()) and set(LAYOUT_EXAMPLES) <= set(
        performance_layouts()
    )


@pytest.mark.parametrize("name", sorted(ad_sources()))
def test_ad_source_contract(name, tmp_path):
    source = ad_sources()[name]
    assert name.isidentifier() and source.suffixes
    assert all(s.startswith(".") and s == s.lower() for s in source.suffixes)
    files = {n: _write(tmp_path, *AD_EXAMPLES[n]) for n in AD_EXAMPLES}
    own = SourceSample(files[name], QualityLog())
    assert detect_source(own) is source  # recognised, and by no source registered before it
    for other, path in files.items():  # no other example is taken for this format
        sample = SourceSample(path, QualityLog())
        if other != name and sample.suffix in source.suffixes:
            assert not source.detect(sample), (name, other)
    frame = source.read(own)
    assert set(ADS_COLUMNS) <= set(frame.columns) and frame.height >= 1
    assert frame["source"].unique().to_list() == [name]
    for suffix in source.suffixes:  # foreign files of its suffixes are not claimed
        foreign = tmp_path / f"foreign{suffix}"
        if suffix == ".parquet":
            pl.DataFrame({"a": [1]}).write_parquet(foreign)
        else:
            foreign.write_text("[]" if suffix in sources.JSON_SUFFIXES else "a,b\n1,2\n")
        assert not source.detect(SourceSample(foreign, QualityLog()))


@pytest.mark.parametrize("name", sorted(performance_layouts()))
def test_performance_layout_contract(name, tmp_path):
    layout = performance_layouts()[name]
    assert set(layout.required) <= set(layout.known) and layout.conversions in layout.known
    assert set(layout.attributes.values()) <= set(layout.known)
    path = _write(tmp_path, f"{name}.csv", LAYOUT_EXAMPLES[name])
    found = find_layout(path, LAYOUT_EXAMPLES[name])
    assert found is not None and found[0] is layout
    export = read_export(path)
    assert export.kind == name and set(CANONICAL) <= set(export.frame.columns)
    assert export.frame["source"].to_list() == [name]
    assert export.frame["impressions"][0] > 0 and export.frame["conversions"][0] is not None


STUDIO_MODULE = '''
"""A studio's own ad source: a CSV export with `advertiser,text,first_seen` columns."""
import polars as pl
from creative_workbench.ingest.records import canonical_frame
from creative_workbench.ingest.sources import AdSource
from creative_workbench.ingest.records import to_utc


def _read(sample):
    rows = pl.read_csv(sample.path).iter_rows(named=True)
    return canonical_frame([
        {"source": "acme_watch", "raw_id": str(i), "brand": r["advertiser"], "body": r["text"],
         "start_time": to_utc(r["first_seen"])} for i, r in enumerate(rows)
    ])


AD_SOURCES = (
    AdSource("acme_watch", frozenset({".csv"}),
             detect=lambda s: s.columns == ["advertiser", "text", "first_seen"], read=_read),
)
'''


@pytest.fixture
def studio_plugin(tmp_path, monkeypatch):
    """A real installed distribution (dist-info with entry_points.txt) on sys.path."""
    site = tmp_path / "site"
    (site / "acme_sources.py").parent.mkdir()
    (site / "acme_sources.py").write_text(textwrap.dedent(STUDIO_MODULE), "utf-8")
    info = site / "acme_sources-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-sources\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[creative_workbench.sources]\nacme = acme_sources\n")
    monkeypatch.syspath_prepend(str(site))
    sources.ad_sources.cache_clear()
    yield
    sys.modules.pop("acme_sources", None)
    sources.ad_sources.cache_clear()


def test_a_studio_source_registers_through_an_entry_point(studio_plugin, tmp_path):
    assert list(ad_sources())[-1] == "acme_watch"  # after the built-ins
    path = _write(tmp_path, "watch.csv", "advertiser,text,first_seen\nRival,Big sale,2026-03-01\n")
    sample = SourceSample(path, QualityLog())
    source = detect_source(sample)
    assert source is not None and source.name == "acme_watch"
    frame = source.read(sample)
    assert frame.row(0, named=True)["brand"] == "Rival"
    assert isinstance(frame, pl.DataFrame)


def test_layout_registry_is_cached_and_complete():
    assert performance_formats.performance_layouts() is performance_layouts()
    assert list(performance_layouts()) == ["meta", "google", "tiktok", "kag"]
