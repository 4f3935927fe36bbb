"""Rules + learned layer: every angle and offer label with its source, confidence and
evidence; the CTA with `unknown` where a source has no button field; the ad's language.

Per label the artefact stores how the two layers combine (chosen by out-of-fold F1 on the
tune split, see copy_model_train.py):

* `rules`: the phrase rules only;  `union`: rules or model (above its threshold);
* `fill`: rules, plus the model where the rules found no label of that family
  (angle / offer) in the ad.

A label the rules found has source `rule`, the matched phrase as evidence and the rule's
precision on the tune split as confidence; a label only the model found has source `model`,
its calibrated probability, and as evidence the token of the ad that weighed most towards
it (verbatim; a model label without such a token is dropped). Ads in languages the labeller
does not cover (language.py) get no angle or offer and CTA `unknown`, `labelled` False.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from creative_workbench.research import copy_model, language
from creative_workbench.research.lexicon import ANGLE_NAMES, OFFER_NAMES
from creative_workbench.research.messaging import CTA_PATTERN, label_copy

UNKNOWN = "unknown"
NONE = "none"
BUTTON_CONFIDENCE = 1.0
OFFER_LABELS = {
    "discount": "discount_pct",
    "free_shipping": "free_shipping",
    "trial": "free_trial",
    "bundle": "bundle",
    "price_point": "price_point",
}


def _targets() -> list[tuple[str, str, str]]:
    """(column prefix, model label, family) for every angle and offer."""
    angles = [(f"angle_{key}", f"angle:{key}", "angle") for key in ANGLE_NAMES]
    offers = [(f"offer_{key}", f"offer:{OFFER_LABELS[key]}", "offer") for key in OFFER_NAMES]
    return angles + offers


def add_model_labels(
    labelled: pl.DataFrame,
    text_col: str,
    *,
    has_button: str | bool = False,
    button_col: str | None = None,
    lang_col: str | None = None,
    model: copy_model.CopyModel | None = None,
) -> pl.DataFrame:
    """Combine label_copy's rule labels in LABELLED (eager) with the learned layer.

    Args:
        labelled: label_copy output.
        text_col: the copy the rules read.
        has_button: whether the source has a CTA button field (a bool, or a bool column):
            without one, an ad with no CTA phrase gets CTA `unknown` instead of `none`.
        button_col: the button label column label_copy read first, if any: a CTA from a
            button is kept for ads in uncovered languages (it is a platform field, not copy).
        lang_col: a column of declared ISO 639-1 codes (null = detect from the copy).
        model: the artefact (default: the packaged one).

    Returns:
        LABELLED with the angle / offer columns updated and, per label, `<prefix>_source`
        and `<prefix>_confidence`; `cta_source`, `cta_confidence`; `language`, `labelled`.
    """
    model = model or copy_model.load_model()
    texts = labelled[text_col].fill_null("")
    lang = language.detect(texts)
    if lang_col is not None:
        lang = labelled[lang_col].cast(pl.String).fill_null(lang).alias("language")
    covered = pl.select(language.is_covered(pl.lit(lang))).to_series().to_numpy()

    distinct = pl.DataFrame({"t": texts}).unique(maintain_order=True).with_row_index("d")
    inverse = pl.DataFrame({"t": texts}).join(distinct, on="t", how="left", maintain_order="left")
    inverse = inverse["d"].to_numpy().astype(np.int64)
    scores = copy_model.score_texts(distinct["t"], model)
    confidence = scores.confidence[inverse]

    rule_hits = {
        prefix: labelled[f"{prefix}_evidence"].is_not_null().to_numpy() & covered
        for prefix, _, _ in _targets()
    }
    silent = {
        family: ~np.any([rule_hits[p] for p, _, f in _targets() if f == family], axis=0)
        for family in ("angle", "offer")
    }
    columns = []
    for prefix, label, family in _targets():
        k = model.index(label)
        rule = rule_hits[prefix]
        hit = (confidence[:, k] >= model.thresholds[k]) & covered
        mode = model.modes[k]
        keep = {
            "rules": rule,
            "union": rule | hit,
            "fill": rule | (hit & silent[family]),
        }[mode]
        evidence = labelled[f"{prefix}_evidence"].clone()
        rows = np.flatnonzero(keep & ~rule)
        tops = copy_model.top_tokens(scores, k, np.unique(inverse[rows]))
        tokens = pl.Series([tops.get(d) for d in inverse[rows]], dtype=pl.String)
        evidence = evidence.scatter(rows, tokens) if len(rows) else evidence
        keep &= evidence.is_not_null().to_numpy()
        evidence = pl.select(pl.when(pl.lit(keep)).then(pl.lit(evidence))).to_series()
        conf = np.where(rule, model.rule_precision[k], confidence[:, k])
        kept, by_rule = pl.lit(pl.Series(keep)), pl.lit(pl.Series(rule))
        columns += [
            evidence.alias(f"{prefix}_evidence"),
            pl.when(kept)
            .then(pl.when(by_rule).then(pl.lit("rule")).otherwise(pl.lit("model")))
            .alias(f"{prefix}_source"),
            pl.when(kept).then(pl.lit(pl.Series(conf))).alias(f"{prefix}_confidence"),
        ]
    out = labelled.with_columns(*columns, lang.alias("language"))
    button = pl.lit(False)
    if button_col is not None:
        button = pl.col(button_col).fill_null("").str.contains(CTA_PATTERN)
    out = out.with_columns(pl.Series("labelled", covered), button.alias("_cta_from_button"))
    return _derived(out, has_button, model).drop("_cta_from_button")


def _derived(out: pl.DataFrame, has_button: str | bool, model: copy_model.CopyModel):
    """Recompute the summary columns (angles, offers, CTA) from the per-label columns."""
    angle = {key: pl.col(f"angle_{key}_evidence").is_not_null() for key in ANGLE_NAMES}
    offer = {key: pl.col(f"offer_{key}_evidence").is_not_null() for key in OFFER_NAMES}
    best = pl.max_horizontal(
        pl.when(angle[key]).then(pl.col(f"angle_{key}_confidence")) for key in ANGLE_NAMES
    )
    fallback = pl.lit(NONE)
    for key, name in reversed(list(ANGLE_NAMES.items())):
        is_best = angle[key] & (pl.col(f"angle_{key}_confidence") == best)
        fallback = pl.when(is_best).then(pl.lit(name)).otherwise(fallback)
    button = pl.col(has_button) if isinstance(has_button, str) else pl.lit(has_button)
    no_cta = pl.col("cta") == NONE
    from_button = pl.col("_cta_from_button")
    unknown = (~pl.col("labelled") & ~from_button) | (no_cta & ~button.fill_null(False))
    return out.with_columns(
        *[angle[key].alias(f"angle_{key}") for key in ANGLE_NAMES],
        pl.concat_list(pl.when(angle[key]).then(pl.lit(name)) for key, name in ANGLE_NAMES.items())
        .list.drop_nulls()
        .alias("angles"),
        pl.when(~pl.col("labelled"))
        .then(pl.lit(NONE))
        .when(pl.col("primary_angle") == NONE)
        .then(fallback)
        .otherwise(pl.col("primary_angle"))
        .alias("primary_angle"),
        *[offer[key].alias(f"offer_{key}") for key in ("free_shipping", "trial", "bundle")],
        pl.concat_list(pl.when(offer[key]).then(pl.lit(name)) for key, name in OFFER_NAMES.items())
        .list.drop_nulls()
        .alias("offers"),
        _strongest(offer).alias("offer"),
        pl.when(unknown).then(pl.lit(UNKNOWN)).otherwise(pl.col("cta")).alias("cta"),
        pl.when(~pl.col("labelled"))
        .then(None)
        .otherwise(pl.col("cta_evidence"))
        .alias("cta_evidence"),
        pl.when(unknown | no_cta).then(None).otherwise(pl.lit("rule")).alias("cta_source"),
        pl.when(unknown | no_cta)
        .then(None)
        .when(from_button)
        .then(pl.lit(BUTTON_CONFIDENCE))
        .otherwise(pl.lit(model.meta.get("cta_text_precision", 0.9)))
        .alias("cta_confidence"),
    )


def _strongest(offer: dict[str, pl.Expr]) -> pl.Expr:
    """The strongest offer present: discount, free shipping, trial, bundle, then price."""
    label = pl.lit(NONE)
    for key in reversed(list(OFFER_NAMES)):
        label = pl.when(offer[key]).then(pl.lit(OFFER_NAMES[key])).otherwise(label)
    return label


def label_texts(
    frame: pl.DataFrame,
    text_col: str,
    *,
    button_col: str | None = None,
    lang_col: str | None = None,
    model: copy_model.CopyModel | None = None,
) -> pl.DataFrame:
    """Label a table of ad copy (eager): rules, learned layer, CTA from BUTTON_COL first.

    Each distinct (text, button, language) is labelled once and gathered back (ads repeat).
    Without BUTTON_COL, ads with no CTA phrase in the copy get CTA `unknown`.
    """
    keys = [c for c in (text_col, button_col, lang_col) if c is not None]
    distinct = frame.select(keys).unique(maintain_order=True).with_row_index("_distinct")
    cols = [button_col, text_col] if button_col else [text_col]
    labelled = add_model_labels(
        label_copy(distinct.drop("_distinct"), text_col, cta_cols=cols),
        text_col,
        has_button=button_col is not None,
        button_col=button_col,
        lang_col=lang_col,
        model=model,
    )
    # Gather by row number (one integer join, then a take) rather than joining the ~70
    # label columns on the text keys: same rows, about a third less work at 1M ads.
    if set(frame.columns) & (set(labelled.columns) - set(keys)):  # names the join suffixes
        return frame.join(labelled, on=keys, how="left", nulls_equal=True, maintain_order="left")
    rows = frame.select(keys).join(
        distinct, on=keys, how="left", nulls_equal=True, maintain_order="left"
    )
    return pl.concat([frame, labelled.drop(keys)[rows["_distinct"]]], how="horizontal")
