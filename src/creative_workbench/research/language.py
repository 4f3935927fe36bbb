"""Offline language detection for ad copy, and which languages the labeller covers.

The lexicon and the learned model are English: ads in other languages get no angle or
offer and CTA `unknown` (`labelled` False) and a data-quality warning, instead of counting
as "no angle". Detection, per distinct text:

1. the source's `languages` field when it names exactly one language;
2. a cheap vote of common function words (English ones against the other languages'), which
   settles most English copy without a model;
3. null (undetermined, labelled as covered) for copy of fewer than MIN_WORDS words;
4. otherwise lingua (`lingua-language-detector`, models shipped in the wheel, built once
   for a small set of languages, low-accuracy mode) on the first PREFIX characters; a
   language other than English counts only with one of its function words in the copy.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

COVERED = frozenset({"en"})
DETECTED = ("en", "es", "fr", "de", "pt", "it", "nl")
PREFIX = 200
MIN_WORDS = 4
# Common function words, as regex alternations (matched on word boundaries, lowercase).
ENGLISH_WORDS = (
    "the|and|you|your|for|with|our|to|of|is|are|this|that|get|now|more|from|on|in|it|all|"
    "we|can|how|new|free|today|at|by|be|what"
)
OTHER_WORDS = (
    "de|la|el|los|las|que|y|con|para|por|tu|su|es|una|un|del|al|le|les|des|et|pour|avec|"
    "vous|votre|une|du|est|der|die|das|und|mit|für|ihr|ist|den|ein|eine|il|di|che|per|gli|"
    "è|het|een|van|voor|met|uw|je|você|seu|sua|com|não|em|os|ao|mais"
)


def _word_count(words: str) -> pl.Expr:
    return pl.col("_lower").str.count_matches(r"\b(?:" + words + r")\b")


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in DETECTED]
    # Low-accuracy mode loads in ~1 s instead of ~5-15 s; the texts it sees are the few the
    # word vote leaves open, and short copy never reaches it.
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


def detect(texts: pl.Series) -> pl.Series:
    """ISO 639-1 code (lowercase) of each text; null when undetermined (e.g. no words)."""
    distinct = pl.DataFrame({"text": texts.fill_null("")}).unique(maintain_order=True)
    votes = distinct.with_columns(
        pl.col("text").str.slice(0, PREFIX).str.to_lowercase().alias("_lower")
    ).with_columns(
        _word_count(ENGLISH_WORDS).alias("_en"), _word_count(OTHER_WORDS).alias("_other")
    )
    english = (pl.col("_en") >= 2) & (pl.col("_en") > 2 * pl.col("_other"))
    # Fewer than MIN_WORDS words is too short to tell (a product name, "Shop now").
    no_words = pl.col("_lower").str.count_matches(r"\p{L}{2,}") < MIN_WORDS
    votes = votes.with_columns(
        pl.when(english).then(pl.lit("en")).otherwise(None).alias("lang"),
        (~english & ~no_words).alias("_ask"),
    )
    ask = votes.filter("_ask")
    if ask.height:
        found = _detector().detect_languages_in_parallel_of(ask["_lower"].to_list())
        codes = [lang.iso_code_639_1.name.lower() if lang else None for lang in found]
        asked = ask.select("text", pl.Series("_found", codes, dtype=pl.String))
        # Another language needs one of its function words too (lingua's low-accuracy mode
        # reads some English product names as German or French).
        found = pl.col("_found")
        trusted = (found == "en") | (pl.col("_other") > 0)
        votes = votes.join(asked, on="text", how="left", maintain_order="left").with_columns(
            pl.coalesce("lang", pl.when(trusted).then(found)).alias("lang")
        )
    lookup = votes.select("text", "lang")
    frame = pl.DataFrame({"text": texts.fill_null("")})
    return frame.join(lookup, on="text", how="left", maintain_order="left")["lang"]


def declared(languages: pl.Expr) -> pl.Expr:
    """The language a source declares (a list column) when it names exactly one, else null."""
    return (
        pl.when(languages.list.len() == 1)
        .then(languages.list.first().str.to_lowercase().str.slice(0, 2))
        .otherwise(None)
    )


def is_covered(lang: pl.Expr) -> pl.Expr:
    """True where the labeller covers the language (undetermined counts as covered)."""
    return lang.is_null() | lang.is_in(sorted(COVERED))


def warnings(lang: pl.Series) -> list[str]:
    """Data-quality warnings: 'not labelled: language X (n ads)', most ads first."""
    counts = (
        pl.DataFrame({"lang": lang})
        .filter(~is_covered(pl.col("lang")))
        .group_by("lang")
        .len()
        .sort(["len", "lang"], descending=[True, False])
    )
    return [f"not labelled: language {code} ({n} ads)" for code, n in counts.iter_rows()]
