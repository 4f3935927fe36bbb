"""How good are the predictions: honest splits and the metrics the reports show.

Splits never leak: the time split trains on creatives launched before the cutoff (their
rows before it) and tests on creatives launched after it; grouped cross-validation keeps
every row of a group (creative or ad set) on one side.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
from scipy import stats
from scipy.special import expit, logit
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold

from creative_workbench.errors import DataError
from creative_workbench.scoring.features import TARGETS

EPS = 1e-7
CONSTANT = 1e-9


def is_constant(values: np.ndarray) -> bool:
    """Whether VALUES are one number up to float noise (relative 1e-9): rank metrics of
    such a predictor are undefined, not 0.5 or 0."""
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return True
    return float(np.ptp(values)) <= CONSTANT * max(1e-12, float(np.abs(values).max()))


@dataclass(frozen=True)
class Split:
    """Training rows, test rows and the date that separates them."""

    train: pl.DataFrame
    test: pl.DataFrame
    cutoff: date


def time_split(
    rows: pl.DataFrame,
    test_weeks: int,
    *,
    date_col: str = "period_start",
    launch_col: str = "launch_date",
) -> Split:
    """Test on the last TEST_WEEKS weeks' new creatives; train on earlier data only."""
    last = rows.get_column(date_col).max()
    if last is None:
        raise DataError("time split needs dated performance rows; use grouped CV instead")
    cutoff = last - timedelta(weeks=test_weeks) + timedelta(days=1)
    launch = (
        pl.col(launch_col)
        if launch_col in rows.columns
        else (pl.col(date_col).min().over("creative_id"))
    )
    marked = rows.with_columns(launch.alias("_launch"))
    train = marked.filter((pl.col("_launch") < cutoff) & (pl.col(date_col) < cutoff))
    test = marked.filter(pl.col("_launch") >= cutoff)
    if train.height == 0 or test.height == 0:
        raise DataError(
            f"time split at {cutoff}: {train.height} training and {test.height} "
            f"test rows; choose fewer test weeks (now {test_weeks})"
        )
    return Split(train.drop("_launch"), test.drop("_launch"), cutoff)


def weighted_log_loss(rate: np.ndarray, successes: np.ndarray, trials: np.ndarray) -> float:
    """Mean log loss per trial (per impression for CTR): the binomial likelihood."""
    p = np.clip(np.asarray(rate, float), EPS, 1 - EPS)
    s, n = np.asarray(successes, float), np.asarray(trials, float)
    s = np.minimum(s, n)
    return float(-(s * np.log(p) + (n - s) * np.log1p(-p)).sum() / n.sum())


def click_auc(rate: np.ndarray, successes: np.ndarray, trials: np.ndarray) -> float:
    """AUC over individual impressions (each click a positive, each non-click a negative)."""
    s, n = np.asarray(successes, float), np.asarray(trials, float)
    s = np.minimum(s, n)
    scores = np.r_[rate, rate]
    labels = np.r_[np.ones_like(s), np.zeros_like(s)]
    weights = np.r_[s, n - s]
    keep = weights > 0
    if len(set(labels[keep])) < 2 or is_constant(scores[keep]):
        return float("nan")
    return float(roc_auc_score(labels[keep], scores[keep], sample_weight=weights[keep]))


def spearman(predicted: np.ndarray, observed: np.ndarray) -> float:
    """Rank correlation of predicted vs observed rates across creatives."""
    keep = np.isfinite(predicted) & np.isfinite(observed)
    if keep.sum() < 3 or is_constant(predicted[keep]) or is_constant(observed[keep]):
        return float("nan")
    return float(stats.spearmanr(predicted[keep], observed[keep]).statistic)


