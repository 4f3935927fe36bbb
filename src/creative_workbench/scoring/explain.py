"""Why the model predicts what it does, in the creative attributes' own words.

Per prediction: one contribution per attribute on the log-odds scale (the additive model's
term minus its training average, or XGBoost's SHAP values for deeper models), summing with
the bias to the prediction. A value without history contributes 0 and reads "new value —
no history". Globally: the mean absolute contribution of each attribute over a table.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from creative_workbench.scoring.features import DELIVERY_COLUMNS, MISSING, NEW_VALUE, label
from creative_workbench.scoring.scorer import CreativeScorer


def contributions(
    scorer: CreativeScorer, frame: pl.DataFrame, target: str = "ctr", id_col: str = "creative_id"
) -> pl.DataFrame:
    """Long table: id, attribute (label), value (as written), contribution (log-odds)."""
    values = scorer.contributions(frame, target)[:, :-1]
    matrix = scorer.encoder_.transform(frame)
    names = scorer.encoder_.feature_names
    ids = (
        frame.get_column(id_col).cast(pl.Utf8).to_list()
        if id_col in frame.columns
        else [str(i) for i in range(frame.height)]
    )
    parts = []
    for j, name in enumerate(names):
        shown = scorer.encoder_.decode(name, matrix[:, j])
        if name in scorer.encoder_.categories:
            raw = frame.get_column(name).cast(pl.Utf8).fill_null(MISSING).to_list()
            shown = [
                f"{r} ({NEW_VALUE})" if v == NEW_VALUE else v
                for r, v in zip(raw, shown, strict=True)
            ]
        parts.append(
            pl.DataFrame(
                {
                    id_col: ids,
                    "attribute": [label(name)] * frame.height,
                    "value": shown,
                    "contribution": values[:, j].astype(np.float64),
                }
            )
        )
    return pl.concat(parts)


def describe(attribute: str, value: str, contribution: float) -> str:
    """'angle = social_proof raises it (+0.19)'; a value without history says so."""
    if NEW_VALUE in value:
        return f"{attribute} = {value}: no credit or blame (0.00)"
    verb = "raises" if contribution >= 0 else "lowers"
    return f"{attribute} = {value} {verb} it ({contribution:+.2f})"


def top_reasons(
    scorer: CreativeScorer,
    frame: pl.DataFrame,
    target: str = "ctr",
    k: int = 3,
    id_col: str = "creative_id",
    exclude: tuple[str, ...] = DELIVERY_COLUMNS,
) -> pl.DataFrame:
    """The K creative attributes that move each prediction most, as sentences, per id
    (several rows per id, e.g. days of a week, are averaged; EXCLUDE are left out)."""
    skip = [label(c) for c in exclude]
    long = contributions(scorer, frame, target, id_col).filter(~pl.col("attribute").is_in(skip))
    mean = long.group_by(id_col, "attribute", maintain_order=True).agg(
        pl.col("contribution").mean(),
        pl.when(pl.col("value").n_unique() == 1)
        .then(pl.col("value").first())
        .otherwise(pl.lit("(varies)"))
        .alias("value"),
    )
    new = pl.col("value").str.contains(NEW_VALUE, literal=True)
    ranked = mean.with_columns(
        pl.col("contribution").abs().rank("ordinal", descending=True).over(id_col).alias("_r")
    )
    top = ranked.filter((pl.col("_r") <= k) | new).sort(id_col, "_r")
    sentences = [
        describe(a, v, c)
        for a, v, c in top.select("attribute", "value", "contribution").iter_rows()
    ]
    return (
        top.with_columns(pl.Series("reason", sentences, dtype=pl.Utf8))
        .group_by(id_col, maintain_order=True)
        .agg(pl.col("reason").alias("reasons"))
    )


def global_importance(
    scorer: CreativeScorer, frame: pl.DataFrame, target: str = "ctr"
) -> pl.DataFrame:
    """Mean |contribution| per attribute (log-odds) and its share, largest first."""
    values = np.abs(scorer.contributions(frame, target)[:, :-1]).mean(axis=0)
    total = values.sum() or 1.0
    return pl.DataFrame(
        {
            "attribute": [label(n) for n in scorer.encoder_.feature_names],
            "mean_abs_contribution": values.astype(np.float64),
            "share": (values / total).astype(np.float64),
        }
    ).sort("mean_abs_contribution", descending=True)


def effect_by_value(
    scorer: CreativeScorer, frame: pl.DataFrame, attribute: str, target: str = "ctr"
) -> pl.DataFrame:
    """Mean contribution of each value of one attribute (what 'social_proof' is worth)."""
    long = contributions(scorer, frame, target)
    return (
        long.filter(pl.col("attribute") == label(attribute))
        .group_by("value")
        .agg(pl.col("contribution").mean(), pl.len().alias("creatives"))
        .sort("contribution", descending=True)
    )
