"""Compiled depth-1 boosters predict exactly what XGBoost predicts; deeper ones fall back."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import xgboost as xgb

from creative_workbench.scoring.additive import AdditiveModel, booster_steps
from creative_workbench.scoring.features import CREATIVE_FEATURES
from creative_workbench.scoring.scorer import CreativeScorer
from tests.unit.scoring.test_scorer import history

NAMES = ["colour", "size", "length", "shape"]
TYPES = ["c", "q", "q", "c"]
CODES = {"colour": 5, "shape": 3}


def matrix(rows: int, seed: int) -> np.ndarray:
    """Codes and numbers with missing values, values on a grid (so splits get hit exactly)."""
    rng = np.random.default_rng(seed)
    x = np.column_stack(
        [
            rng.integers(0, 5, rows),
            rng.integers(0, 20, rows) / 4,
            rng.normal(size=rows),
            rng.integers(0, 3, rows),
        ]
    ).astype(np.float32)
    x[rng.random(x.shape) < 0.08] = np.nan
    return x


def trained(objective: str, depth: int, columns: int = 4, **extra) -> xgb.Booster:
    x = matrix(3000, 0)[:, :columns]
    rng = np.random.default_rng(1)
    effect = np.nan_to_num(x[:, 0] == 2) * 0.8 + np.nan_to_num(x[:, 1]) * 0.2
    if objective == "binary:logistic":
        label = rng.binomial(50, 1 / (1 + np.exp(3 - effect))) / 50
    else:
        label = effect + rng.normal(size=len(x))
    data = xgb.DMatrix(
        x,
        label=label,
        feature_names=NAMES[:columns],
        feature_types=TYPES[:columns],
        enable_categorical=True,
    )
    params = {"objective": objective, "max_depth": depth, "max_cat_to_onehot": 1, **extra}
    return xgb.train(params | {"nthread": 1, "seed": 0}, data, num_boost_round=60)


def reference(booster: xgb.Booster, x: np.ndarray) -> np.ndarray:
    columns = x.shape[1]
    data = xgb.DMatrix(
        x, feature_names=NAMES[:columns], feature_types=TYPES[:columns], enable_categorical=True
    )
    return booster.predict(data, output_margin=True)


def test_compiled_stumps_match_xgboost_margins_exactly():
    rate = trained("binary:logistic", 1)
    quantiles = trained("reg:quantileerror", 1, 3, quantile_alpha=np.array([0.1, 0.9]))
    types = dict(zip(NAMES, TYPES, strict=True))
    model = AdditiveModel.compile(
        {"rate": (rate, NAMES), "band": (quantiles, NAMES[:3])}, types, CODES
    )
    assert model is not None
    x = matrix(5000, 2)
    x[:5, 0] = [7, -1, np.nan, 4, 0]  # unseen codes behave like XGBoost's
    margins = model.margins(dict(zip(NAMES, x.T, strict=True)))
    assert margins.shape == (5000, 3)
    assert np.abs(margins[:, model.outputs["rate"]][:, 0] - reference(rate, x)).max() < 1e-5
    band = reference(quantiles, x[:, :3])
    assert np.abs(margins[:, model.outputs["band"]] - band).max() < 1e-5
    only_rate = model.margins(dict(zip(NAMES, x.T, strict=True)), "rate")
    assert np.array_equal(only_rate, margins[:, :1])


def test_deeper_trees_do_not_compile():
    booster = trained("binary:logistic", 2)
    assert booster_steps(booster, NAMES, TYPES, CODES) is None
    types = dict(zip(NAMES, TYPES, strict=True))
    assert AdditiveModel.compile({"rate": (booster, NAMES)}, types, CODES) is None


@pytest.fixture(scope="module")
def rows() -> pl.DataFrame:
    return history(creatives=50, days=12)


@pytest.mark.parametrize("depth", [1, 2])
def test_scorer_predicts_what_its_boosters_predict(rows, depth):
    scorer = CreativeScorer(n_estimators=80, interval_estimators=20, max_depth=depth).fit(rows)
    assert (scorer.additive_ is None) == (depth > 1)
    encoder = scorer.encoder_
    static = encoder.subset(CREATIVE_FEATURES.static)

    def data(enc):
        return xgb.DMatrix(
            enc.transform(rows),
            feature_names=enc.feature_names,
            feature_types=enc.feature_types,
            enable_categorical=True,
        )

    predicted = scorer.predict(rows)
    for target in ("ctr", "cvr"):
        rate = scorer.boosters_[target].predict(data(encoder))
        assert np.abs(predicted[target].to_numpy() - rate).max() < 1e-6
        shift = np.sort(scorer.interval_boosters_[target].predict(data(static)), axis=1)
        logit = np.log(rate / (1 - rate))[:, None] + shift
        lower = np.minimum(1 / (1 + np.exp(-logit[:, 0])), rate)
        assert np.abs(predicted[f"{target}_lower"].to_numpy() - lower).max() < 1e-6
    assert np.array_equal(scorer.predict_rate(rows, "ctr"), predicted["ctr"].to_numpy())
