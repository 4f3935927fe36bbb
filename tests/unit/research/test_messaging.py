"""Messaging labels on realistic, hand-written ad copy with expected labels and evidence."""

from __future__ import annotations

import polars as pl
import pytest

from creative_workbench.research.messaging import evidence_long, label_ads, label_copy

CASES = [
    # (copy, expected angles (subset that must be present), primary, CTA, offer)
    (
        "Tired of paying for a logo? Our trainers cost $89 because we skip the ad budget. "
        "Shop now 🔥",
        {"provocation/challenger"},
        "provocation/challenger",
        "Shop now",
        "price point",
    ),
    (
        "Rated 4.8 stars by 12,000 runners. Engineered foam with 87% energy return. Learn more.",
        {"social proof", "quality/performance"},
        "social proof",
        "Learn more",
        "none",
    ),
    (
        "Last chance: 30% off everything ends tonight! Free shipping on all orders. Get offer",
        {"urgency/scarcity", "price/offer"},
        "urgency/scarcity",
        "Get offer",
        "discount",
    ),
    (
        "Made from recycled ocean plastic. Better for the planet, same bounce. Book a fitting "
        "in store.",
        {"values/sustainability"},
        "values/sustainability",
        "Book now",
        "none",
    ),
    (
        "Two sizes, one box, keep the one that fits. Easy. Try them free for 30 days. Order now.",
        {"convenience"},
        "convenience",
        "Order now",
        "trial",
    ),
    (
        "Every mile tells a story. Write yours. Sign up for race-week tips.",
        {"emotion/aspiration"},
        "emotion/aspiration",
        "Sign up",
        "none",
    ),
    ("Shoes & socks bundle: save $15. Download the app.", set(), None, "Download", "bundle"),
]


@pytest.mark.parametrize(("copy", "angles", "primary", "cta", "offer"), CASES)
def test_labels_on_hand_written_copy(
    copy: str, angles: set, primary: str | None, cta: str, offer: str
) -> None:
    row = label_copy(pl.DataFrame({"body": [copy]})).row(0, named=True)
    assert angles <= set(row["angles"])
    if primary:
        assert row["primary_angle"] == primary
    assert row["cta"] == cta
    assert row["offer"] == offer
    assert row["cta_evidence"] is not None and row["cta_evidence"].lower() in copy.lower()
    for key in ("provocation_challenger", "social_proof", "urgency_scarcity"):
        evidence = row[f"angle_{key}_evidence"]
        assert evidence is None or evidence.lower() in copy.lower()


def test_offer_details_hook_and_copy_features() -> None:
    row = label_copy(
        pl.DataFrame(
            {
                "body": [
                    "Save 25% on the Daily 4 — now just $99.99? Free delivery too 🏃‍♀️👟\nShop now"
                ]
            }
        )
    ).row(0, named=True)
    assert row["offer_discount_pct"] == 25 and row["offer_price"] == 99.99
    assert row["offer_free_shipping"] and set(row["offers"]) == {
        "discount",
        "free shipping",
        "price point",
    }
    assert row["hook"] == "Save 25% on the Daily 4 — now just $99.99?"
    assert row["has_question"] and row["has_numbers"] and row["emoji_count"] == 2
    assert row["word_count"] == 16


def test_no_copy_gets_no_labels_and_cta_enums_normalise() -> None:
    frame = label_copy(
        pl.DataFrame({"body": [None, "", "quiet copy"], "cta": ["SHOP_NOW", None, "LEARN_MORE"]}),
        cta_cols=["cta", "body"],
    )
    assert frame["angles"].to_list() == [[], [], []]
    assert frame["primary_angle"].to_list() == ["none"] * 3
    assert frame["cta"].to_list() == ["Shop now", "none", "Learn more"]
    assert frame["hook"].to_list() == [None, None, "quiet copy"]


def test_label_copy_is_lazy_and_label_ads_skips_page_totals() -> None:
    ads = pl.DataFrame(
        {
            "ad_id": ["a", "b"],
            "record_kind": ["ad", "page_total"],
            "body": ["Join 50,000 runners. Shop now.", None],
            "title": ["Shop now", None],
            "description": [None, None],
            "cta_raw": [None, None],
        }
    )
    lazy = label_ads(ads.lazy())
    assert isinstance(lazy, pl.LazyFrame)
    labelled = lazy.collect()
    assert labelled["ad_id"].to_list() == ["a"]
    assert "social proof" in labelled["angles"].item().to_list()
    assert labelled["angle_social_proof_source"].item() == "rule"
    long = evidence_long(labelled)
    assert ("angle", "social proof", "Join 50,000") in long.select(
        "kind", "label", "evidence"
    ).rows()
