"""Test-budget split by Thompson sampling on beta posteriors of each candidate's rate.

Each candidate's rate is a Beta posterior (from its own results, or from the model's
prediction and interval for an untested concept). Drawing from every posterior many times,
a candidate's share of the budget is how often it is the best draw, mixed with an equal
exploration floor so no candidate is starved before it has been measured.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats
from scipy.special import logit


def beta_from_interval(
    mean: np.ndarray, lower: np.ndarray, upper: np.ndarray, level: float = 0.8
) -> tuple[np.ndarray, np.ndarray]:
    """Beta(alpha, beta) with the given mean whose spread matches the interval.

    The interval's logit half-width gives a standard deviation; the delta method turns it
    into a variance on the rate scale, and moments give the beta parameters.
    """
    mean = np.clip(np.asarray(mean, float), 1e-6, 1 - 1e-6)
    z = stats.norm.ppf(0.5 + level / 2.0)
    lo = logit(np.clip(np.asarray(lower, float), 1e-6, 1 - 1e-6))
    hi = logit(np.clip(np.asarray(upper, float), 1e-6, 1 - 1e-6))
    sd_logit = np.maximum((hi - lo) / (2.0 * z), 1e-3)
    variance = (mean * (1 - mean) * sd_logit) ** 2
    strength = np.maximum(mean * (1 - mean) / variance - 1.0, 1.0)
    return mean * strength, (1 - mean) * strength


def thompson_shares(
    alpha: np.ndarray,
    beta: np.ndarray,
    *,
    draws: int = 4000,
    explore: float = 0.2,
    seed: int = 0,
    second: tuple[np.ndarray, np.ndarray] | None = None,
    explore_only: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(budget shares, probability of being best) per candidate.

    share = explore / K + (1 - explore) * P(best); shares sum to 1. With SECOND (e.g. the
    CVR posteriors) the draws multiply, so "best" means most conversions per impression.
    Candidates marked EXPLORE_ONLY (values without history) never count as best: they get
    the exploration share explore / K (the whole budget is split evenly if all are).
    """
    alpha, beta = np.asarray(alpha, float), np.asarray(beta, float)
    count = alpha.size
    if count == 0:
        return np.zeros(0), np.zeros(0)
    rng = np.random.default_rng(seed)
    samples = rng.beta(alpha[None, :], beta[None, :], size=(draws, count))
    if second is not None:
        a2, b2 = np.asarray(second[0], float), np.asarray(second[1], float)
        usable = np.isfinite(a2) & np.isfinite(b2)
        factor = rng.beta(
            np.where(usable, a2, 1.0)[None, :],
            np.where(usable, b2, 1.0)[None, :],
            size=(draws, count),
        )
        samples = samples * np.where(usable[None, :], factor, 1.0)
    excluded = np.zeros(count, bool) if explore_only is None else np.asarray(explore_only, bool)
    if excluded.all():
        return np.full(count, 1.0 / count), np.zeros(count)
    samples = np.where(excluded[None, :], -np.inf, samples)
    wins = np.bincount(samples.argmax(axis=1), minlength=count) / draws
    shares = explore / count + (1.0 - explore) * wins
    return shares / shares.sum(), wins


def split_budget(
    budget: float, alpha: np.ndarray, beta: np.ndarray, **options: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Budget amounts (rounded to cents, summing to BUDGET) and P(best) per candidate;
    OPTIONS (draws, explore, seed, second, explore_only) as for thompson_shares."""
    shares, wins = thompson_shares(alpha, beta, **options)
    amounts = np.round(shares * budget, 2)
    if amounts.size:
        amounts[np.argmax(amounts)] += round(budget - amounts.sum(), 2)
    return amounts, wins
