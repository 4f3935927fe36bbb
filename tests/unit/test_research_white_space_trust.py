"""White space you can trust: coverage per brand, unknown dimensions, the two-ad use rule,
languages left out, capture dates, reach unknown and the top-N "others" row."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from creative_workbench.ingest.ads import IngestResult
from creative_workbench.pipeline.flows.research import CompetitiveAnalysis
from creative_workbench.reports import competitive, competitive_quality
from creative_workbench.research import coverage, gaps, market
from creative_workbench.research.messaging import label_ads
from creative_workbench.research.top_brands import group_brands

AS_OF = datetime(2026, 8, 31, tzinfo=UTC)
READABLE = [
    "30% off today only. Shop now.",
    "Rated 4.9 stars by 9,000 customers. Shop now.",
    "Half price this weekend. Shop now.",
    "Loved by thousands of families. Shop now.",
]
UNREADABLE = ["Bonjour", "Hello there", "Our new thing", "Ta-da"]


def _ads(copies: dict[str, list[str]], **columns: list) -> pl.DataFrame:
    rows = [
        {
            "ad_id": f"{brand}{i}",
            "brand": brand,
            "record_kind": "ad",
            "body": text,
            "title": None,
            "description": None,
            "cta_raw": None,
            "ad_format": None,
            "start_time": datetime(2026, 6, 1, tzinfo=UTC),
            "stop_time": None,
            "reach_lower": None,
            "reach_upper": None,
        }
        for brand, texts in copies.items()
        for i, text in enumerate(texts)
    ]
    frame = pl.DataFrame(
        rows,
        schema_overrides={
            "start_time": pl.Datetime("us", "UTC"),
            "stop_time": pl.Datetime("us", "UTC"),
            "title": pl.Utf8,
            "description": pl.Utf8,
            "cta_raw": pl.Utf8,
            "ad_format": pl.Utf8,
            "reach_lower": pl.Float64,
            "reach_upper": pl.Float64,
        },
    )
    return label_ads(frame.with_columns(pl.Series(k, v) for k, v in columns.items()))


def test_brand_with_unreadable_copy_is_not_judged() -> None:
    labelled = _ads({"A": READABLE, "B": READABLE, "C": UNREADABLE})
    table = coverage.brand_coverage(labelled)
    rows = {r["brand"]: r for r in table.iter_rows(named=True)}
    assert rows["A"]["angle_known"] == 1.0 and rows["A"]["angle_judged"]
    assert rows["C"]["angle_known"] == 0.0 and not rows["C"]["angle_judged"]
    gap = gaps.white_space(labelled, AS_OF)
    angles = gap.filter(pl.col("dimension") == "angle")
    assert set(angles["brands_judged"].to_list()) == {2}
    assert set(angles["brands_unknown"].to_list()) == {1}
    # C's unreadable copy does not lower the market share of price/offer (2 of 4 per brand)
    assert "price/offer" not in angles["label"].to_list()
    status = coverage.dimension_status(labelled).row(0, named=True)
    assert status["dimension"] == "angle" and status["status"] == "partly unknown"


def test_unknown_cta_dimension_is_unknown_not_a_gap_of_one() -> None:
    labelled = _ads({"A": READABLE, "B": READABLE}).with_columns(pl.lit("unknown").alias("cta"))
    gap = gaps.white_space(labelled, AS_OF)
    assert "cta" not in gap["dimension"].to_list()
    status = {r["dimension"]: r["status"] for r in coverage.dimension_status(labelled).to_dicts()}
    assert status["cta"] == "unknown" and status["format"] == "unknown"
    assert status["angle"] == "judged"
    cells = competitive_quality.coverage_table(labelled)["known CTA"].to_list()
    assert cells == ["unknown (0% read)", "unknown (0% read)"]


def test_a_brand_uses_a_label_only_with_two_ads() -> None:
    eco = "Made from recycled bottles. Shop now."
    labelled = _ads({"A": [*READABLE * 2, eco], "B": [*READABLE * 2, eco, eco], "C": READABLE * 2})
    gap = gaps.white_space(labelled, AS_OF)
    values = gap.filter(pl.col("label") == "values/sustainability").row(0, named=True)
    assert values["ads"] == 3 and values["brands_using"] == 1  # B (2 ads), not A (1 of 5)


def test_ads_in_other_languages_are_left_out_and_listed() -> None:
    spanish = [
        "Descubre nuestra nueva colección de verano con envío gratis a toda España.",
        "Los mejores precios de la temporada están aquí: compra ahora y ahorra más.",
    ]
    labelled = _ads({"A": READABLE, "B": [*READABLE, *spanish]})  # the labeller finds es
    shares = market.label_shares(labelled, "angles")
    assert shares.filter(pl.col("brand") == "B")["share"].max() == 0.5  # 2 of 4, not 2 of 6
    table = coverage.brand_coverage(labelled)
    b = table.filter(pl.col("brand") == "B").row(0, named=True)
    assert (b["ads"], b["not_labelled"], b["angle_known"]) == (6, 2, 1.0)
    unknowns = competitive_quality.unknowns_table(labelled)
    row = unknowns.filter(pl.col("what") == "not labelled: language es").row(0, named=True)
    assert (row["ads"], row["brands"]) == (2, 1)
    gap = gaps.white_space(labelled, AS_OF)
    assert set(gap["brands_judged"].to_list()) == {2}


def test_running_ads_end_at_their_files_capture_date() -> None:
    ads = pl.DataFrame(
        {
            "ad_id": ["june", "august"],
            "brand": ["A", "B"],
            "record_kind": ["ad", "ad"],
            "start_time": [datetime(2026, 6, 1, tzinfo=UTC)] * 2,
            "stop_time": [None, None],
            "captured_at": [datetime(2026, 6, 30, tzinfo=UTC), datetime(2026, 8, 31, tzinfo=UTC)],
            "reach_lower": [None, 100.0],
            "reach_upper": [None, 200.0],
        },
        schema_overrides={"stop_time": pl.Datetime("us", "UTC")},
    )
    assert market.data_end(ads) == AS_OF
    active = market.with_activity(ads, AS_OF)
    assert active["days_active"].to_list() == [30, 92]
    assert active["is_active"].to_list() == [False, True]  # June's page says nothing of August
    sov = {r["brand"]: r for r in market.share_of_voice(ads, AS_OF).iter_rows(named=True)}
    assert sov["A"]["ad_days"] == 30 and sov["A"]["share_ad_days"] == pytest.approx(30 / 122)
    assert sov["A"]["reach_lower"] is None and sov["A"]["share_reach_lower"] is None
    assert competitive_quality.SOV_FORMATS["reach_lower"](None) == "unknown"
    figure = competitive.sov_bar_figure(market.share_of_voice(ads, AS_OF))
    reach = next(t for t in figure.data if t.name == "reach (lower bound)")
    assert None in reach.y and 0 not in reach.y  # unknown is a gap, not a bar of 0


def test_top_brands_and_an_others_row() -> None:
    copies = {f"brand{i:03d}": READABLE[: 1 + i % 4] for i in range(420)}
    labelled = _ads(copies)
    shown = group_brands(labelled, top=5)
    assert shown["brand"].n_unique() == 6 and "others (415 brands)" in shown["brand"].to_list()
    sov = market.share_of_voice(shown, AS_OF)
    assert sov.height == 6 and sov["ads"].sum() == labelled.height
    table = competitive_quality.coverage_table(labelled, top=5)
    assert table.height == 6 and table["brand"][-1] == "others (415 brands)"


def test_quality_section_shows_capture_dates_coverage_and_escapes() -> None:
    labelled = market.with_activity(_ads({"<b>Evil</b>": READABLE, "B": UNREADABLE}), AS_OF)
    files = pl.DataFrame(
        {
            "file": ["raw/ads/a_2026-06-30.json", "raw/ads/<x>.csv"],
            "format": ["meta_api", "mapping:custom"],
            "rows": [4, 4],
            "warnings": [0, 0],
            "captured_at": [date(2026, 6, 30), None],
            "captured_from": ["file name", "unknown"],
        }
    )
    ingest = IngestResult(labelled, files, pl.DataFrame(schema=dict.fromkeys(
        ["file", "record", "kind", "message"], pl.Utf8)))  # fmt: skip
    analysis = CompetitiveAnalysis(ingest, labelled, labelled, AS_OF, None, pl.DataFrame())
    page = competitive_quality.quality_section(analysis)
    assert "2026-06-30" in page and "unknown (window end used)" in page
    assert "Label coverage per brand" in page and "unknown (0% read)" in page
    assert "<b>Evil</b>" not in page and "&lt;b&gt;Evil&lt;/b&gt;" in page
    assert "&lt;x&gt;.csv" in page
