"""Neutral unknowns: a value without history (never seen, or in fewer than k rows) predicts
what the attribute's known values predict on average and contributes nothing, on both the
compiled (depth-1) and XGBoost (deeper) paths, before and after a save/load round trip."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy.special import logit

from creative_workbench.scoring.explain import contributions, top_reasons
from creative_workbench.scoring.features import NEW_VALUE
from creative_workbench.scoring.scorer import CreativeScorer
from tests.unit.scoring.test_scorer import history


@pytest.fixture(scope="module")
def rows() -> pl.DataFrame:
    """History plus 3 rows of a rare audience with an absurd click rate (below k = 5)."""
    base = history(creatives=60, days=10)
    rare = base.head(3).with_columns(
        pl.lit("rare_lookalike").alias("audience"),
        pl.col("impressions").alias("clicks"),
        pl.col("creative_id") + "_rare",
    )
    return pl.concat([base, rare])


@pytest.fixture(scope="module", params=[1, 2], ids=["compiled-depth1", "xgboost-depth2"])
def scorer(request, rows) -> CreativeScorer:
    return CreativeScorer(
        n_estimators=80, interval_estimators=20, max_depth=request.param, min_category_rows=5
    ).fit(rows)


def expected_unknown_margin(scorer: CreativeScorer, frame: pl.DataFrame, target: str):
    """The definition: impression-weighted mean margin over the attribute's known values."""
    known = scorer.encoder_.categories["audience"]
    weights = np.asarray(scorer.encoder_.weights["audience"], float)
    margins = [
        logit(scorer.predict_rate(frame.with_columns(pl.lit(v).alias("audience")), target))
        for v in known
    ]
    return np.average(np.stack(margins), axis=0, weights=weights)


def test_rare_values_are_not_categories(scorer):
    assert "rare_lookalike" not in scorer.encoder_.categories["audience"]
    assert scorer.encoder_.min_rows == 5


@pytest.mark.parametrize("target", ["ctr", "cvr"])
def test_unseen_rare_and_null_values_equal_the_unknown_prediction(scorer, rows, target):
    frame = rows.head(40)
    expected = expected_unknown_margin(scorer, frame, target)
    for value in ("never_seen_999", "rare_lookalike", None):
        candidate = frame.with_columns(pl.lit(value, pl.Utf8).alias("audience"))
        got = logit(scorer.predict_rate(candidate, target))
        assert np.abs(got - expected).max() < 1e-6, value
    predicted = scorer.predict(frame.with_columns(pl.lit("never_seen_999").alias("audience")))
    assert (predicted[f"{target}_lower"] <= predicted[target]).all()
    assert (predicted[target] <= predicted[f"{target}_upper"]).all()


def test_unknown_values_contribute_nothing_and_say_so(scorer, rows):
    frame = rows.head(5).with_columns(pl.lit("never_seen_999").alias("audience"))
    values = scorer.contributions(frame, "ctr")
    column = scorer.encoder_.feature_names.index("audience")
    assert np.abs(values[:, column]).max() == 0.0
    margin = logit(scorer.predict_rate(frame, "ctr"))
    assert np.abs(values.sum(axis=1) - margin).max() < 1e-5
    long = contributions(scorer, frame).filter(pl.col("attribute") == "audience")
    assert long.get_column("value").str.contains(NEW_VALUE, literal=True).all()
    reasons = top_reasons(scorer, frame, k=1).get_column("reasons").to_list()
    assert all(any("never_seen_999" in r and NEW_VALUE in r for r in rs) for rs in reasons)


def test_neutrality_survives_save_and_load(scorer, rows, tmp_path):
    scorer.save(tmp_path)
    loaded = CreativeScorer.load(tmp_path)
    frame = rows.head(20).with_columns(pl.lit("never_seen_999").alias("audience"))
    assert np.abs(loaded.predict_rate(frame) - scorer.predict_rate(frame)).max() < 1e-9
    assert np.abs(loaded.contributions(frame) - scorer.contributions(frame)).max() < 1e-6
