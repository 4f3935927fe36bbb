"""Per-attribute contributions of a fitted CreativeScorer, measured from the training
average, so an attribute at its average (or unknown: no history) contributes exactly 0.

Compiled (depth-1) models: each attribute's lookup-table term minus its impression-weighted
training mean. Deeper models: XGBoost's SHAP values (``pred_contribs``), averaged over the
known values of unknown cells like the prediction itself (``scoring.unknowns``), with
unknown attributes at 0. In both, the bias column makes each row sum to its margin.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import xgboost as xgb

from creative_workbench.scoring.features import FeatureEncoder
from creative_workbench.scoring.unknowns import marginalise


def categorical_weights(encoder: FeatureEncoder, names: list[str]) -> dict[int, np.ndarray]:
    """Matrix column -> training weight per category code (uniform for models saved
    before weights were recorded)."""
    return {
        j: np.asarray(encoder.weights.get(n, [1.0] * len(encoder.categories[n])), float)
        for j, n in enumerate(names)
        if n in encoder.categories
    }


def training_centres(scorer: Any, X: pl.DataFrame) -> dict[str, list[float]]:
    """Impression-weighted mean margin term of each feature over the training rows X, per
    target (empty when the model does not compile)."""
    if scorer.additive_ is None:
        return {}
    encoder = scorer.encoder_
    columns = encoder.columns(X)
    weight = X.get_column("impressions").cast(pl.Float64).fill_null(0).to_numpy()
    weight = weight if weight.sum() > 0 else np.ones(X.height)
    centres: dict[str, list[float]] = {}
    for target in scorer.boosters_:
        terms = scorer.additive_.terms(columns, target)
        centres[target] = [
            float(np.average(terms[n], weights=weight)) if n in terms else 0.0
            for n in encoder.feature_names
        ]
    return centres


def attribute_contributions(scorer: Any, X: pl.DataFrame, target: str) -> np.ndarray:
    """Rows x (attributes + bias) log-odds contributions of a fitted scorer."""
    encoder = scorer.encoder_
    names = encoder.feature_names
    columns = encoder.columns(X)
    if scorer.additive_ is not None:
        terms = scorer.additive_.terms(columns, target)
        centres = scorer.centres_.get(target) or [0.0] * len(names)
        values = np.column_stack(
            [
                terms[n] - c if n in terms else np.zeros(X.height)
                for n, c in zip(names, centres, strict=True)
            ]
            + [np.zeros(X.height)]
        )
    else:
        booster = scorer.boosters_[target]
        matrix = np.column_stack([columns[n] for n in names]).astype(np.float32)

        def shap(m: np.ndarray) -> np.ndarray:
            data = xgb.DMatrix(
                m, feature_names=names, feature_types=encoder.feature_types, enable_categorical=True
            )
            return booster.predict(data, pred_contribs=True)

        values = marginalise(shap, matrix, categorical_weights(encoder, names))
        for j, n in enumerate(names):
            if n in encoder.categories:
                values[np.isnan(matrix[:, j]), j] = 0.0
    margin = scorer._margins(X, (target,))[target].astype(np.float64)
    values[:, -1] = margin - values[:, :-1].sum(axis=1)
    return values
