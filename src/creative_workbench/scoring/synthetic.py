"""A synthetic keyword-day export built to look like real search data, with known truth,
for tests and benchmarks of evaluation on dated data: every keyword launched on the first
day (a few later), a downward trend, weekly seasonality, keyword-level quality partly
explained by campaign and match type, and a few rows with more clicks than impressions (an
effect real AdWords reports show). Written as a CSV read through a [[mappings]] entry.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

START = date(2026, 1, 5)
MATCH_EFFECT = {"exact": 0.45, "phrase": 0.1, "broad": -0.35}
WEEKDAY_EFFECT = np.array([0.05, 0.08, 0.06, 0.02, -0.05, -0.25, -0.3])
TREND_PER_DAY = -0.004
MAPPING_COLUMNS = {
    "creative_id": "Keyword",
    "date": "Day",
    "campaign": "Campaign",
    "ad_group": "Ad group",
    "match_type": "Match type",
    "impressions": "Impr.",
    "clicks": "Clicks",
    "spend": "Cost",
}


def keyword_days(
    keywords: int = 120, weeks: int = 16, seed: int = 0, late_share: float = 0.15
) -> pl.DataFrame:
    """Keyword-day rows in the export's own column names (see MAPPING_COLUMNS)."""
    rng = np.random.default_rng(seed)
    campaigns = rng.integers(0, 5, keywords)
    groups = campaigns * 4 + rng.integers(0, 4, keywords)
    match = rng.choice(list(MATCH_EFFECT), keywords)
    quality = (
        rng.normal(0, 0.3, 5)[campaigns]
        + np.array([MATCH_EFFECT[m] for m in match])
        + rng.normal(0, 0.45, keywords)
    )
    volume = rng.lognormal(5.5, 0.8, keywords)
    first_day = np.zeros(keywords, dtype=int)
    late = rng.random(keywords) < late_share
    first_day[late] = rng.integers(5 * 7, (weeks - 3) * 7, late.sum())
    days = np.arange(weeks * 7)
    k, d = np.meshgrid(np.arange(keywords), days, indexing="ij")
    k, d = k.reshape(-1), d.reshape(-1)
    live = d >= first_day[k]
    k, d = k[live], d[live]
    weekday = np.array([(START + timedelta(int(x))).weekday() for x in range(weeks * 7)])[d]
    logit = -3.3 + quality[k] + WEEKDAY_EFFECT[weekday] + TREND_PER_DAY * d
    logit += rng.normal(0, 0.08, k.size)
    impressions = rng.poisson(volume[k] * (1 - 0.2 * (weekday >= 5)))
    clicks = rng.binomial(impressions, 1 / (1 + np.exp(-logit)))
    odd = rng.random(k.size) < 0.003
    clicks[odd] = impressions[odd] + rng.integers(1, 4, odd.sum())
    return pl.DataFrame(
        {
            "Keyword": [f"kw {i:04d}" for i in k],
            "Day": [str(START + timedelta(int(x))) for x in d],
            "Campaign": [f"campaign {c}" for c in campaigns[k]],
            "Ad group": [f"group {g:02d}" for g in groups[k]],
            "Match type": match[k],
            "Impr.": impressions,
            "Clicks": clicks,
            "Cost": np.round(clicks * rng.uniform(0.4, 1.2, k.size), 2),
        }
    )
