"""Per-ad messaging labels with evidence: angles, CTA, offer, hook and copy features.

Rules, not a learned model: every label comes from the generic phrase rules in
`lexicon.py` (the taxonomy of ../shared/reference/ad-copy-labels.md) and carries the phrase
that triggered it (`*_evidence`, verbatim from the copy), so a strategist can check and
correct it. `label_eval.py` and benchmarks/bench_labels.py score them on the labelled real
dev set (../shared/data/ad_copy) with a fixed held-out split.

All work is vectorised polars expressions (one regex pass per label), lazy-friendly, so
`label_copy` runs on a LazyFrame of millions of ads as well as on a small DataFrame.
"""

from __future__ import annotations

from typing import TypeVar

import polars as pl

from creative_workbench.research.lexicon import (
    ANGLE_NAMES,
    ANGLE_PHRASES,
    CTA_PHRASES,
    EMOJI_PATTERN,
    HOOK_PATTERN,
    OFFER_NAMES,
    OFFER_NOT_PHRASES,
    OFFER_PHRASES,
    alternation,
    cta_flexible,
)

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)
ANGLE_PATTERNS = {key: alternation(phrases) for key, phrases in ANGLE_PHRASES.items()}
# The same patterns without their question phrases (ending in a literal '?'), which cannot
# match copy without a '?': a bounded question phrase ("[^|.!?]{3,60}\?") makes the regex
# engine leave its fast DFA, so it only runs on the copy that has a question mark.
ANGLE_NO_QUESTION = {
    key: alternation([p for p in phrases if not p.endswith("\\?")])
    for key, phrases in ANGLE_PHRASES.items()
}
OFFER_PATTERNS = {
    key: alternation(OFFER_NOT_PHRASES.get(key, []) + phrases)
    for key, phrases in OFFER_PHRASES.items()
}
# A match that is one of the key's OFFER_NOT_PHRASES wins at its position, then is dropped.
OFFER_NOT_PATTERNS = {
    key: f"^(?:{alternation(phrases)})$" for key, phrases in OFFER_NOT_PHRASES.items()
}
CTA_PATTERN = alternation([cta_flexible(p) for phrases in CTA_PHRASES.values() for p in phrases])
CTA_LABELS = list(CTA_PHRASES)
CTA_CLASSIFIERS = {
    label: alternation([cta_flexible(p) for p in phrases]) for label, phrases in CTA_PHRASES.items()
}
NONE = "none"
COPY_FIELDS = ["body", "title", "description", "cta_raw"]


def angle_columns() -> list[str]:
    """Boolean columns label_copy adds, one per angle (angle_<key>)."""
    return [f"angle_{key}" for key in ANGLE_PATTERNS]


