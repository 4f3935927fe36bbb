"""Offline language detection for ad copy, and which languages the labeller covers.

The lexicon and the learned model are English: ads in other languages get no angle or
offer and CTA `unknown` (`labelled` False) and a data-quality warning, instead of counting
as "no angle". Detection, per distinct text:

1. the source's `languages` field when it names exactly one language;
2. a cheap vote of common function words (English ones against the other languages'), which
   settles most English copy without a model;
3. otherwise lingua (`lingua-language-detector`, models shipped in the wheel, built once
   for a small set of languages) on the first PREFIX characters.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

COVERED = frozenset({"en"})
DETECTED = ("en", "es", "fr", "de", "pt", "it", "nl")
PREFIX = 200
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
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect(texts: pl.Series) -> pl.Series:
    """ISO 639-1 code (lowercase) of each text; null when undetermined (e.g. no words)."""
    distinct = pl.DataFrame({"text": texts.fill_null("")}).unique(maintain_order=True)
    votes = distinct.with_columns(
        pl.col("text").str.slice(0, PREFIX).str.to_lowercase().alias("_lower")
    ).with_columns(
        _word_count(ENGLISH_WORDS).alias("_en"), _word_count(OTHER_WORDS).alias("_other")
    )
    english = (pl.col("_en") >= 2) & (pl.col("_en") > 2 * pl.col("_other"))
    no_words = ~pl.col("_lower").str.contains(r"\p{L}{2}")
    votes = votes.with_columns(
        pl.when(english).then(pl.lit("en")).when(no_words).then(pl.lit(None)).alias("lang"),
        (~english & ~no_words).alias("_ask"),
    )
    ask = votes.filter("_ask")
    if ask.height:
        found = _detector().detect_languages_in_parallel_of(ask["_lower"].to_list())
        codes = [lang.iso_code_639_1.name.lower() if lang else None for lang in found]
        asked = ask.select("text", pl.Series("_found", codes, dtype=pl.String))
        votes = votes.join(asked, on="text", how="left", maintain_order="left").with_columns(
            pl.coalesce("lang", "_found").alias("lang")
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
