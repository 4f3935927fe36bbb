"""Evaluation that fits the data: folds, per-fold scores and paired differences with a 95 %
confidence interval.

- time: one split, test = creatives launched in the last weeks (needs dates);
- grouped: K-fold with whole groups (creative, campaign, keyword) per fold, repeated over
  shuffles; the interval of a mean difference uses the corrected resampled t (Nadeau &
  Bengio 2003), since repeated folds share training data;
- rolling: rolling-origin backtest over the last weeks — train on everything before each
  week, test on that week (every entity that ran, not only new ones).

A single split has one difference; its interval is a paired bootstrap over test groups.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
from scipy import stats
from sklearn.base import clone
from sklearn.model_selection import GroupKFold

from creative_workbench.errors import DataError
from creative_workbench.scoring.evaluation import evaluate_fitted, time_split
from creative_workbench.scoring.features import TARGETS

METHODS = ("time", "grouped", "rolling")
BOOTSTRAP = 2000
MIN_TIME_TEST_CREATIVES = 20


@dataclass(frozen=True)
class Fold:
    """One training/test pair and what it is called in reports."""

    name: str
    train: pl.DataFrame
    test: pl.DataFrame


@dataclass(frozen=True)
class Plan:
    """How a model is evaluated: method, its folds and a one-line description."""

    method: str
    folds: list[Fold]
    description: str
    train_share: float


def _week(value: date) -> date:
    return value - timedelta(days=value.weekday())


def _check_size(folds: list[Fold], minimum: int, method: str, hint: str) -> None:
    for fold in folds:
        shown = fold.test.filter(pl.col("impressions") > 0)
        if shown.height < minimum:
            raise DataError(
                f"{method} evaluation: test set {fold.name} has {shown.height} row(s) with "
                f"impressions; at least {minimum} are needed ({hint})"
            )


def time_plan(rows: pl.DataFrame, test_weeks: int, minimum: int) -> Plan:
    """Train on the past, test on creatives launched in the last TEST_WEEKS weeks."""
    if rows.get_column("period_start").null_count():
        raise DataError(
            "time evaluation needs dated rows; these are lifetime totals: use --eval grouped"
        )
    try:
        split = time_split(rows, test_weeks)
    except DataError:
        raise DataError(
            f"time evaluation: no creatives launched in the last {test_weeks} week(s) with "
            "earlier data to train on (entities launched together?); use --eval rolling "
            "(dated, weekly) or --eval grouped"
        ) from None
    fold = Fold(f"launched from {split.cutoff}", split.train, split.test)
    _check_size([fold], minimum, "time", "use more test weeks, or --eval grouped")
    share = split.train.height / max(1, split.train.height + split.test.height)
    return Plan("time", [fold], f"time split: creatives launched from {split.cutoff}", share)


def grouped_plan(
    rows: pl.DataFrame, group: str, folds: int, repeats: int, minimum: int, seed: int = 0
) -> Plan:
    """K-fold with whole GROUPS per fold, REPEATS shuffles."""
    if group not in rows.columns:
        raise DataError(f"grouped evaluation: no column {group!r} to group by")
    labels = rows.get_column(group).cast(pl.Utf8).fill_null("(none)").to_numpy()
    distinct = len(set(labels))
    if distinct < folds:
        raise DataError(
            f"grouped evaluation: {distinct} distinct {group} value(s) for {folds} folds; "
            "group by a finer column or use fewer folds"
        )
    made = []
    for repeat in range(repeats):
        splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed + repeat)
        for k, (train, test) in enumerate(splitter.split(np.zeros(rows.height), groups=labels)):
            made.append(Fold(f"r{repeat + 1}f{k + 1}", rows[train], rows[test]))
    _check_size(made, minimum, "grouped", "use fewer folds or add data")
    return Plan(
        "grouped",
        made,
        f"grouped {folds}-fold CV by {group}" + (f", {repeats} shuffles" if repeats > 1 else ""),
        (folds - 1) / folds,
    )


def rolling_plan(rows: pl.DataFrame, origins: int, minimum: int, min_train_weeks: int = 2) -> Plan:
    """Rolling-origin backtest: each of the last ORIGINS complete weeks is a test week."""
    if rows.get_column("period_start").null_count():
        raise DataError("rolling evaluation needs dated rows; use --eval grouped")
    first = _week(rows.get_column("period_start").min())
    last_day = rows.get_column("period_end").max()
    last_full = _week(last_day) if last_day.weekday() == 6 else _week(last_day) - timedelta(7)
    weeks = [last_full - timedelta(weeks=i) for i in range(origins)][::-1]
    weeks = [w for w in weeks if w >= first + timedelta(weeks=min_train_weeks)]
    if not weeks:
        raise DataError(
            f"rolling evaluation: data from {first} to {last_day} leaves no complete week "
            f"after {min_train_weeks} training weeks; add history or use --eval grouped"
        )
    made = [
        Fold(
            f"week {w}",
            rows.filter(pl.col("period_end") < w),
            rows.filter(pl.col("period_start").is_between(w, w + timedelta(days=6))),
        )
        for w in weeks
    ]
    _check_size(made, minimum, "rolling", "use fewer origins or add data")
    return Plan("rolling", made, f"rolling origin: {len(made)} weekly origins", 0.0)


def choose_method(rows: pl.DataFrame, test_weeks: int) -> str:
    """time when dates allow a split with at least MIN_TIME_TEST_CREATIVES new creatives,
    rolling for dated data whose entities (mostly) launched together, grouped for lifetime
    totals or short histories."""
    if rows.get_column("period_start").null_count():
        return "grouped"
    try:
        split = time_split(rows, test_weeks)
        if split.test.get_column("creative_id").n_unique() >= MIN_TIME_TEST_CREATIVES:
            return "time"
    except DataError:
        pass
    span = rows.get_column("period_end").max() - rows.get_column("period_start").min()
    return "rolling" if span.days >= 28 else "grouped"


@dataclass
class Scored:
    """Per-fold metric tables by target, the reference model's out-of-fold CTR predictions
    (rate, clicks, impressions) and, for a single split, the bootstrap intervals."""

    per_fold: dict[str, pl.DataFrame]
    held_out: tuple[np.ndarray, np.ndarray, np.ndarray]
    intervals: dict[str, dict[str, tuple[float, float]]]


def group_losses(
    rate: np.ndarray, test: pl.DataFrame, target: str, unit: str
) -> tuple[np.ndarray, np.ndarray]:
    """Log loss per trial of each UNIT group (sorted by group) and its trials."""
    successes, trials = TARGETS[target]
    n = test.get_column(trials).cast(pl.Float64).fill_null(0).to_numpy()
    s = np.minimum(test.get_column(successes).cast(pl.Float64).to_numpy(), n)
    n = np.where(np.isfinite(s), n, 0.0)
    s = np.nan_to_num(s)
    p = np.clip(rate, 1e-7, 1 - 1e-7)
    loss = -(s * np.log(p) + (n - s) * np.log1p(-p))
    frame = pl.DataFrame({"g": test.get_column(unit).cast(pl.Utf8), "l": loss, "n": n})
    totals = frame.group_by("g").agg(pl.col("l", "n").sum()).filter(pl.col("n") > 0).sort("g")
    n = totals.get_column("n").to_numpy()
    return totals.get_column("l").to_numpy() / n, n


def fit_and_score(
    models: Mapping[str, Any],
    plan: Plan,
    reference: str,
    unit: str = "creative_id",
    submit: Callable[..., Any] | None = None,
) -> Scored:
    """Fit clones of MODELS on every fold of PLAN and score them on its test rows.
    SUBMIT: an executor's submit to fit models side by side."""
    tables: dict[str, list[pl.DataFrame]] = {t: [] for t in TARGETS}
    held: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    intervals: dict[str, dict[str, tuple[float, float]]] = {t: {} for t in TARGETS}
    for fold in plan.folds:
        if submit is None:
            fitted = {name: clone(m).fit(fold.train) for name, m in models.items()}
        else:
            futures = {name: submit(clone(m).fit, fold.train) for name, m in models.items()}
            fitted = {name: future.result() for name, future in futures.items()}
        for target in TARGETS:
            table = evaluate_fitted(fitted, fold.test, target, unit=unit)
            tables[target].append(table.with_columns(pl.lit(fold.name).alias("fold")))
        rate = fitted[reference].predict_rate(fold.test, "ctr")
        held.append((rate, fold.test["clicks"].to_numpy(), fold.test["impressions"].to_numpy()))
        if len(plan.folds) == 1 and unit in fold.test.columns:
            intervals = _single_split_intervals(fitted, fold.test, reference, unit)
    per_fold = {t: pl.concat(parts, how="diagonal_relaxed") for t, parts in tables.items()}
    joined = tuple(np.concatenate([h[i] for h in held]) for i in range(3))
    return Scored(per_fold, joined, intervals)


