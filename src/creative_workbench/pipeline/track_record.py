"""The forecast's track record: earlier weeks' stored predictions next to what then happened,
and next to a naive forecast made with the same information — each entity's own shrunk rate
over the weeks before (``EntityHistory``, the global rate for an entity without history).

Per week: impression-weighted CTR error (percentage points) and log loss per impression of
the model and of that naive baseline, which of the two did better, and interval coverage.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from creative_workbench.pipeline.store import Store
from creative_workbench.pipeline.training_data import TrainingData
from creative_workbench.scoring.baselines import EntityHistory
from creative_workbench.scoring.evaluation import coverage, weighted_log_loss

BASELINE = "entity history (shrunk)"


def actual_weeks(rows: pl.DataFrame) -> pl.DataFrame:
    """Impressions, clicks and conversions per (Monday week, creative)."""
    monday = pl.col("period_start") - pl.duration(days=pl.col("period_start").dt.weekday() - 1)
    return (
        rows.filter(pl.col("period_start").is_not_null())
        .with_columns(monday.alias("week"))
        .group_by("week", "creative_id")
        .agg(pl.col("impressions", "clicks", "conversions").sum())
        .filter(pl.col("impressions") > 0)
    )


def naive_rates(rows: pl.DataFrame, detail: pl.DataFrame) -> np.ndarray:
    """The naive per-entity forecast of each DETAIL row, from data before its week."""
    rates = np.full(detail.height, np.nan)
    indexed = detail.with_row_index("_i")
    for (week,), part in indexed.group_by("week"):
        before = rows.filter(pl.col("period_end") < week)
        if before.height == 0 or before.get_column("impressions").sum() == 0:
            continue
        naive = EntityHistory().fit(before)
        rates[part.get_column("_i").to_numpy()] = naive.predict_rate(part, "ctr")
    return rates


def _weighted_error(rate: np.ndarray, clicks: np.ndarray, impressions: np.ndarray) -> float:
    """Impression-weighted mean absolute CTR error, in percentage points."""
    actual = clicks / impressions
    return float((impressions * np.abs(rate - actual)).sum() / impressions.sum() * 100)


def week_summary(part: pl.DataFrame) -> dict[str, object]:
    """One week's (and model version's) figures, model next to the naive baseline."""
    n = part.get_column("impressions").to_numpy().astype(float)
    s = np.minimum(part.get_column("clicks").to_numpy().astype(float), n)
    model, naive = part.get_column("ctr").to_numpy(), part.get_column("naive_ctr").to_numpy()
    model_loss, naive_loss = weighted_log_loss(model, s, n), weighted_log_loss(naive, s, n)
    return {
        "creatives": part.height,
        "impressions": int(n.sum()),
        "predicted_ctr": float((model * n).sum() / n.sum()),
        "actual_ctr": float(s.sum() / n.sum()),
        "weighted_abs_error_pp": _weighted_error(model, s, n),
        "baseline_abs_error_pp": _weighted_error(naive, s, n),
        "log_loss": model_loss,
        "baseline_log_loss": naive_loss,
        "beats_baseline": bool(model_loss < naive_loss),
        "coverage": coverage(
            part.get_column("ctr_lower").to_numpy(),
            part.get_column("ctr_upper").to_numpy(),
            s,
            n,
        ),
    }


def track_record(
    store: Store, data: TrainingData, before: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(per week summary, per creative detail) of the stored predictions of weeks before
    BEFORE, with the naive per-entity baseline beside the model."""
    stored = store.query(
        "SELECT week, model_version, creative_id, ctr, ctr_lower, ctr_upper, cvr FROM "
        "predictions WHERE week < ? ORDER BY week",
        (str(before),),
    )
    if stored.height == 0:
        return pl.DataFrame(), pl.DataFrame()
    stored = stored.with_columns(pl.col("week").str.to_date())
    detail = stored.join(actual_weeks(data.rows), on=["week", "creative_id"], how="inner")
    if detail.height == 0:
        return pl.DataFrame(), detail
    detail = detail.with_columns(
        (pl.col("clicks") / pl.col("impressions")).alias("actual_ctr"),
        pl.Series("naive_ctr", naive_rates(data.rows, detail)),
    ).with_columns(
        pl.col("actual_ctr")
        .is_between(pl.col("ctr_lower"), pl.col("ctr_upper"))
        .alias("inside_interval")
    )
    summary = [
        {"week": week, "model_version": version, **week_summary(part)}
        for (week, version), part in detail.group_by("week", "model_version", maintain_order=True)
    ]
    return pl.DataFrame(summary).sort("week"), detail.sort("week", "creative_id")
