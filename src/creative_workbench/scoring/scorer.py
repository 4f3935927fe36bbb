"""CreativeScorer: predicted CTR and CVR of a creative from its attributes, with intervals.

Each rate is an XGBoost ``binary:logistic`` model on the observed fraction
(clicks/impressions, conversions/clicks) weighted by its trials, which is the binomial
likelihood of every single impression. Intervals come from quantile models: out-of-fold,
each creative's shrunk observed rate is compared with what a model that never saw it
predicts (logit scale); quantile models learn how far creatives with given attributes land
from their prediction, and the interval is the prediction moved by those quantiles.
Evaluation reports the empirical coverage on held-out creatives.

Unknown values are neutral: a categorical value seen in fewer than ``min_category_rows``
training rows, or never, predicts what the attribute's known values predict on average
(impression-weighted), and its contribution is zero (see ``scoring.unknowns``).

Prediction: boosters of single-split trees (the default) are compiled into one lookup
table per attribute (``additive.AdditiveModel``), exact and several times faster than
XGBoost's predict on large candidate tables; deeper models use XGBoost's inplace predict.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import xgboost as xgb
from scipy.special import expit, logit
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from creative_workbench.config import ModelSettings
from creative_workbench.errors import DataError
from creative_workbench.scoring.additive import AdditiveModel
from creative_workbench.scoring.contributions import (
    attribute_contributions,
    categorical_weights,
    training_centres,
)
from creative_workbench.scoring.features import (
    CREATIVE_FEATURES,
    MIN_CATEGORY_ROWS,
    TARGETS,
    FeatureEncoder,
    FeatureSpec,
    aggregate_counts,
    check_columns,
    known_rows,
)
from creative_workbench.scoring.persistence import load_scorer, save_scorer
from creative_workbench.scoring.shrinkage import fit_beta_prior, shrunk_rate
from creative_workbench.scoring.unknowns import marginalise

OOF_FOLDS = 4
PARALLEL_ROWS = 50_000
DEFAULTS = ModelSettings()


def free_cores() -> int:
    """Cores not busy with other work: usable cores minus the 1-minute load average
    (less this process's own share of one core), at least 1."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        others = max(0.0, os.getloadavg()[0] - 1.0)
    except OSError:
        others = 0.0
    return max(1, round((cores or 1) - others))


class CreativeScorer(BaseEstimator):
    """Predict CTR and CVR (conversions per click) with intervals; sklearn conventions.

    Args:
        features: attribute columns (default: creative attributes).
        n_estimators, max_depth, learning_rate, min_child_weight, reg_lambda, subsample:
            XGBoost settings of the rate models (min_child_weight in binomial information,
            roughly expected clicks per leaf; cvr_min_child_weight for the conversion model,
            whose leaves hold far fewer events). The default depth 1 makes the model additive
            in the attributes on the log-odds scale, each effect of any shape (a boosted
            GAM), so explanations are exact; raise max_depth to learn interactions.
        interval_level: central coverage of the prediction intervals.
        interval_estimators: trees in each quantile (interval) model.
        min_creatives, min_clicks, min_conversions: the least data fit accepts (CVR is
            skipped, not refused, below min_conversions).
        nthread, random_state: XGBoost threads at most (used for tables of at least
            PARALLEL_ROWS rows and only on cores the load average leaves free: on a busy
            2-core machine 2 threads trained 17x slower than 1, with identical trees;
            smaller fits run single-threaded) and seed.
    """

    def __init__(
        self,
        features: FeatureSpec | None = None,
        n_estimators: int = DEFAULTS.n_estimators,
        max_depth: int = DEFAULTS.max_depth,
        learning_rate: float = DEFAULTS.learning_rate,
        min_child_weight: float = DEFAULTS.min_child_weight,
        cvr_min_child_weight: float = DEFAULTS.cvr_min_child_weight,
        reg_lambda: float = DEFAULTS.reg_lambda,
        subsample: float = DEFAULTS.subsample,
        interval_level: float = DEFAULTS.interval_level,
        interval_estimators: int = DEFAULTS.interval_estimators,
        min_creatives: int = 30,
        min_clicks: int = 200,
        min_conversions: int = 30,
        min_category_rows: int = MIN_CATEGORY_ROWS,
        nthread: int = 2,
        random_state: int = 0,
    ) -> None:
        self.features = features
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.min_child_weight = min_child_weight
        self.cvr_min_child_weight = cvr_min_child_weight
        self.reg_lambda = reg_lambda
        self.subsample = subsample
        self.interval_level = interval_level
        self.interval_estimators = interval_estimators
        self.min_creatives = min_creatives
        self.min_clicks = min_clicks
        self.min_conversions = min_conversions
        self.min_category_rows = min_category_rows
        self.nthread = nthread
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------------------
    def fit(self, X: pl.DataFrame, y: Any = None, intervals: bool = True) -> CreativeScorer:
        """Fit on rows of attributes plus impressions, clicks and conversions counts.

        An optional ``creative_id`` column groups rows of one creative for the intervals.
        Without INTERVALS only the rate models are fitted (for searches: predict_rate only).
        """
        spec = self.features or CREATIVE_FEATURES
        check_columns(X, ("impressions", "clicks", "conversions"), "training table")
        self._check_enough(X)
        self.encoder_ = FeatureEncoder(spec, min_rows=self.min_category_rows).fit(X)
        self.feature_names_in_ = np.array(self.encoder_.feature_names, dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        self.boosters_: dict[str, xgb.Booster] = {}
        self.interval_boosters_: dict[str, xgb.Booster] = {}
        self.notes_: list[str] = []
        for target, (successes, trials) in TARGETS.items():
            if target == "cvr" and int(X.get_column("conversions").sum()) < self.min_conversions:
                self.notes_.append(
                    f"conversion model skipped: fewer than {self.min_conversions} conversions"
                )
                continue
            self.boosters_[target] = self._fit_rate(X, self.encoder_, successes, trials)
            if intervals:
                units = self._units(known_rows(X, target), spec)
                self.interval_boosters_[target] = self._fit_interval(units, successes, trials)
        self.n_rows_ = X.height
        self.n_creatives_ = self._units(X, spec).height
        self.additive_ = self._compile()
        self.centres_ = training_centres(self, X) if intervals else {}
        return self

    def _check_enough(self, X: pl.DataFrame) -> None:
        shown = X.filter(pl.col("impressions") > 0)
        creatives = (
            shown.get_column("creative_id").n_unique()
            if "creative_id" in X.columns
            else shown.height
        )
        clicks = int(shown.get_column("clicks").sum())
        if creatives < self.min_creatives or clicks < self.min_clicks:
            raise DataError(
                f"too little data to train: {creatives} creatives with impressions and "
                f"{clicks} clicks; need at least {self.min_creatives} creatives and "
                f"{self.min_clicks} clicks (add more performance exports)"
            )

    def _units(self, X: pl.DataFrame, spec: FeatureSpec) -> pl.DataFrame:
        """One row per creative (static attributes + summed counts)."""
        static = list(spec.static.columns)
        if "creative_id" not in X.columns:
            return aggregate_counts(X, static)
        counts = aggregate_counts(X, ["creative_id"])
        firsts = X.group_by("creative_id", maintain_order=True).agg(pl.col(static).first())
        return counts.join(firsts, on="creative_id", how="left")

    @staticmethod
    def _target(successes: str) -> str:
        return next(t for t, (s, _) in TARGETS.items() if s == successes)

    def _threads(self, rows: int) -> int:
        return max(1, min(self.nthread, free_cores())) if rows >= PARALLEL_ROWS else 1

    def _params(self, objective: str, rows: int, **extra: Any) -> dict[str, Any]:
        return {
            "objective": objective,
            "tree_method": "hist",
            "max_depth": self.max_depth,
            "eta": self.learning_rate,
            "nthread": self._threads(rows),
            "seed": self.random_state,
            "max_cat_to_onehot": 1,
            "max_bin": 128,
            **extra,
        }

    def _matrix(
        self,
        frame: pl.DataFrame,
        encoder: FeatureEncoder | None = None,
        named: bool = True,
        **kwargs: Any,
    ) -> xgb.DMatrix:
        encoder = encoder or self.encoder_
        return xgb.DMatrix(
            encoder.transform(frame),
            feature_names=encoder.feature_names if named else None,
            feature_types=encoder.feature_types,
            enable_categorical=True,
            nthread=self._threads(frame.height),
            **kwargs,
        )

    @staticmethod
    def _train(
        params: dict[str, Any], data: xgb.DMatrix, rounds: int, encoder: FeatureEncoder
    ) -> xgb.Booster:
        """xgb.train on an unnamed matrix (XGBoost re-reads names every round, which
        dominates small fits), then name the booster's features."""
        booster = xgb.train(params, data, num_boost_round=rounds)
        booster.feature_names = encoder.feature_names
        booster.feature_types = encoder.feature_types
        return booster

    def _fit_rate(
        self,
        rows: pl.DataFrame,
        encoder: FeatureEncoder,
        successes: str,
        trials: str,
        rounds: int | None = None,
    ) -> xgb.Booster:
        rows = known_rows(rows, self._target(successes))
        rows = aggregate_counts(rows, list(encoder.spec.columns)).filter(pl.col(trials) > 0)
        n = rows.get_column(trials).to_numpy().astype(float)
        s = np.minimum(rows.get_column(successes).to_numpy().astype(float), n)
        base = float(np.clip(s.sum() / n.sum(), 1e-6, 1 - 1e-6))
        data = self._matrix(rows, encoder, named=False, label=s / n, weight=n)
        params = self._params(
            "binary:logistic",
            rows.height,
            min_child_weight=self.cvr_min_child_weight
            if successes == TARGETS["cvr"][0]
            else self.min_child_weight,
            reg_lambda=self.reg_lambda,
            subsample=self.subsample,
            base_score=base,
        )
        return self._train(params, data, rounds or self.n_estimators, encoder)

    def _fit_interval(self, units: pl.DataFrame, successes: str, trials: str) -> xgb.Booster:
        """Quantile models of out-of-fold logit residuals, on static attributes."""
        units = units.filter(pl.col(trials) > 0)
        static = self.encoder_.subset(self.encoder_.spec.static)
        n = units.get_column(trials).to_numpy().astype(float)
        s = units.get_column(successes).to_numpy().astype(float)
        observed = logit(np.clip(shrunk_rate(s, n, fit_beta_prior(s, n)), 1e-6, 1 - 1e-6))
        folds = np.random.default_rng(self.random_state).integers(0, OOF_FOLDS, units.height)
        held_out = np.zeros(units.height)
        for fold in range(OOF_FOLDS):
            inside = folds != fold
            if inside.all() or not inside.any():
                continue
            booster = self._fit_rate(units.filter(pl.Series(inside)), static, successes, trials)
            held_out[~inside] = booster.predict(
                self._matrix(units.filter(pl.Series(~inside)), static)
            )
        residual = observed - logit(np.clip(held_out, 1e-6, 1 - 1e-6))
        tail = (1.0 - self.interval_level) / 2.0
        params = self._params(
            "reg:quantileerror",
            units.height,
            quantile_alpha=np.array([tail, 1 - tail]),
            min_child_weight=max(5.0, units.height / 40),
            reg_lambda=1.0,
        )
        params |= {
            "max_depth": min(self.max_depth, 2),
            "eta": 0.1,
            "base_score": float(np.median(residual)),
        }
        data = self._matrix(units, static, named=False, label=residual)
        return self._train(params, data, self.interval_estimators, static)

    # -- prediction ------------------------------------------------------------------------
    def _boosters(self) -> dict[str, tuple[xgb.Booster, list[str]]]:
        """Every booster by output key ('ctr', 'ctr_interval', ...) with its matrix columns."""
        static = self.encoder_.subset(self.encoder_.spec.static).feature_names
        found = {t: (b, self.encoder_.feature_names) for t, b in self.boosters_.items()}
        found |= {f"{t}_interval": (b, static) for t, b in self.interval_boosters_.items()}
        return found

    def _compile(self) -> AdditiveModel | None:
        """The boosters as per-attribute lookup tables (None when trees are deeper)."""
        encoder = self.encoder_
        types = dict(zip(encoder.feature_names, encoder.feature_types, strict=True))
        codes = {column: len(values) for column, values in encoder.categories.items()}
        compiled = AdditiveModel.compile(self._boosters(), types, codes)
        return None if compiled is None else compiled.with_neutral_unknowns(encoder.weights)

    def _categorical_weights(self, names: list[str]) -> dict[int, np.ndarray]:
        return categorical_weights(self.encoder_, names)

    def _margins(self, X: pl.DataFrame, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
        """Raw margins of the boosters KEYS for rows X (quantile models: one column each)."""
        check_is_fitted(self)
        columns = self.encoder_.columns(X)
        if self.additive_ is not None:
            margins = self.additive_.margins(columns)
            found = {k: margins[:, self.additive_.outputs[k]] for k in keys}
            return {k: m[:, 0] if m.shape[1] == 1 else m for k, m in found.items()}
        boosters = self._boosters()
        found = {}
        for key in keys:
            booster, names = boosters[key]
            matrix = np.column_stack([columns[n] for n in names]).astype(np.float32)
            found[key] = marginalise(
                lambda m, b=booster: b.inplace_predict(m, predict_type="margin"),
                matrix,
                self._categorical_weights(names),
            )
        return found

    def predict_rate(self, X: pl.DataFrame, target: str = "ctr") -> np.ndarray:
        """Predicted rate per row (NaN for CVR when no conversion model was fitted)."""
        check_is_fitted(self)
        if target not in self.boosters_:
            return np.full(X.height, np.nan)
        return expit(self._margins(X, (target,))[target].astype(np.float64))

    def predict_interval(
        self, X: pl.DataFrame, target: str = "ctr", rate: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds (interval_level) of each row's rate."""
        check_is_fitted(self)
        if target not in self.interval_boosters_:
            return np.full(X.height, np.nan), np.full(X.height, np.nan)
        rate = self.predict_rate(X, target) if rate is None else rate
        shift = self._margins(X, (f"{target}_interval",))[f"{target}_interval"]
        return self._bounds(rate, shift)

    @staticmethod
    def _bounds(rate: np.ndarray, shift: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        centre = logit(np.clip(rate, 1e-6, 1 - 1e-6))[:, None]
        bounds = expit(centre + np.sort(shift, axis=1))
        return np.minimum(bounds[:, 0], rate), np.maximum(bounds[:, 1], rate)

    def predict(self, X: pl.DataFrame) -> pl.DataFrame:
        """ctr, ctr_lower, ctr_upper, cvr, cvr_lower, cvr_upper per row."""
        check_is_fitted(self)
        keys = tuple(self.boosters_) + tuple(f"{t}_interval" for t in self.interval_boosters_)
        margins = self._margins(X, keys)
        columns: dict[str, np.ndarray] = {}
        nothing = np.full(X.height, np.nan)
        for target in TARGETS:
            if target in self.boosters_:
                rate = expit(margins[target].astype(np.float64))
                lower, upper = self._bounds(rate, margins[f"{target}_interval"])
            else:
                rate, lower, upper = nothing, nothing, nothing
            columns |= {target: rate, f"{target}_lower": lower, f"{target}_upper": upper}
        return pl.DataFrame({k: v.astype(np.float64) for k, v in columns.items()})

    def contributions(self, X: pl.DataFrame, target: str = "ctr") -> np.ndarray:
        """Per-row, per-attribute log-odds contributions; the last column is the bias.
        A value without history contributes exactly 0; the row still sums to its margin."""
        check_is_fitted(self)
        return attribute_contributions(self, X, target)

    # -- persistence (XGBoost's own format + JSON; never pickle) ---------------------------
    def save(self, folder: Path) -> list[Path]:
        """Write the boosters as UBJ and the encoder/settings as scorer.json into FOLDER."""
        check_is_fitted(self)
        return save_scorer(self, folder)

    @classmethod
    def load(cls, folder: Path) -> CreativeScorer:
        """Read a scorer written by save()."""
        scorer = load_scorer(cls, folder)
        scorer.additive_ = scorer._compile()
        return scorer