def top_quintile_precision(predicted: np.ndarray, observed: np.ndarray) -> float:
    """Of the 20% predicted best, the share whose observed rate beats the median."""
    if predicted.size < 5 or is_constant(predicted):
        return float("nan")
    top = np.argsort(-predicted, kind="stable")[: max(1, predicted.size // 5)]
    return float((observed[top] > np.median(observed)).mean())


def calibration_table(
    rate: np.ndarray, successes: np.ndarray, trials: np.ndarray, bins: int = 10
) -> pl.DataFrame:
    """Trial-weighted bins of predicted rate: mean predicted vs observed rate per bin."""
    order = np.argsort(rate, kind="stable")
    weight = np.asarray(trials, float)[order]
    edges = np.searchsorted(np.cumsum(weight) / weight.sum(), np.linspace(0, 1, bins + 1)[1:-1])
    labels = np.zeros(rate.size, dtype=np.int64)
    labels[order] = np.searchsorted(edges, np.arange(rate.size), side="right")
    frame = pl.DataFrame({"bin": labels, "p": rate * trials, "s": successes, "n": trials})
    return (
        frame.group_by("bin")
        .agg(pl.col("p", "s", "n").sum())
        .filter(pl.col("n") > 0)
        .sort("bin")
        .select(
            "bin",
            (pl.col("p") / pl.col("n")).alias("predicted"),
            (pl.col("s") / pl.col("n")).alias("observed"),
            pl.col("n").alias("weight"),
        )
    )


def expected_calibration_error(table: pl.DataFrame) -> float:
    """Weighted mean |observed - predicted| over calibration bins."""
    weight = table.get_column("weight").to_numpy()
    gap = np.abs(table.get_column("observed").to_numpy() - table.get_column("predicted").to_numpy())
    return float((gap * weight).sum() / weight.sum())


def coverage(
    lower: np.ndarray,
    upper: np.ndarray,
    successes: np.ndarray,
    trials: np.ndarray,
    level: float = 0.8,
) -> float:
    """Share of observed rates inside their predictive interval: the rate interval widened
    (logit scale) by each unit's own binomial sampling noise, so a creative measured on few
    impressions is judged fairly; for well-measured creatives it is the rate interval."""
    s, n = np.asarray(successes, float), np.asarray(trials, float)
    keep = np.isfinite(lower) & np.isfinite(upper) & (n > 0)
    if not keep.any():
        return float("nan")
    lo = logit(np.clip(lower[keep], EPS, 1 - EPS))
    hi = logit(np.clip(upper[keep], EPS, 1 - EPS))
    z = stats.norm.ppf(0.5 + level / 2.0)
    centre, spread = (lo + hi) / 2.0, (hi - lo) / (2.0 * z)
    p = expit(centre)
    sampling = 1.0 / (n[keep] * p * (1 - p))
    observed = logit((np.minimum(s[keep], n[keep]) + 0.5) / (n[keep] + 1.0))
    inside = np.abs(observed - centre) <= z * np.sqrt(spread**2 + sampling)
    return float(inside.mean())


def per_group(
    values: dict[str, np.ndarray], trials: np.ndarray, groups: np.ndarray
) -> dict[str, np.ndarray]:
    """Trial-weighted means of VALUES per group, plus summed trials ('n')."""
    frame = pl.DataFrame({"g": groups, "n": trials, **{k: v * trials for k, v in values.items()}})
    totals = frame.group_by("g").agg(pl.all().sum()).filter(pl.col("n") > 0)
    n = totals.get_column("n").to_numpy().astype(float)
    return {"n": n, **{k: totals.get_column(k).to_numpy() / n for k in values}}


def score(
    rate: np.ndarray,
    successes: np.ndarray,
    trials: np.ndarray,
    interval: tuple[np.ndarray, np.ndarray] | None = None,
    *,
    groups: np.ndarray | None = None,
    level: float = 0.8,
) -> dict[str, float]:
    """Every metric for one model: log loss, AUC and calibration per row (impression
    level); Spearman, top-quintile precision and coverage per creative (GROUPS). Rows whose
    counts are unknown are left out; with no positives every metric is undefined (NaN)."""
    n = np.asarray(trials, float)
    known = np.isfinite(np.asarray(successes, float)) & np.isfinite(n)
    n = np.where(known, n, 0.0)
    keep = n > 0
    names = ["log_loss", "auc", "spearman", "top_quintile_precision", "ece"]
    if not keep.any() or np.nansum(np.asarray(successes, float)[keep]) == 0:
        return dict.fromkeys(names + (["coverage"] if interval is not None else []), float("nan"))
    rate, s, n = np.asarray(rate, float)[keep], np.asarray(successes, float)[keep], n[keep]
    s = np.minimum(s, n)
    groups = np.arange(n.size) if groups is None else np.asarray(groups)[keep]
    values = {"p": rate, "s": s / n}
    if interval is not None:
        values |= {
            "lo": np.asarray(interval[0], float)[keep],
            "hi": np.asarray(interval[1], float)[keep],
        }
    units = per_group(values, n, groups)
    metrics = {
        "log_loss": weighted_log_loss(rate, s, n),
        "auc": click_auc(rate, s, n),
        "spearman": spearman(units["p"], units["s"]),
        "top_quintile_precision": top_quintile_precision(units["p"], units["s"]),
        "ece": expected_calibration_error(calibration_table(rate, s, n)),
    }
    if interval is not None:
        metrics["coverage"] = coverage(
            units["lo"], units["hi"], units["s"] * units["n"], units["n"], level
        )
    return metrics


def predictions(
    model: Any, rows: pl.DataFrame, target: str
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """A fitted model's rates and (if it has them) intervals for ROWS."""
    rate = model.predict_rate(rows, target)
    if hasattr(model, "predict_interval"):
        return rate, model.predict_interval(rows, target, rate)
    return rate, None


def evaluate_fitted(
    fitted: Mapping[str, Any],
    test: pl.DataFrame,
    target: str = "ctr",
    *,
    unit: str = "creative_id",
    oracle: Callable[[pl.DataFrame], np.ndarray] | None = None,
) -> pl.DataFrame:
    """Score already fitted models on TEST: one row of metrics per model."""
    successes, trials = TARGETS[target]
    s, n = test.get_column(successes).to_numpy(), test.get_column(trials).to_numpy()
    groups = test.get_column(unit).to_numpy() if unit in test.columns else None
    rows = []
    for name, model in fitted.items():
        rate, interval = predictions(model, test, target)
        if np.isnan(rate).all():
            continue
        rows.append({"model": name, **score(rate, s, n, interval, groups=groups)})
    if oracle is not None:
        rows.append({"model": "oracle (true rate)", **score(oracle(test), s, n, groups=groups)})
    return pl.DataFrame(rows, infer_schema_length=None)


def compare(
    models: Mapping[str, Any],
    train: pl.DataFrame,
    test: pl.DataFrame,
    target: str = "ctr",
    *,
    unit: str = "creative_id",
    oracle: Callable[[pl.DataFrame], np.ndarray] | None = None,
) -> pl.DataFrame:
    """Fit each model (a clone) on TRAIN and score it on TEST (creatives = UNIT)."""
    fitted = {name: clone(model).fit(train) for name, model in models.items()}
    return evaluate_fitted(fitted, test, target, unit=unit, oracle=oracle)


def grouped_cv(
    models: Mapping[str, Any],
    rows: pl.DataFrame,
    groups: str,
    target: str = "ctr",
    n_splits: int = 5,
    *,
    unit: str = "creative_id",
) -> pl.DataFrame:
    """K-fold CV with whole GROUPS per fold; metrics per model per fold plus the mean."""
    labels = rows.get_column(groups).to_numpy()
    folds = []
    splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=0)
    for fold, (train_idx, test_idx) in enumerate(
        splitter.split(np.zeros(rows.height), groups=labels)
    ):
        table = compare(models, rows[train_idx], rows[test_idx], target, unit=unit)
        folds.append(table.with_columns(pl.lit(fold).alias("fold")))
    return pl.concat(folds)


def summarise_cv(table: pl.DataFrame) -> pl.DataFrame:
    """Mean and standard deviation of each metric per model over folds."""
    metrics = [c for c in table.columns if c not in ("model", "fold")]
    return table.group_by("model", maintain_order=True).agg(
        *[pl.col(m).mean() for m in metrics], pl.col("log_loss").std().alias("log_loss_sd")
    )


def gap_closed(model_loss: float, baseline_loss: float, oracle_loss: float) -> float:
    """Share of the gap between the best baseline and the oracle the model closes."""
    gap = baseline_loss - oracle_loss
    return float((baseline_loss - model_loss) / gap) if gap > 0 else float("nan")