def label_copy(
    frame: Frame,
    text_col: str = "body",
    *,
    cta_cols: list[str] | None = None,
    hook_col: str | None = None,
) -> Frame:
    """Add messaging labels, each with its evidence phrase, to FRAME (lazy or eager).

    Args:
        frame: rows of ad copy.
        text_col: the copy to label for angles, offers and copy features.
        cta_cols: columns searched in order for the CTA (default: text_col).
        hook_col: column whose first sentence is the hook (default: text_col).

    Returns:
        FRAME plus angle_<key> / angle_<key>_evidence, angles, primary_angle, cta,
        cta_evidence, offer_* columns, offer, offers, hook, copy_length, word_count,
        has_question, has_numbers, emoji_count.
    """
    text = pl.col(text_col).fill_null("")
    # The first CTA column with a CTA phrase wins (a button label); within it, the last phrase.
    cta_evidence = pl.coalesce(
        pl.col(c).fill_null("").str.extract_all(CTA_PATTERN).list.last()
        for c in (cta_cols or [text_col])
    )
    hook_text = pl.col(hook_col or text_col).fill_null("")
    out = frame.with_columns(
        *[
            _angle_regex(text, key, lambda t, p: t.str.extract(p, 0)).alias(f"angle_{key}_evidence")
            for key in ANGLE_PATTERNS
        ],
        *[_offer_evidence(text, key).alias(f"offer_{key}_evidence") for key in OFFER_PATTERNS],
        cta_evidence.alias("cta_evidence"),
        hook_text.str.extract(HOOK_PATTERN, 0).str.strip_chars().alias("hook"),
        text.str.len_chars().alias("copy_length"),
        text.str.count_matches(r"\S+").alias("word_count"),
        text.str.contains("?", literal=True).alias("has_question"),
        text.str.contains(r"\d").alias("has_numbers"),
        text.str.count_matches(EMOJI_PATTERN).alias("emoji_count"),
    )
    hook = pl.col("hook").fill_null("")
    out = out.with_columns(
        *[
            _angle_regex(hook, key, lambda t, p: t.str.count_matches(p)).alias(f"_n_{key}")
            for key in ANGLE_PATTERNS
        ],
        *[
            _angle_regex(text, key, lambda t, p: t.str.find(p)).alias(f"_pos_{key}")
            for key in ANGLE_PATTERNS
        ],
    )
    return out.with_columns(
        *[
            pl.col(f"angle_{key}_evidence").is_not_null().alias(f"angle_{key}")
            for key in ANGLE_PATTERNS
        ],
        _angle_list().alias("angles"),
        _primary_angle().alias("primary_angle"),
        _cta_label().alias("cta"),
        pl.col("offer_discount_evidence")
        .str.extract(r"(\d{1,2})\s?%", 1)
        .cast(pl.Int32)
        .alias("offer_discount_pct"),
        pl.col("offer_free_shipping_evidence").is_not_null().alias("offer_free_shipping"),
        pl.col("offer_trial_evidence").is_not_null().alias("offer_trial"),
        pl.col("offer_bundle_evidence").is_not_null().alias("offer_bundle"),
        pl.col("offer_price_point_evidence")
        .str.extract(r"(\d[\d,]*(?:\.\d+)?)", 1)
        .str.replace_all(",", "")
        .cast(pl.Float64, strict=False)
        .alias("offer_price"),
        _offer_label().alias("offer"),
        _offer_list().alias("offers"),
        pl.when(pl.col("hook") == "").then(None).otherwise(pl.col("hook")).alias("hook"),
    ).drop([f"_{kind}_{key}" for key in ANGLE_PATTERNS for kind in ("n", "pos")])


def _angle_regex(text: pl.Expr, key: str, apply) -> pl.Expr:
    """APPLY(text, pattern) for angle KEY; the question phrases only where TEXT has a '?'
    (the other rows are null for that pass, so the regex engine skips them). Exact: a
    phrase that cannot match changes no leftmost-first result."""
    full, fast = ANGLE_PATTERNS[key], ANGLE_NO_QUESTION[key]
    if full == fast:
        return apply(text, full)
    asks = text.str.contains("?", literal=True)
    return pl.when(asks).then(apply(pl.when(asks).then(text), full)).otherwise(apply(text, fast))


def _offer_evidence(text: pl.Expr, key: str) -> pl.Expr:
    """The first phrase of offer KEY in TEXT that is not one of its excluded forms."""
    if key not in OFFER_NOT_PATTERNS:
        return text.str.extract(OFFER_PATTERNS[key], 0)
    excluded = pl.element().str.contains(OFFER_NOT_PATTERNS[key])
    return (
        text.str.extract_all(OFFER_PATTERNS[key])
        .list.eval(pl.element().filter(~excluded))
        .list.first()
    )


def _angle_list() -> pl.Expr:
    return pl.concat_list(
        pl.when(pl.col(f"angle_{key}_evidence").is_not_null()).then(pl.lit(name))
        for key, name in ANGLE_NAMES.items()
    ).list.drop_nulls()


def _primary_angle() -> pl.Expr:
    """The angle the hook argues (most phrases matched in the first sentence); without one,
    the first angle found in the copy. Ties go to the first in ANGLE_NAMES order."""
    best = pl.max_horizontal([pl.col(f"_n_{key}") for key in ANGLE_NAMES])
    first = pl.min_horizontal([pl.col(f"_pos_{key}") for key in ANGLE_NAMES])
    label = pl.lit(NONE)
    for key, name in reversed(list(ANGLE_NAMES.items())):
        label = pl.when(pl.col(f"_pos_{key}") == first).then(pl.lit(name)).otherwise(label)
    for key, name in reversed(list(ANGLE_NAMES.items())):
        label = (
            pl.when((pl.col(f"_n_{key}") == best) & (best > 0)).then(pl.lit(name)).otherwise(label)
        )
    return label


def _cta_label() -> pl.Expr:
    label = pl.lit(NONE)
    evidence = pl.col("cta_evidence")
    for name in reversed(CTA_LABELS):
        label = (
            pl.when(evidence.str.contains(CTA_CLASSIFIERS[name]))
            .then(pl.lit(name))
            .otherwise(label)
        )
    return pl.when(evidence.is_null()).then(pl.lit(NONE)).otherwise(label)


