"""Scoring benchmark and truth check; prints figures (no assertions).

1. Speed: train on 500,000 creative-day rows (interval models included), target <= 30 s;
   score 1,000,000 candidate rows with intervals, target <= 5 s.
2. Truth check on the demo project: held-out weighted log loss of the model, the baselines
   and the oracle (the demo's true daily CTR), and the share of the gap between the best
   baseline and the oracle the model closes (target >= 80%).
3. Real KAG data: grouped (by ad set) 5-fold cross-validated CTR log loss vs every baseline.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from creative_workbench.config import Workspace, load_project
from creative_workbench.demo import build_demo, truth
from creative_workbench.demo.creatives import plan_creatives, simulate_daily
from creative_workbench.ingest.performance import read_performance
from creative_workbench.ingest.performance_formats import read_kag_attributes
from creative_workbench.pipeline.training_data import join_performance, load_training_data
from creative_workbench.scoring import evaluation as ev
from creative_workbench.scoring.baselines import baseline_models
from creative_workbench.scoring.features import CREATIVE_FEATURES, KAG_FEATURES, WEEKDAYS
from creative_workbench.scoring.scorer import CreativeScorer

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
KAG = SHARED / "performance" / "KAG_conversion_data.csv"


def synthetic_rows(target_rows: int = 500_000, seed: int = 11) -> pl.DataFrame:
    """Creative-day rows simulated like the demo (same truth), about TARGET_ROWS of them."""
    creatives = plan_creatives(seed, count=12_000)
    daily = simulate_daily(seed, creatives)
    ids = creatives.with_row_index("creative_index").select(
        pl.col("creative_index").cast(pl.Int64), "creative_id", "placement"
    )
    perf = daily.join(ids, on="creative_index").select(
        "creative_id",
        pl.col("date").alias("period_start"),
        pl.col("date").alias("period_end"),
        "placement",
        "impressions",
        "clicks",
        "spend",
        "conversions",
    )
    rows, _ = join_performance(perf.head(target_rows), creatives)
    return rows


def speed() -> None:
    rows = synthetic_rows()
    print(
        f"training rows: {rows.height:,} creative-days, "
        f"{rows['creative_id'].n_unique():,} creatives"
    )
    started = time.perf_counter()
    scorer = CreativeScorer().fit(rows)
    train_s = time.perf_counter() - started
    print(
        f"train (CTR + CVR rate models, out-of-fold + quantile interval models): "
        f"{train_s:.1f} s (target <= 30 s)"
    )
    candidates = rows.sample(1_000_000, with_replacement=True, seed=1)
    started = time.perf_counter()
    predicted = scorer.predict(candidates)
    score_s = time.perf_counter() - started
    print(
        f"score {predicted.height:,} candidate rows (CTR, CVR, both intervals): "
        f"{score_s:.1f} s (target <= 5 s)"
    )


def oracle_ctr(frame: pl.DataFrame) -> np.ndarray:
    """The demo's true expected CTR per creative-day (day-of-week and fatigue included)."""
    weekday = frame["weekday"].replace_strict({d: i for i, d in enumerate(WEEKDAYS)}).to_numpy()
    multiplier = truth.daily_ctr_multiplier(weekday, frame["age_days"].to_numpy())
    return truth.true_ctr(frame) * multiplier * np.exp(truth.DAY_NOISE_SIGMA**2 / 2)


def truth_check(test_weeks: int = 8) -> None:
    with tempfile.TemporaryDirectory() as folder:
        build_demo(Path(folder), seed=7)
        data = load_training_data(load_project("demo", Workspace.discover(folder)))
    split = ev.time_split(data.rows, test_weeks)
    print(
        f"demo: {data.rows.height:,} creative-days; train {split.train.height:,} rows; test "
        f"{split.test['creative_id'].n_unique()} creatives launched from {split.cutoff}"
    )
    models = {"model": CreativeScorer(), **baseline_models(CREATIVE_FEATURES.static)}
    fitted = {name: model.fit(split.train) for name, model in models.items()}
    oracles = {"ctr": oracle_ctr, "cvr": truth.true_cvr}
    for target in ("ctr", "cvr"):
        table = ev.evaluate_fitted(fitted, split.test, target, oracle=oracles[target])
        with pl.Config(tbl_cols=10, tbl_width_chars=160, float_precision=6):
            print(f"\n{target.upper()} on held-out demo creatives:\n{table}")
        losses = dict(zip(table["model"], table["log_loss"], strict=True))
        best = min(v for k, v in losses.items() if k not in ("model", "oracle (true rate)"))
        closed = ev.gap_closed(losses["model"], best, losses["oracle (true rate)"])
        print(
            f"{target.upper()} gap closed between the best baseline ({best:.6f}) and the "
            f"oracle ({losses['oracle (true rate)']:.6f}): {closed:.0%}"
            + (" (target >= 80%)" if target == "ctr" else "")
        )


def kag_cv() -> None:
    if not KAG.is_file():
        print(f"KAG data not found at {KAG}; skipped")
        return
    rows = read_performance([KAG]).frame.join(read_kag_attributes(KAG), on="creative_id")
    models = {
        "model": CreativeScorer(features=KAG_FEATURES),
        **baseline_models(KAG_FEATURES, ("campaign",)),
    }
    table = ev.summarise_cv(ev.grouped_cv(models, rows, "ad_set", target="ctr", n_splits=5))
    with pl.Config(tbl_cols=10, tbl_width_chars=160, float_precision=7):
        print(f"\nKAG ({rows.height} ads): 5-fold CV grouped by ad set, CTR:\n{table}")
    model = table.filter(pl.col("model") == "model")["log_loss"].item()
    for name, loss in table.filter(pl.col("model") != "model").select("model", "log_loss").rows():
        verdict = "beats" if model < loss else "does NOT beat"
        print(f"model {model:.7f} {verdict} {name} {loss:.7f}")


if __name__ == "__main__":
    parts = sys.argv[1:] or ["speed", "truth", "kag"]
    for part in parts:
        {"speed": speed, "truth": truth_check, "kag": kag_cv}[part]()
