"""A small, time-boxed search over the scoring model's settings, on the evaluation's folds.

scikit-learn's ParameterSampler draws settings from SPACE; each is fitted (rate models only)
on every training part of the evaluation plan — the same folds the model and the baselines
are compared on — and scored by its mean held-out CTR log loss per impression. The current
settings are always tried first, so the search can only keep or improve them on these
folds. Sampling stops after the time box; what was tried is recorded in the model card.
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
from creative_workbench.scoring.features import known_rows
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
    "settings chosen by mean CTR log loss on the evaluation folds themselves: the reported "
    "comparison is optimistic by that selection"
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


def fold_loss(model: Any, plan: Plan, submit: Callable[..., Any] | None = None) -> float:
    """Mean held-out CTR log loss of MODEL's settings over PLAN's folds (rates only)."""
    if submit is None:
        fitted = [clone(model).fit(f.train, intervals=False) for f in plan.folds]
    else:
        futures = [submit(clone(model).fit, f.train, intervals=False) for f in plan.folds]
        fitted = [future.result() for future in futures]
    losses = []
    for scorer, fold in zip(fitted, plan.folds, strict=True):
        test = known_rows(fold.test, "ctr")
        n = test.get_column("impressions").to_numpy().astype(float)
        if n.sum() <= 0:
            continue
        rate = scorer.predict_rate(test, "ctr")
        losses.append(weighted_log_loss(rate, test.get_column("clicks").to_numpy(), n))
    return float(np.mean(losses)) if losses else float("nan")


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
        tried.append({**params, "mean_ctr_log_loss": loss})
    finite = [t for t in tried if np.isfinite(t["mean_ctr_log_loss"])] or tried
    best = min(finite, key=lambda t: t["mean_ctr_log_loss"])
    chosen = {k: v for k, v in best.items() if k != "mean_ctr_log_loss"}
    return SearchResult(chosen, tried, time.perf_counter() - started, stopped)