def _single_split_intervals(
    fitted: Mapping[str, Any], test: pl.DataFrame, reference: str, unit: str
) -> dict[str, dict[str, tuple[float, float]]]:
    found: dict[str, dict[str, tuple[float, float]]] = {}
    for target in TARGETS:
        mine = fitted[reference].predict_rate(test, target)
        if np.isnan(mine).all():
            found[target] = {}
            continue
        base, weight = group_losses(mine, test, target, unit)
        found[target] = {}
        for name, model in fitted.items():
            rate = model.predict_rate(test, target)
            if name == reference or np.isnan(rate).all() or weight.size < 2:
                continue
            other, _ = group_losses(rate, test, target, unit)
            found[target][name] = bootstrap_interval(base, other, weight)
    return found


def _interval(differences: np.ndarray, train_share: float) -> tuple[float, float]:
    """95 % interval of the mean of per-fold DIFFERENCES (corrected t when folds overlap)."""
    d = differences[np.isfinite(differences)]
    if d.size < 2:
        return float("nan"), float("nan")
    mean, variance = float(d.mean()), float(d.var(ddof=1))
    ratio = (1 - train_share) / train_share if 0 < train_share < 1 else 0.0
    se = np.sqrt(variance * (1.0 / d.size + ratio))
    half = float(stats.t.ppf(0.975, d.size - 1) * se)
    return mean - half, mean + half