def _offer_label() -> pl.Expr:
    """The strongest offer present: discount, free shipping, trial, bundle, then price point."""
    label = pl.lit(NONE)
    for key in reversed(list(OFFER_NAMES)):
        label = (
            pl.when(pl.col(f"offer_{key}_evidence").is_not_null())
            .then(pl.lit(OFFER_NAMES[key]))
            .otherwise(label)
        )
    return label


def _offer_list() -> pl.Expr:
    return pl.concat_list(
        pl.when(pl.col(f"offer_{key}_evidence").is_not_null()).then(pl.lit(name))
        for key, name in OFFER_NAMES.items()
    ).list.drop_nulls()


def ad_copy_expr() -> pl.Expr:
    """An ad's full copy: body, link titles and descriptions joined by newlines."""
    return pl.concat_str(
        ["body", "title", "description"], separator="\n", ignore_nulls=True
    ).fill_null("")


def label_ads(ads: Frame) -> Frame:
    """Label canonical ads: copy = body + titles + descriptions; CTA from the source's CTA
    field first, then titles, then copy; hook from the body (titles when there is no body).
    Page-total rows (spend reports) are not ads and are left out.

    Rules + learned layer + language (combine.add_model_labels): a source none of whose ads
    has a CTA field gets CTA `unknown` where the copy has no CTA phrase; the source's
    `languages` field is used when it names one language.

    Labels depend only on the copy fields, so each distinct (body, title, description,
    cta_raw) is labelled once and its labels are gathered back to every ad carrying it:
    advertisers run the same copy on many ads (creative, audience and placement variants).
    Row order is kept.
    """
    from creative_workbench.research import combine, language

    indexed = ads.lazy().filter(pl.col("record_kind") == "ad").with_row_index("_row")
    names = indexed.collect_schema().names()
    declared = (
        language.declared(pl.col("languages"))
        if "languages" in names
        else pl.lit(None, dtype=pl.String)
    )
    has_button = pl.col("cta_raw").is_not_null().any()
    keys = [*COPY_FIELDS, "_has_button", "_lang"]
    keyed = indexed.with_columns(
        (has_button.over("source") if "source" in names else has_button).alias("_has_button"),
        declared.alias("_lang"),
    )
    # Collected once: the group numbers must be the same for labelling and gathering back.
    groups = keyed.group_by(keys).agg("_row").with_row_index("_group").collect().lazy()
    distinct = groups.select("_group", *keys).with_columns(
        ad_copy_expr().alias("copy"),
        pl.coalesce(pl.col("body"), pl.col("title")).alias("_hook_source"),
    )
    rules = label_copy(
        distinct, "copy", cta_cols=["cta_raw", "title", "copy"], hook_col="_hook_source"
    ).collect()
    labelled = combine.add_model_labels(
        rules, "copy", has_button="_has_button", button_col="cta_raw", lang_col="_lang"
    ).drop("_hook_source", *keys)
    per_row = (
        groups.select("_group", "_row")
        .explode("_row")
        .sort("_row")
        .join(labelled.lazy(), on="_group", how="left", maintain_order="left")
        .drop("_group", "_row")
    )
    out = pl.concat([indexed.drop("_row"), per_row], how="horizontal")
    # The in-memory engine gathers the ~40 label columns back to every ad about twice as
    # fast as the streaming engine on this plan (1M ads: 2 s against 4 s).
    return out if isinstance(ads, pl.LazyFrame) else out.collect(engine="in-memory")


def evidence_long(labelled: pl.DataFrame) -> pl.DataFrame:
    """One row per (ad, label kind, label, evidence) — for tables and the explorer."""
    parts = [
        labelled.select(
            "ad_id",
            pl.lit("angle").alias("kind"),
            pl.lit(name).alias("label"),
            pl.col(f"angle_{key}_evidence").alias("evidence"),
        )
        for key, name in ANGLE_NAMES.items()
    ]
    parts += [
        labelled.select(
            "ad_id",
            pl.lit("offer").alias("kind"),
            pl.lit(name).alias("label"),
            pl.col(f"offer_{key}_evidence").alias("evidence"),
        )
        for key, name in OFFER_NAMES.items()
    ]
    parts.append(
        labelled.select(
            "ad_id",
            pl.lit("cta").alias("kind"),
            pl.col("cta").alias("label"),
            pl.col("cta_evidence").alias("evidence"),
        )
    )
    return pl.concat(parts).filter(pl.col("evidence").is_not_null()).sort("ad_id", "kind")
