"""The phrase lexicon is generic (no demo vocabulary, no advertiser names of the dev set),
its ASCII `\\w` rewrite keeps matches on real copy, and label_texts' gather by row number
gives every ad the labels of its copy."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from creative_workbench.research import lexicon
from creative_workbench.research.combine import label_texts
from creative_workbench.research.lexicon import WORD_BOUNDARY

# The running-shoe demo's product vocabulary (src/creative_workbench/demo/copy.py).
DEMO_WORDS = (
    "foam", "midsole", "outsole", "cushion", "cushioning", "carbon plate", "energy return",
    "runner", "runners", "trainer", "trainers", "stride", "race day", "marathon", "mile",
    "miles", "trail", "tarmac", "first step", "biomechanists", "shoe", "shoes",
)  # fmt: skip
ALL_PHRASES = [
    phrase
    for table in (
        lexicon.ANGLE_PHRASES,
        lexicon.CTA_PHRASES,
        lexicon.OFFER_PHRASES,
        lexicon.OFFER_NOT_PHRASES,
    )
    for phrases in table.values()
    for phrase in phrases
]


def _matches(word: str) -> list[str]:
    return [p for p in ALL_PHRASES if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", p)]


@pytest.mark.parametrize("word", DEMO_WORDS)
def test_no_demo_vocabulary_in_the_lexicon(word: str) -> None:
    assert _matches(word) == []


def test_no_dev_set_advertiser_name_in_the_lexicon(shared_data: Path) -> None:
    dev = pl.read_csv(shared_data / "ad_copy" / "ad_copy_dev.csv", infer_schema=False)
    names = {n.lower() for n in dev["advertiser"].unique().to_list() if n and len(n) >= 4}
    assert len(names) > 100
    leaked = {name: _matches(name) for name in names if _matches(name)}
    assert leaked == {}


def test_a_leak_would_be_caught() -> None:
    assert _matches("free trial") and not _matches("midsole")


def _unicode(phrases: list[str]) -> str:
    """The alternation as it was before the ASCII rewrite (Unicode `\\w`)."""
    bounded = []
    for phrase in phrases:
        starts = re.match(r"[A-Za-z0-9(]|\\[dw]", phrase) is not None
        start = WORD_BOUNDARY if starts else ""
        end = "" if re.search(r"[%★+$€£?]$", phrase) else WORD_BOUNDARY
        bounded.append(f"{start}(?:{phrase.replace(chr(92) + 'b', WORD_BOUNDARY)}){end}")
    return "(?i)" + "|".join(bounded)


def test_ascii_word_class_matches_as_unicode_did_on_real_copy(shared_data: Path) -> None:
    texts = pl.read_csv(shared_data / "ad_copy" / "ad_copy_dev.csv", infer_schema=False)["text"]
    texts = pl.concat([texts, pl.Series(["Try our café menu free", "AI-généré: stop überpaying"])])
    for key, phrases in lexicon.ANGLE_PHRASES.items():
        fast = texts.str.extract_all(lexicon.alternation(phrases))
        slow = texts.str.extract_all(_unicode(phrases))
        pairs = zip(texts, fast, slow, strict=True)
        differ = [t for t, a, b in pairs if a.to_list() != b.to_list()]
        # Only copy with non-ASCII letters next to a `\w` phrase part may differ.
        assert all(re.search(r"[^\x00-\x7f]", t) for t in differ), (key, differ[:3])
        assert len(differ) <= 2, (key, differ)


def test_each_ad_gets_the_labels_of_its_copy() -> None:
    texts = ["Save 20% today only. Shop now.", "Join 5,000 teams. Start free.", "Plain words"]
    frame = pl.DataFrame(
        {
            "ad": range(9),
            "text": [texts[i % 3] for i in range(9)],
            "button": [None, "Learn More", None, None, "Learn More", "Sign Up", None, None, None],
        }
    )
    together = label_texts(frame, "text", button_col="button")
    assert together["ad"].to_list() == list(range(9))
    for i in range(9):
        alone = label_texts(frame.slice(i, 1), "text", button_col="button")
        assert together.slice(i, 1).equals(alone), i
