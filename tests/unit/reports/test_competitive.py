"""Competitive report helpers: escaping of outside copy, figures, explorer filters."""

from __future__ import annotations

from datetime import UTC, datetime

import plotly.graph_objects as go
import polars as pl

from creative_workbench.ingest.ads import IngestResult
from creative_workbench.reports import ads_explorer, competitive
from creative_workbench.research import market
from creative_workbench.research.messaging import label_ads

AS_OF = datetime(2024, 2, 1, tzinfo=UTC)


def _labelled() -> pl.DataFrame:
    rows = [
        {
            "ad_id": "meta_api:1",
            "brand": "Evil <script>alert(1)</script>",
            "body": "<script>alert('x')</script> 30% off today only. Shop now.",
            "platforms": ["FACEBOOK"],
            "start": 1,
            "stop": 20,
        },
        {
            "ad_id": "meta_api:2",
            "brand": "Stridewell",
            "body": "Made from recycled soles. Learn more.",
            "platforms": ["INSTAGRAM"],
            "start": 5,
            "stop": None,
        },
    ]
    frame = pl.DataFrame(
        [
            {
                "ad_id": r["ad_id"],
                "brand": r["brand"],
                "record_kind": "ad",
                "body": r["body"],
                "title": None,
                "description": None,
                "cta_raw": None,
                "platforms": r["platforms"],
                "source": "meta_api",
                "reach_lower": None,
                "reach_upper": None,
                "start_time": datetime(2024, 1, r["start"], tzinfo=UTC),
                "stop_time": None
                if r["stop"] is None
                else datetime(2024, 1, r["stop"], tzinfo=UTC),
            }
            for r in rows
        ],
        schema_overrides={
            "title": pl.Utf8,
            "description": pl.Utf8,
            "cta_raw": pl.Utf8,
            "reach_lower": pl.Float64,
            "reach_upper": pl.Float64,
        },
    )
    return market.with_activity(label_ads(frame), AS_OF)


def test_script_copy_is_escaped_everywhere() -> None:
    labelled = _labelled()
    card = ads_explorer.ad_card_html(labelled.row(0, named=True))
    assert "<script>" not in card and "&lt;script&gt;alert(&#x27;x&#x27;)" in card
    assert "&lt;script&gt;alert(1)" in card  # the brand name too
    assert "<script>" not in competitive.top_ads_html(labelled)
    figure = competitive.matrix_heatmap(competitive.angle_matrix(labelled))
    assert all("<script>" not in str(label) for label in figure.data[0].y)
    bars = competitive.sov_bar_figure(market.share_of_voice(labelled, AS_OF))
    assert all("<script>" not in str(x) for x in bars.data[0].x)


def test_search_filters() -> None:
    labelled = _labelled()
    found = ads_explorer.search_ads(labelled, brands=["stridewell"])
    assert found["ad_id"].to_list() == ["meta_api:2"]
    assert ads_explorer.search_ads(labelled, angle="urgency/scarcity")["ad_id"].to_list() == [
        "meta_api:1"
    ]
    assert ads_explorer.search_ads(labelled, cta="Learn more").height == 1
    assert ads_explorer.search_ads(labelled, search="RECYCLED").height == 1
    assert ads_explorer.search_ads(labelled, search="alert('x')").height == 1  # literal, no regex
    assert ads_explorer.search_ads(labelled, start="2024-01-21").height == 1
    assert "2 of 2 matching ads" in ads_explorer.ads_cards_html(labelled)


def test_figures_build() -> None:
    labelled = _labelled()
    figures = [
        competitive.sov_over_time_figure(market.weekly_share_of_voice(labelled, AS_OF)),
        competitive.longevity_figure(labelled),
        competitive.cadence_figure(market.launch_cadence(labelled)),
        competitive.platform_mix_figure(market.platform_mix(labelled)),
        competitive.palette_swatches_figure(
            pl.DataFrame(
                {
                    "brand": ["A", "A"],
                    "rank": [1, 2],
                    "colour": ["#111111", "#c6ff00"],
                    "share": [0.8, 0.2],
                    "images": [3, 3],
                }
            )
        ),
    ]
    assert all(isinstance(f, go.Figure) and (f.data or f.layout.shapes) for f in figures)
    assert len(figures[-1].layout.shapes) == 2


def test_explorer_widget_shows_matching_ads() -> None:
    from creative_workbench.reports.explorer import WorkbenchExplorer

    explorer = WorkbenchExplorer(_labelled()).explorer
    assert "(2 matching ads)" in explorer.summary.value
    explorer.facets["angle"].value = "values/sustainability"
    assert "(1 matching ad)" in explorer.summary.value
    assert "recycled" in explorer.slots[0].card.value


def test_quality_html_says_so_when_clean_and_escapes_warnings() -> None:
    files = pl.DataFrame({"file": ["ads.json"], "records": [2]})
    empty = pl.DataFrame(
        schema={"file": pl.Utf8, "record": pl.Utf8, "kind": pl.Utf8, "message": pl.Utf8}
    )
    clean = competitive.quality_html(IngestResult(pl.DataFrame(), files, empty))
    assert clean.startswith("<p>No data-quality warnings") and "<table" not in clean
    warnings = pl.DataFrame(
        {
            "file": ["ads.json"],
            "record": ["7"],
            "kind": ["empty_copy"],
            "message": ["body <script>x</script> empty"],
        }
    )
    markup = competitive.quality_html(IngestResult(pl.DataFrame(), files, warnings))
    assert "empty_copy" in markup and "<script>" not in markup and "&lt;script&gt;" in markup
