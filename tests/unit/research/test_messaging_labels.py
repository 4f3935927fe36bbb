"""Rules + learned layer (combine.label_texts): source, confidence and verbatim evidence per
label, CTA `unknown` without a button field, languages the labeller does not cover."""

from __future__ import annotations

import polars as pl

from creative_workbench.research import language
from creative_workbench.research.combine import label_texts
from creative_workbench.research.lexicon import ANGLE_NAMES, OFFER_NAMES

ENGLISH = [
    "Save 30% today only on our lightweight jackets. Free shipping on every order. Shop now.",
    "Join 20,000 teams who plan faster with one simple tool. Start your free trial today.",
    "Tired of overpriced software? Switch in minutes and keep your data private.",
]
# Built here (not copied from any data set): a Spanish and a French ad.
SPANISH = "Descubre la nueva colección de zapatillas para correr con envío gratis en tu pedido"
FRENCH = "Découvrez notre nouvelle collection de chaussures avec la livraison offerte pour vous"
PREFIXES = [f"angle_{key}" for key in ANGLE_NAMES] + [f"offer_{key}" for key in OFFER_NAMES]


def test_every_label_has_a_source_a_confidence_and_verbatim_evidence() -> None:
    labelled = label_texts(pl.DataFrame({"text": ENGLISH}), "text")
    found = 0
    for row in labelled.iter_rows(named=True):
        for prefix in PREFIXES:
            evidence = row[f"{prefix}_evidence"]
            if evidence is None:
                assert row[f"{prefix}_source"] is None and row[f"{prefix}_confidence"] is None
                continue
            found += 1
            assert evidence in row["text"]
            assert row[f"{prefix}_source"] in {"rule", "model"}
            assert 0.0 < row[f"{prefix}_confidence"] <= 1.0
    assert found >= 6
    first = labelled.row(0, named=True)
    assert first["angle_urgency_scarcity_source"] == "rule"
    assert first["offer_free_shipping"] and "discount" in first["offers"]
    assert labelled["language"].to_list() == ["en"] * 3 and labelled["labelled"].all()


def test_cta_is_unknown_without_a_button_field_and_the_button_wins() -> None:
    texts = ["Warm jackets for cold mornings.", "Warm jackets for cold mornings.", "Shop now."]
    no_field = label_texts(pl.DataFrame({"text": texts}), "text")
    assert no_field["cta"].to_list() == ["unknown", "unknown", "Shop now"]
    assert no_field["cta_source"].to_list() == [None, None, "rule"]
    frame = pl.DataFrame({"text": texts, "button": [None, "Learn More", "Sign Up"]})
    with_field = label_texts(frame, "text", button_col="button")
    assert with_field["cta"].to_list() == ["none", "Learn more", "Sign up"]
    assert with_field["cta_evidence"].to_list() == [None, "Learn More", "Sign Up"]
    assert with_field["cta_confidence"][1] == 1.0


def test_uncovered_languages_are_flagged_not_labelled() -> None:
    frame = pl.DataFrame(
        {"text": [SPANISH, FRENCH, ENGLISH[0]], "button": ["Shop Now", None, None]}
    )
    labelled = label_texts(frame, "text", button_col="button")
    assert labelled["language"].to_list() == ["es", "fr", "en"]
    assert labelled["labelled"].to_list() == [False, False, True]
    assert labelled["angles"].to_list()[:2] == [[], []]
    assert labelled["offers"].to_list()[:2] == [[], []]
    # The button is a platform field, not copy: it still gives the Spanish ad its CTA.
    assert labelled["cta"].to_list() == ["Shop now", "unknown", "Shop now"]
    assert language.warnings(labelled["language"]) == [
        "not labelled: language es (1 ads)",
        "not labelled: language fr (1 ads)",
    ]


def test_declared_language_wins_and_short_copy_is_undetermined() -> None:
    frame = pl.DataFrame({"text": [ENGLISH[1], "Logo Keychain"], "lang": ["de", None]})
    labelled = label_texts(frame, "text", lang_col="lang")
    assert labelled["language"].to_list() == ["de", None]
    assert labelled["labelled"].to_list() == [False, True]
