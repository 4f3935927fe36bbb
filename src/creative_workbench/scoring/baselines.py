"""Baselines reported beside the model every time: global rate, rate by creative type
(what producers use today), each entity's own history shrunk toward the global rate
(beta-binomial) and a logistic regression on the same attributes fitted to convergence.

Every estimator here and CreativeScorer share one protocol: ``fit(frame)`` on rows with
attributes plus impressions/clicks/conversions, ``predict_rate(frame, target)`` -> rates.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from creative_workbench.scoring.features import (
    CREATIVE_FEATURES,
    MISSING,
    TARGETS,
    FeatureSpec,
    aggregate_counts,
    known_rows,
)
from creative_workbench.scoring.shrinkage import fit_beta_prior

HISTORY_WEEKS = 4
LOGISTIC_MAX_ITER = 20_000


def _counts(frame: pl.DataFrame, target: str) -> tuple[np.ndarray, np.ndarray]:
    """Successes and trials per row; rows with unknown counts get 0 trials."""
    successes, trials = TARGETS[target]
    n = frame.get_column(trials).cast(pl.Float64).to_numpy()
    s = frame.get_column(successes).cast(pl.Float64).to_numpy()
    unknown = ~(np.isfinite(n) & np.isfinite(s))
    n, s = np.where(unknown, 0.0, n), np.where(unknown, 0.0, s)
    return np.minimum(s, n), n


class GlobalRate(BaseEstimator):
    """One pooled rate for every creative."""

    def fit(self, X: pl.DataFrame, y: object = None) -> GlobalRate:
        self.rates_ = {}
        for target in TARGETS:
            s, n = _counts(known_rows(X, target), target)
            self.rates_[target] = float(np.clip(s.sum() / max(n.sum(), 1.0), 1e-6, 1 - 1e-6))
        return self

    def predict_rate(self, X: pl.DataFrame, target: str = "ctr") -> np.ndarray:
        check_is_fitted(self)
        return np.full(X.height, self.rates_[target])


class RateByType(BaseEstimator):
    """Pooled rate per creative type (default: ad format), shrunk toward the global rate."""

    def __init__(self, columns: tuple[str, ...] = ("ad_format",)) -> None:
        self.columns = columns

    def fit(self, X: pl.DataFrame, y: object = None) -> RateByType:
        keys = list(self.columns)
        self.tables_: dict[str, pl.DataFrame] = {}
        self.global_ = GlobalRate().fit(X)
        for target in TARGETS:
            rows = known_rows(X, target).with_columns(self._key_exprs())
            groups = aggregate_counts(rows, keys)
            s, n = _counts(groups, target)
            prior = fit_beta_prior(s, n)
            rate = (s + prior.alpha) / (n + prior.strength)
            self.tables_[target] = groups.select(keys).with_columns(pl.Series("_rate", rate))
        return self

    def _key_exprs(self) -> list[pl.Expr]:
        return [pl.col(c).cast(pl.Utf8).fill_null(MISSING) for c in self.columns]

    def predict_rate(self, X: pl.DataFrame, target: str = "ctr") -> np.ndarray:
        check_is_fitted(self)
        keyed = X.select(self._key_exprs()).with_row_index("_row")
        joined = keyed.join(self.tables_[target], on=list(self.columns), how="left").sort("_row")
        rates = joined.get_column("_rate").to_numpy().astype(float)
        return np.where(np.isnan(rates), self.global_.rates_[target], rates)


class EntityHistory(BaseEstimator):
    """Each entity's (creative, keyword, ad) own past rate, beta-binomial shrunk toward the
    global rate; entities without history get the global rate. With dated rows only the
    last HISTORY_WEEKS weeks of each entity count (a recent rate, not a lifetime one)."""

    def __init__(self, entity: str = "creative_id", weeks: int = HISTORY_WEEKS) -> None:
        self.entity = entity
        self.weeks = weeks

    def fit(self, X: pl.DataFrame, y: object = None) -> EntityHistory:
        self.global_ = GlobalRate().fit(X)
        rows = X
        if "period_start" in X.columns and X.get_column("period_start").null_count() == 0:
            last = X.get_column("period_start").max()
            recent = X.filter(pl.col("period_start") > last - pl.duration(weeks=self.weeks))
            first = X.group_by(self.entity).agg(pl.col("period_start").max().alias("_last"))
            stale = first.filter(pl.col("_last") <= last - pl.duration(weeks=self.weeks))
            rows = pl.concat(
                [recent, X.join(stale.select(self.entity), on=self.entity, how="semi")],
                how="vertical_relaxed",
            )
        rows = rows.with_columns(pl.col(self.entity).cast(pl.Utf8))
        self.tables_: dict[str, pl.DataFrame] = {}
        for target in TARGETS:
            groups = aggregate_counts(known_rows(rows, target), [self.entity])
            s, n = _counts(groups, target)
            prior = fit_beta_prior(s, n)
            rate = (s + prior.alpha) / (n + prior.strength)
            self.tables_[target] = groups.select(self.entity).with_columns(pl.Series("_rate", rate))
        return self

    def predict_rate(self, X: pl.DataFrame, target: str = "ctr") -> np.ndarray:
        check_is_fitted(self)
        keyed = X.select(pl.col(self.entity).cast(pl.Utf8)).with_row_index("_row")
        joined = keyed.join(self.tables_[target], on=self.entity, how="left").sort("_row")
        rates = joined.get_column("_rate").to_numpy().astype(float)
        return np.where(np.isnan(rates), self.global_.rates_[target], rates)


class LogisticBaseline(BaseEstimator):
    """Weighted logistic regression on one-hot attributes and standardised numbers, fitted
    to convergence (in-sample it predicts the observed total: the intercept's score
    equation); ``converged_`` says whether the solver got there."""

    def __init__(self, features: FeatureSpec | None = None, C: float = 1.0) -> None:
        self.features = features
        self.C = C

    def _design(self, X: pl.DataFrame) -> np.ndarray:
        spec = self.features or CREATIVE_FEATURES
        blocks = []
        for column in spec.categorical:
            values = X.get_column(column).cast(pl.Utf8).fill_null(MISSING).to_numpy()
            blocks.append(
                (values[:, None] == np.array(self.levels_[column])[None, :]).astype(float)
            )
        if spec.numeric:
            numbers = X.select([pl.col(c).cast(pl.Float64) for c in spec.numeric]).to_numpy()
            numbers = np.where(np.isnan(numbers), self.means_, numbers)
            blocks.append((numbers - self.means_) / self.scales_)
        return np.hstack(blocks) if blocks else np.zeros((X.height, 0))

    def fit(self, X: pl.DataFrame, y: object = None) -> LogisticBaseline:
        spec = self.features or CREATIVE_FEATURES
        rows = aggregate_counts(X, list(spec.columns))
        self.levels_ = {
            c: sorted(rows.get_column(c).cast(pl.Utf8).fill_null(MISSING).unique().to_list())
            for c in spec.categorical
        }
        if spec.numeric:
            numbers = rows.select([pl.col(c).cast(pl.Float64) for c in spec.numeric]).to_numpy()
            with warnings.catch_warnings():  # an all-missing column: mean 0, scale 1
                warnings.simplefilter("ignore", RuntimeWarning)
                self.means_ = np.nan_to_num(np.nanmean(numbers, axis=0))
                self.scales_ = np.nan_to_num(np.nanstd(numbers, axis=0), nan=1.0)
            self.scales_[self.scales_ == 0] = 1.0
        self.models_: dict[str, LogisticRegression] = {}
        self.converged_: dict[str, bool] = {}
        for target in TARGETS:
            rows = aggregate_counts(known_rows(X, target), list(spec.columns))
            design = self._design(rows)
            s, n = _counts(rows, target)
            keep = n > 0
            if s[keep].sum() == 0:
                continue
            both = np.vstack([design[keep], design[keep]])
            labels = np.r_[np.ones(keep.sum()), np.zeros(keep.sum())]
            weights = np.r_[s[keep], n[keep] - s[keep]]
            scale = weights.sum() / weights.size
            model = LogisticRegression(C=self.C, max_iter=LOGISTIC_MAX_ITER, tol=1e-10)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                self.models_[target] = model.fit(both, labels, sample_weight=weights / scale)
            self.converged_[target] = not any(
                issubclass(w.category, ConvergenceWarning) for w in caught
            )
        return self

    def predict_rate(self, X: pl.DataFrame, target: str = "ctr") -> np.ndarray:
        check_is_fitted(self)
        if target not in self.models_:
            return np.full(X.height, np.nan)
        return self.models_[target].predict_proba(self._design(X))[:, 1]


def baseline_models(
    features: FeatureSpec | None = None,
    type_columns: tuple[str, ...] = ("ad_format",),
    entity: str = "creative_id",
) -> dict[str, BaseEstimator]:
    """The four baselines, unfitted, by report name."""
    return {
        "global rate": GlobalRate(),
        "rate by creative type": RateByType(type_columns),
        "entity history (shrunk)": EntityHistory(entity),
        "logistic regression": LogisticBaseline(features),
    }
