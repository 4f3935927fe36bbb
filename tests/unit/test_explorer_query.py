"""The explorer's table and query: facets by column presence, variants, sorts, paging."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest

from creative_workbench.ingest.records import QualityLog
from creative_workbench.ingest.sources import read_source
from creative_workbench.reports.explorer.prepare import prepare_ads
from creative_workbench.reports.explorer.query import (
    ExplorerQuery,
    explore,
    facet_options,
    matching_ads,
    trait_filters,
)
from creative_workbench.research import market
from creative_workbench.research.messaging import label_ads
from tests.unit.explorer_data import AS_OF, labelled, real_copy_ads


@pytest.fixture(scope="module")
def real(shared_data: Path) -> pl.DataFrame:
    return prepare_ads(real_copy_ads(shared_data))


def test_language_comes_from_research_lang_column_on_real_copy(real: pl.DataFrame) -> None:
    options = facet_options(real)
    assert set(options["language"]) == {"en", "es"}
    spanish = explore(real, ExplorerQuery(facets={"language": ("es",)}, group_variants=False))
    assert spanish.matching_ads == 5  # the file's five Spanish ads


def test_variants_stay_within_a_brand_and_cover_every_ad(real: pl.DataFrame) -> None:
    page = explore(real, ExplorerQuery(page_size=1000))
    assert page.matching_ads == 513
    assert page.cards.get_column("variants").sum() == 513
    per_key = real.group_by("variant_key").agg(pl.col("brand").n_unique().alias("brands"))
    assert per_key.get_column("brands").max() == 1
    assert page.total_cards < 513  # real advertisers repeat their hooks


def test_prices_and_counts_do_not_split_variants(real: pl.DataFrame) -> None:
    original = real.filter(pl.col("copy").str.starts_with("$75 Once.")).row(0, named=True)
    rows = [
        {"id": i, "brand": original["brand"], "body": body, "start": AS_OF - timedelta(days=i)}
        for i, body in enumerate(
            [original["copy"], original["copy"].replace("$75", "$49"), "Something else entirely."],
            start=1,
        )
    ]
    page = explore(prepare_ads(labelled(rows)), ExplorerQuery())
    assert sorted(page.cards.get_column("variants").to_list()) == [1, 2]
    grouped = page.cards.filter(pl.col("variants") == 2).row(0, named=True)
    assert page.variants_of(grouped["variant_key"]).height == 2


def _timeline(drop: tuple[str, ...] = ()) -> pl.DataFrame:
    start = AS_OF - timedelta(days=100)
    rows = [
        # old, long-running, stopped
        {"id": 1, "brand": "Apex", "body": "Built to last. Shop now.", "start": start,
         "stop": start + timedelta(days=80)},
        # newest, still live
        {"id": 2, "brand": "Apex", "body": "Why pay $180 when it is $109? Get 20% off.",
         "start": AS_OF - timedelta(days=2)},
        # mid, live, longest running overall
        {"id": 3, "brand": "Velo", "body": "Loved by 10,000 runners. Learn more.",
         "start": start - timedelta(days=50)},
    ]  # fmt: skip
    return prepare_ads(labelled(rows).drop(drop))


def _ids(frame: pl.DataFrame) -> list[str]:
    return [a.split(":")[1] for a in frame.get_column("ad_id").to_list()]


def test_sorts_newest_longest_running_live_now() -> None:
    ads = _timeline()
    assert _ids(matching_ads(ads, ExplorerQuery(sort="newest"))) == ["2", "1", "3"]
    assert _ids(matching_ads(ads, ExplorerQuery(sort="longest running"))) == ["3", "1", "2"]
    assert _ids(matching_ads(ads, ExplorerQuery(sort="live now"))) == ["3", "2", "1"]


def test_filters_min_days_live_traits_offer_search_brand() -> None:
    ads = _timeline()
    assert _ids(matching_ads(ads, ExplorerQuery(min_days=60))) == ["3", "1"]
    assert _ids(matching_ads(ads, ExplorerQuery(live_only=True))) == ["3", "2"]
    assert _ids(matching_ads(ads, ExplorerQuery(traits=("question",)))) == ["2"]
    assert _ids(matching_ads(ads, ExplorerQuery(facets={"offer": ("discount",)}))) == ["2"]
    assert _ids(matching_ads(ads, ExplorerQuery(search="$180"))) == ["2"]  # literal, not regex
    assert _ids(matching_ads(ads, ExplorerQuery(brands=("velo",)))) == ["3"]
    assert _ids(matching_ads(ads, ExplorerQuery(ad_ids=("meta_api:1",)))) == ["1"]


def test_paging_goes_beyond_200_cards_without_gaps_or_repeats() -> None:
    rows = [
        {"id": i, "brand": f"Brand {i % 7}", "body": f"Ad number {i}: " + "x" * (i % 5) + str(i),
         "start": AS_OF - timedelta(days=i % 300)}
        for i in range(530)
    ]  # fmt: skip
    # distinct hooks per ad: the digits are masked, so make the text differ in letters too
    for i, row in enumerate(rows):
        row["body"] = (
            f"{'abcdefghij'[i % 10]}{'klmnopqrst'[(i // 10) % 10]}{i // 100} " + row["body"]
        )
    ads = prepare_ads(labelled(rows))
    first = explore(ads, ExplorerQuery(page_size=48, group_variants=False))
    assert (first.pages, first.matching_ads) == (12, 530)
    seen = []
    for page in range(first.pages):
        seen += (
            explore(ads, ExplorerQuery(page=page, page_size=48, group_variants=False))
            .cards["ad_id"]
            .to_list()
        )
    assert len(seen) == len(set(seen)) == 530
    beyond = explore(ads, ExplorerQuery(page=99, page_size=48, group_variants=False))
    assert beyond.page == 11 and beyond.cards.height == 530 - 11 * 48


def test_missing_label_columns_degrade_to_fewer_filters() -> None:
    ads = _timeline(
        drop=("offers", "offer", "has_question", "emoji_count", "languages", "language")
    )
    options = facet_options(ads)
    assert "offer" not in options and "language" not in options
    assert "question" not in trait_filters(ads.schema)
    # a query naming a facet the table lacks is ignored, not an error
    assert explore(ads, ExplorerQuery(facets={"offer": ("discount",)})).matching_ads == 3


def test_library_link_from_the_real_meta_record_and_never_the_token_url(
    shared_data: Path,
) -> None:
    path = shared_data / "ad_library" / "meta_adlibrary_api_example_record.json"
    ads = read_source("meta_api", path, QualityLog()).with_columns(
        pl.lit("meta_api").alias("source"),
        (pl.lit("meta_api:") + pl.col("raw_id")).alias("ad_id"),
        pl.lit("ad").alias("record_kind"),
        pl.lit("https://www.facebook.com/ads/archive/render_ad/?id=1&access_token=SECRET").alias(
            "snapshot_url"
        ),
    )
    prepared = prepare_ads(market.with_activity(label_ads(ads), market.data_end(ads)))
    assert prepared.get_column("library_url").to_list() == [
        "https://www.facebook.com/ads/library/?id=679808276335343"
    ]
    other = prepared.with_columns(pl.lit("custom_csv").alias("source")).drop("library_url")
    assert prepare_ads(other).get_column("library_url").to_list() == [None]
