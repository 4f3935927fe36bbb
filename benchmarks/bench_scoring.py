"""Scoring benchmark and truth check; prints figures (no assertions).

1. Speed: train on 500,000 creative-day rows (interval models included), target <= 30 s;
   score 1,000,000 candidate rows with intervals, target <= 5 s.
2. Truth check on the demo project: held-out weighted log loss of the model, the baselines
   and the oracle (the demo's true daily CTR), and the share of the gap between the best
   baseline and the oracle the model closes (target >= 80%).
3. Real KAG data, as a new analyst gets it (a project holding only the export; attributes
   derived from it): grouped 5-fold CV by ad, repeated over 5 shuffles; the model against
   every baseline, paired by fold, mean difference with a 95 % interval (corrected t).
4. Neutral unknowns on KAG: prediction with an unseen interest vs the unknown prediction.
5. Synthetic keyword days (scoring.synthetic): rolling-origin backtest, the model against
   the per-entity history baseline, share of origins won (target >= 75 %).
6. Settings search (`train --search`), nested: settings chosen on other folds (KAG: another
   shuffle; keywords: origins before the backtest's), then the default settings, the searched
   ones and the baselines compared paired on the benchmark folds of 3. and 5.
7. The calendar term ([scoring] calendar = true) on the keyword backtest of 5., paired
   against the default features.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from creative_workbench.config import Workspace, load_project
from creative_workbench.demo import build_demo, truth
from creative_workbench.demo.creatives import plan_creatives, simulate_daily
from creative_workbench.pipeline.training import MODEL, type_columns
from creative_workbench.pipeline.training_data import join_performance, load_training_data
from creative_workbench.scoring import evaluation as ev
from creative_workbench.scoring.baselines import baseline_models
from creative_workbench.scoring.features import CREATIVE_FEATURES, WEEKDAYS, FeatureSpec
from creative_workbench.scoring.scorer import CreativeScorer
from creative_workbench.scoring.search import search_settings
from creative_workbench.scoring.synthetic import MAPPING_COLUMNS, keyword_days
from creative_workbench.scoring.validation import (
    fit_and_score,
    grouped_plan,
    paired_differences,
    rolling_plan,
    summarise,
)

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


def _project(folder: Path, name: str, toml: str) -> Path:
    root = folder / "data" / "projects" / name
    (root / "raw" / "performance").mkdir(parents=True)
    (root / "project.toml").write_text(toml)
    return root


def _paired_report(data, plan, title: str, reference: CreativeScorer | None = None) -> dict:
    """REFERENCE (default: the default model) against the baselines, and against the
    default model when REFERENCE is another setting."""
    spec = data.features
    models = {
        MODEL: reference or CreativeScorer(features=spec),
        **baseline_models(spec.static, type_columns(spec)),
    }
    if reference is not None:
        models["default settings"] = CreativeScorer(features=spec)
    started = time.perf_counter()
    scored = fit_and_score(models, plan, MODEL)
    took = time.perf_counter() - started
    print(f"\n{title}: {plan.description}, {len(plan.folds)} folds ({took:.0f} s)")
    tables = {}
    for target in ("ctr", "cvr"):
        summary = summarise(scored.per_fold[target]).select("model", "log_loss", "auc", "spearman")
        paired = paired_differences(scored.per_fold[target], MODEL, plan)
        tables[target] = paired
        with pl.Config(tbl_cols=10, tbl_width_chars=160, float_precision=7, tbl_rows=20):
            print(f"{target.upper()} mean over folds:\n{summary}")
            print(f"{target.upper()} model minus baseline (log loss per trial), paired:\n{paired}")
    return tables


def kag_data():
    with tempfile.TemporaryDirectory() as folder:
        root = _project(Path(folder), "kag", 'client = "KAG"\n')
        shutil.copy(KAG, root / "raw" / "performance" / KAG.name)
        return load_training_data(load_project("kag", Workspace.discover(folder)))


def kag_cv() -> None:
    if not KAG.is_file():
        print(f"KAG data not found at {KAG}; skipped")
        return
    data = kag_data()
    print(f"\nKAG: {data.rows.height} ads, attributes {', '.join(data.features.columns)}")
    plan = grouped_plan(data.rows, "creative_id", folds=5, repeats=5, minimum=30)
    tables = _paired_report(data, plan, "KAG")
    for target, paired in tables.items():
        lost = paired.filter(pl.col("verdict") == "worse")["versus"].to_list()
        print(f"{target.upper()}: model loses to {lost or 'no baseline'} (95 % CI above zero)")
    scorer = CreativeScorer(features=data.features).fit(data.rows)
    sample = data.rows.head(200)
    unseen = scorer.predict_rate(sample.with_columns(pl.lit("999").alias("interest")))
    weights = np.asarray(scorer.encoder_.weights["interest"])
    margins = [
        np.log(r / (1 - r))
        for r in (
            scorer.predict_rate(sample.with_columns(pl.lit(v).alias("interest")))
            for v in scorer.encoder_.categories["interest"]
        )
    ]
    unknown = np.average(np.stack(margins), axis=0, weights=weights)
    gap = np.abs(np.log(unseen / (1 - unseen)) - unknown).max()
    print(f"unseen interest '999' vs the unknown-value prediction: max |logit gap| {gap:.2e}")


def keyword_data():
    with tempfile.TemporaryDirectory() as folder:
        columns = ", ".join(f'{k} = "{v}"' for k, v in MAPPING_COLUMNS.items())
        root = _project(
            Path(folder),
            "kw",
            'client = "kw"\n[[mappings]]\nkind = "performance"\nglob = "raw/performance/*.csv"\n'
            f"columns = {{ {columns} }}\n",
        )
        keyword_days(keywords=300, weeks=26, seed=5).write_csv(
            root / "raw" / "performance" / "kw.csv"
        )
        return load_training_data(load_project("kw", Workspace.discover(folder)))


def keyword_rolling() -> None:
    data = keyword_data()
    keywords = data.rows["creative_id"].n_unique()
    print(f"\nsynthetic keyword days: {data.rows.height:,} rows, {keywords} keywords")
    for w in data.warnings:
        print(f"  data quality: {w.message}")
    plan = rolling_plan(data.rows, origins=12, minimum=30)
    paired = _paired_report(data, plan, "keywords")["ctr"]
    row = paired.filter(pl.col("versus") == "entity history (shrunk)").row(0, named=True)
    print(
        f"model beats the per-entity history baseline in {row['folds_won']}/{row['folds']} "
        f"origins ({row['folds_won'] / row['folds']:.0%}; target >= 75 %)"
    )


def _searched(data, plan, trials: int = 12, seconds: float = 600.0) -> CreativeScorer:
    found = search_settings(CreativeScorer(features=data.features), plan, trials, seconds)
    chosen = ", ".join(f"{k}={v}" for k, v in found.best.items())
    print(
        f"search: {len(found.tried)} settings on {plan.description} in {found.seconds:.0f} s; "
        f"chosen {chosen}"
    )
    return CreativeScorer(features=data.features, **found.best)


def search_check() -> None:
    if KAG.is_file():
        data = kag_data()
        other = grouped_plan(data.rows, "creative_id", folds=5, repeats=1, minimum=30, seed=100)
        plan = grouped_plan(data.rows, "creative_id", folds=5, repeats=5, minimum=30)
        _paired_report(data, plan, "KAG, searched settings", _searched(data, other))
    data = keyword_data()
    plan = rolling_plan(data.rows, origins=12, minimum=30)
    first_test = min(f.test["period_start"].min() for f in plan.folds)
    earlier = data.rows.filter(pl.col("period_end") < first_test)
    searched = _searched(data, rolling_plan(earlier, origins=6, minimum=30))
    _paired_report(data, plan, "keywords, searched settings", searched)


def calendar_check() -> None:
    data = keyword_data()
    spec = data.features
    dated = FeatureSpec(spec.categorical, (*spec.numeric, "calendar_day"))
    plan = rolling_plan(data.rows, origins=12, minimum=30)
    _paired_report(data, plan, "keywords, with the calendar term", CreativeScorer(features=dated))


if __name__ == "__main__":
    parts = sys.argv[1:] or ["speed", "truth", "kag", "keywords", "search"]
    for part in parts:
        {
            "speed": speed,
            "truth": truth_check,
            "kag": kag_cv,
            "keywords": keyword_rolling,
            "search": search_check,
            "calendar": calendar_check,
        }[part]()
