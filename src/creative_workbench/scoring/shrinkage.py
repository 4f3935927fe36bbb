"""Empirical-Bayes beta-binomial shrinkage: observed rates that small samples can't inflate.

A creative with 3 clicks from 100 impressions does not have a 3% CTR; it has a rate pulled
toward what similar creatives achieve, by as much as its sample is small. The prior is the
beta distribution that best explains all creatives' counts (maximum marginal likelihood).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats


@dataclass(frozen=True)
class BetaPrior:
    """Beta(alpha, beta) prior on a rate; strength = alpha + beta (pseudo-trials)."""

    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def strength(self) -> float:
        return self.alpha + self.beta


def fit_beta_prior(successes: np.ndarray, trials: np.ndarray) -> BetaPrior:
    """Maximum-marginal-likelihood beta prior for binomial counts (rows with trials > 0)."""
    s = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    keep = n > 0
    s, n = np.minimum(s[keep], n[keep]), n[keep]
    if s.size == 0:
        return BetaPrior(1.0, 1.0)
    mean = float(np.clip(s.sum() / n.sum(), 1e-6, 1 - 1e-6))
    if s.size < 3 or s.sum() == 0:
        return BetaPrior(mean * 2.0, (1 - mean) * 2.0)
    start = np.log([mean * 100.0, (1 - mean) * 100.0])

    def negative_log_likelihood(log_ab: np.ndarray) -> float:
        a, b = np.exp(log_ab)
        return -float(np.sum(special.betaln(s + a, n - s + b) - special.betaln(a, b)))

    result = optimize.minimize(
        negative_log_likelihood, start, method="L-BFGS-B", bounds=[(-12.0, 16.0), (-12.0, 20.0)]
    )
    a, b = np.exp(result.x)
    return BetaPrior(float(a), float(b))


def shrunk_rate(successes: np.ndarray, trials: np.ndarray, prior: BetaPrior) -> np.ndarray:
    """Posterior mean rate per row."""
    s = np.minimum(np.asarray(successes, float), np.asarray(trials, float))
    return (s + prior.alpha) / (np.asarray(trials, float) + prior.strength)


def posterior_interval(
    successes: np.ndarray, trials: np.ndarray, prior: BetaPrior, level: float = 0.8
) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed credible interval of each row's rate."""
    s = np.minimum(np.asarray(successes, float), np.asarray(trials, float))
    n = np.asarray(trials, float)
    tail = (1.0 - level) / 2.0
    a, b = s + prior.alpha, n - s + prior.beta
    return stats.beta.ppf(tail, a, b), stats.beta.ppf(1.0 - tail, a, b)