def bootstrap_interval(
    model_loss: np.ndarray, other_loss: np.ndarray, weight: np.ndarray, seed: int = 0
) -> tuple[float, float]:
    """95 % paired bootstrap interval of the weighted mean loss difference over groups."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, weight.size, (BOOTSTRAP, weight.size))
    w = weight[picks]
    diff = ((model_loss - other_loss)[picks] * w).sum(axis=1) / np.maximum(w.sum(axis=1), 1e-12)
    return float(np.quantile(diff, 0.025)), float(np.quantile(diff, 0.975))


def paired_differences(
    per_fold: pl.DataFrame,
    reference: str,
    plan: Plan,
    metric: str = "log_loss",
    single_intervals: Mapping[str, tuple[float, float]] | None = None,
) -> pl.DataFrame:
    """REFERENCE's METRIC minus each other model's, per fold paired: mean, 95 % CI, folds
    won (lower loss) and the verdict ('better', 'worse', 'no clear difference')."""
    empty = pl.DataFrame(
        schema={
            "versus": pl.Utf8,
            "difference": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "folds_won": pl.Int64,
            "folds": pl.Int64,
            "verdict": pl.Utf8,
        }
    )
    if per_fold.height == 0 or reference not in per_fold.get_column("model").to_list():
        return empty
    wide = per_fold.pivot(on="model", index="fold", values=metric)
    rows = []
    for other in [c for c in wide.columns if c not in ("fold", reference)]:
        d = (wide.get_column(reference) - wide.get_column(other)).to_numpy().astype(float)
        finite = d[np.isfinite(d)]
        if finite.size == 0:
            continue
        low, high = (
            (single_intervals or {}).get(other, (float("nan"),) * 2)
            if finite.size == 1
            else _interval(finite, plan.train_share)
        )
        verdict = (
            ("better" if high < 0 else "worse" if low > 0 else "no clear difference")
            if np.isfinite(low)
            else "no interval"
        )
        rows.append(
            {
                "versus": other,
                "difference": float(finite.mean()),
                "ci_low": low,
                "ci_high": high,
                "folds_won": int((finite < 0).sum()),
                "folds": int(finite.size),
                "verdict": verdict,
            }
        )
    return pl.DataFrame(rows, schema=empty.schema) if rows else empty


def summarise(per_fold: pl.DataFrame) -> pl.DataFrame:
    """Mean of each metric per model over folds (NaN-aware), with the log loss SD."""
    metrics = [c for c in per_fold.columns if c not in ("model", "fold")]
    return per_fold.group_by("model", maintain_order=True).agg(
        *[pl.col(m).fill_nan(None).mean() for m in metrics],
        pl.col("log_loss").fill_nan(None).std().alias("log_loss_sd"),
    )
