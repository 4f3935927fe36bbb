"""A small, time-boxed search over the scoring model's settings, on the evaluation's folds.

scikit-learn's ParameterSampler draws settings from SPACE; each is fitted (rate models only)
on every training part of the evaluation plan — the same folds the model and the baselines
are compared on — and scored by its mean held-out CTR log loss per impression, among the
settings whose mean CVR log loss is no worse than the current settings' (on KAG a search
by CTR alone picked deeper trees that lost on CVR). The current settings are always tried
first, so the search can only keep or improve them on these folds. Sampling stops after
the time box; what was tried is recorded in the model card.
Choosing on the folds that then report the comparison is optimistic by the selection: the
card says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import ParameterSampler

from creative_workbench.scoring.evaluation import weighted_log_loss
from creative_workbench.scoring.features import TARGETS, known_rows
from creative_workbench.scoring.validation import Plan

SPACE: dict[str, list[Any]] = {
    "n_estimators": [200, 500, 1000],
    "max_depth": [1, 2, 3],
    "learning_rate": [0.1, 0.2, 0.4],
    "min_child_weight": [20.0, 50.0, 200.0, 800.0],
    "reg_lambda": [1.0, 5.0, 20.0],
    "subsample": [0.7, 0.9, 1.0],
}
SELECTION_NOTE = (
    "settings chosen by mean CTR log loss (CVR no worse) on the evaluation folds themselves: "
    "the reported comparison is optimistic by that selection"
)


@dataclass
class SearchResult:
    """The settings chosen, every setting tried with its mean loss, and the time taken."""

    best: dict[str, Any]
    tried: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    stopped_by_time: bool = False

    def to_card(self) -> dict[str, Any]:
        return {
            "chosen": self.best,
            "tried": self.tried,
            "seconds": round(self.seconds, 1),
            "stopped_by_time_box": self.stopped_by_time,
            "note": SELECTION_NOTE,
        }


def fold_loss(model: Any, plan: Plan, submit: Callable[..., Any] | None = None) -> dict[str, float]:
    """Mean held-out log loss per target of MODEL's settings over PLAN's folds (rates only;
    NaN for a target without a model or without positives)."""
    if submit is None:
        fitted = [clone(model).fit(f.train, intervals=False) for f in plan.folds]
    else:
        futures = [submit(clone(model).fit, f.train, intervals=False) for f in plan.folds]
        fitted = [future.result() for future in futures]
    losses: dict[str, list[float]] = {t: [] for t in TARGETS}
    for scorer, fold in zip(fitted, plan.folds, strict=True):
        for target, (successes, trials) in TARGETS.items():
            test = known_rows(fold.test, target)
            n = test.get_column(trials).to_numpy().astype(float)
            s = test.get_column(successes).to_numpy().astype(float)
            if n.sum() <= 0 or s.sum() <= 0 or target not in scorer.boosters_:
                continue
            losses[target].append(weighted_log_loss(scorer.predict_rate(test, target), s, n))
    return {t: float(np.mean(v)) if v else float("nan") for t, v in losses.items()}


def search_settings(
    model: Any,
    plan: Plan,
    trials: int,
    seconds: float,
    *,
    seed: int = 0,
    submit: Callable[..., Any] | None = None,
) -> SearchResult:
    """Try MODEL's settings and up to TRIALS sampled from SPACE on PLAN's folds, within
    SECONDS (the current settings always); returns the lowest mean CTR log loss."""
    current = {k: v for k, v in model.get_params().items() if k in SPACE}
    sampled = [
        {k: (s[k].item() if isinstance(s[k], np.generic) else s[k]) for k in SPACE}
        for s in ParameterSampler(SPACE, trials, random_state=seed)
    ]
    started = time.perf_counter()
    tried: list[dict[str, Any]] = []
    stopped = False
    for params in [current, *(s for s in sampled if s != current)]:
        if tried and time.perf_counter() - started > seconds:
            stopped = True
            break
        loss = fold_loss(clone(model).set_params(**params), plan, submit)
        tried.append({**params, **{f"mean_{t}_log_loss": v for t, v in loss.items()}})
    best = min(_eligible(tried), key=lambda t: t["mean_ctr_log_loss"])
    chosen = {k: best[k] for k in SPACE}
    return SearchResult(chosen, tried, time.perf_counter() - started, stopped)


def _eligible(tried: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tried settings with a CTR loss whose CVR loss is no worse than the first (current)
    settings' (every one when CVR could not be scored); the current ones at least."""
    limit = tried[0]["mean_cvr_log_loss"]
    keep = [
        t
        for t in tried
        if np.isfinite(t["mean_ctr_log_loss"])
        and (not np.isfinite(limit) or t["mean_cvr_log_loss"] <= limit)
    ]
    return keep or tried[:1]
