"""Market metrics and white space against hand-computed values."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from creative_workbench.research import gaps, market
from creative_workbench.research.messaging import label_ads

AS_OF = datetime(2024, 1, 14, tzinfo=UTC)


def _d(day: int | None) -> datetime | None:
    return None if day is None else datetime(2024, 1, day, tzinfo=UTC)


@pytest.fixture
def ads() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "ad_id": ["a1", "a2", "b1", "b2"],
            "brand": ["A", "A", "B", "B"],
            "record_kind": ["ad"] * 4,
            "start_time": [_d(1), _d(8), _d(2), _d(9)],
            "stop_time": [_d(10), None, _d(3), _d(14)],
            "reach_lower": [None, None, 1000.0, 500.0],
            "reach_upper": [None, None, 1000.0, None],
            "platforms": [["FACEBOOK"], ["FACEBOOK", "INSTAGRAM"], [], ["INSTAGRAM"]],
            "angles": [["price/offer"], ["price/offer", "social proof"], [], ["social proof"]],
        },
        schema_overrides={
            "start_time": pl.Datetime("us", "UTC"),
            "stop_time": pl.Datetime("us", "UTC"),
        },
    )


def test_share_of_voice(ads: pl.DataFrame) -> None:
    sov = {r["brand"]: r for r in market.share_of_voice(ads, AS_OF).iter_rows(named=True)}
    assert (sov["A"]["ads"], sov["A"]["ad_days"]) == (2, 17)  # 10 + 7 days
    assert (sov["B"]["ads"], sov["B"]["ad_days"]) == (2, 8)  # 2 + 6 days
    assert sov["A"]["share_ad_days"] == pytest.approx(17 / 25)
    assert sov["B"]["reach_lower"] == 1500 and sov["B"]["reach_upper"] is None  # open bucket
    assert sov["B"]["share_reach_lower"] == 1.0
    assert sov["A"]["reach_lower"] is None and sov["A"]["share_reach_lower"] is None  # unknown


def test_weekly_share_cadence_and_longevity(ads: pl.DataFrame) -> None:
    weekly = market.weekly_share_of_voice(ads, AS_OF)
    got = {
        (r["week"], r["brand"]): (r["ad_days"], r["share"]) for r in weekly.iter_rows(named=True)
    }
    assert got[(date(2024, 1, 1), "A")] == (7, pytest.approx(7 / 9))
    assert got[(date(2024, 1, 1), "B")] == (2, pytest.approx(2 / 9))
    assert got[(date(2024, 1, 8), "A")] == (10, pytest.approx(10 / 16))
    assert got[(date(2024, 1, 8), "B")] == (6, pytest.approx(6 / 16))
    cadence = market.launch_cadence(ads)
    assert cadence["launches"].to_list() == [1, 1, 1, 1]
    longevity = {r["brand"]: r for r in market.longevity_summary(ads, AS_OF).iter_rows(named=True)}
    assert longevity["A"]["median_days"] == 8.5 and longevity["A"]["active_now"] == 1
    assert longevity["B"]["median_days"] == 4.0 and longevity["B"]["max_days"] == 6


def test_matrix_and_platform_mix(ads: pl.DataFrame) -> None:
    matrix = market.competitive_matrix(
        ads, "angles", ["price/offer", "social proof", "convenience"]
    )
    assert matrix.rows() == [("A", 1.0, 0.5, 0.0), ("B", 0.0, 0.5, 0.0)]
    mix = {
        (r["brand"], r["platform"]): r["share"]
        for r in market.platform_mix(ads).iter_rows(named=True)
    }
    assert mix == {
        ("A", "FACEBOOK"): 1.0,
        ("A", "INSTAGRAM"): 0.5,
        ("B", "INSTAGRAM"): 0.5,
        ("B", "UNKNOWN"): 0.5,
    }


def test_filters_and_spend_conversion(ads: pl.DataFrame) -> None:
    assert market.filter_ads(ads, start="2024-01-11").get_column("ad_id").to_list() == ["a2", "b2"]
    assert market.filter_ads(ads, end=date(2024, 1, 1))["ad_id"].to_list() == ["a1"]
    assert market.filter_ads(ads, competitors=["b"], platforms=["instagram"])[
        "ad_id"
    ].to_list() == ["b2"]
    spend = pl.DataFrame(
        {
            "brand": ["A", "B", "C"],
            "currency": ["USD", "EUR", "GBP"],
            "spend_lower": [100.0, 100.0, 5.0],
            "spend_upper": [199.0, None, 9.0],
        }
    )
    table = market.spend_share(spend, {"EUR": 1.1}, "USD")
    rows = {r["brand"]: r for r in table.iter_rows(named=True)}
    assert rows["B"]["spend_lower"] == pytest.approx(110) and rows["B"]["spend_upper"] is None
    assert rows["A"]["share_spend_lower"] == pytest.approx(100 / 210)
    assert rows["C"]["spend_currency"] == "GBP" and rows["C"]["share_spend_lower"] == 1.0


def test_white_space_ranks_unused_angles_with_evidence() -> None:
    copies = {
        "A": [
            "Rated 4.9 stars by 9,000 runners. Shop now.",
            "30% off today only. Shop now.",
            "Join 20,000 runners. Shop now.",
        ],
        "B": [
            "Half price trainers. Shop now.",
            "50% off. Shop now.",
            "Loved by coaches. Shop now.",
        ],
        "C": [
            "Made from recycled bottles. Learn more.",
            "Sale: 20% off. Shop now.",
            "5-star reviews everywhere. Shop now.",
        ],
    }
    rows = [
        {
            "ad_id": f"{b}{i}",
            "brand": b,
            "record_kind": "ad",
            "body": text,
            "title": None,
            "description": None,
            "cta_raw": None,
            "ad_format": None,
            "start_time": _d(1 + i),
            "stop_time": _d(5 + i * 3),
        }
        for b, texts in copies.items()
        for i, text in enumerate(texts)
    ]
    labelled = label_ads(
        pl.DataFrame(
            rows,
            schema_overrides={
                "start_time": pl.Datetime("us", "UTC"),
                "stop_time": pl.Datetime("us", "UTC"),
                "ad_format": pl.Utf8,
                "title": pl.Utf8,
                "description": pl.Utf8,
                "cta_raw": pl.Utf8,
            },
        )
    )
    table = gaps.white_space(labelled, AS_OF)
    assert "format" not in table["dimension"].to_list()  # no ad states its format
    values = table.filter(pl.col("label") == "values/sustainability").row(0, named=True)
    # one ad of C's three is not "using" it: a brand needs at least two ads with a label
    assert values["market_share"] == pytest.approx(1 / 9) and values["brands_using"] == 0
    assert values["gap_score"] == pytest.approx(1 - (1 / 9) / values["typical_share"])
    assert values["examples"] == ["C (5d): recycled"]
    book = table.filter((pl.col("dimension") == "cta") & (pl.col("label") == "Book now"))
    assert book["gap_score"].item() == 1.0 and book["examples"].item().to_list() == []
    assert table["rank"].to_list() == list(range(1, table.height + 1))
    assert "Shop now" not in table.filter(pl.col("dimension") == "cta")["label"].to_list()
