"""Evaluation that fits the data: folds, paired intervals, promotion, honest baselines and
metrics that are undefined (—) rather than invented."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from creative_workbench.config import Workspace, load_project
from creative_workbench.errors import DataError
from creative_workbench.pipeline.store import Store
from creative_workbench.pipeline.training import MODEL, PROMOTED, _decide, train_project
from creative_workbench.scoring import evaluation as ev
from creative_workbench.scoring.baselines import EntityHistory, LogisticBaseline
from creative_workbench.scoring.features import FeatureSpec
from creative_workbench.scoring.synthetic import MAPPING_COLUMNS, keyword_days
from creative_workbench.scoring.validation import (
    Plan,
    _interval,
    grouped_plan,
    paired_differences,
)
from tests.unit.scoring.test_scorer import history


def keyword_project(root, **scoring) -> str:
    folder = root / "data" / "projects" / "kw"
    (folder / "raw" / "performance").mkdir(parents=True)
    keyword_days().write_csv(folder / "raw" / "performance" / "keywords.csv")
    columns = ", ".join(f'{k} = "{v}"' for k, v in MAPPING_COLUMNS.items())
    extra = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in scoring.items())
    (folder / "project.toml").write_text(
        'client = "kw"\n[[mappings]]\nkind = "performance"\nglob = "raw/performance/'
        f'keywords.csv"\ncolumns = {{ {columns} }}\n' + (f"[scoring]\n{extra}" if extra else "")
    )
    return "kw"


@pytest.fixture(scope="module")
def keyword_outcome(tmp_path_factory):
    root = tmp_path_factory.mktemp("kw")
    project = load_project(keyword_project(root), Workspace.discover(root))
    return project, train_project(project, who="analyst")


def test_keywords_launched_together_get_a_rolling_backtest(keyword_outcome):
    _, outcome = keyword_outcome
    assert outcome.plan.method == "rolling" and len(outcome.plan.folds) == 8
    for fold in outcome.plan.folds:
        assert fold.train.get_column("period_end").max() < fold.test["period_start"].min()
    warning = next(w for w in outcome.data.warnings if "above impressions" in w.issue)
    assert warning.count > 0 and warning.rows
    assert "conversion model skipped" in " ".join(outcome.notes)


def test_model_beats_entity_history_in_most_rolling_origins(keyword_outcome):
    _, outcome = keyword_outcome
    paired = outcome.differences["ctr"].filter(pl.col("versus") == "entity history (shrunk)")
    row = paired.row(0, named=True)
    assert row["folds"] == 8 and row["folds_won"] / row["folds"] >= 0.75
    assert row["ci_high"] < 0 and row["verdict"] == "better"


def paired(*rows: tuple[str, float, float, float]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "versus": v,
                "difference": d,
                "ci_low": lo,
                "ci_high": hi,
                "folds_won": 3,
                "folds": 5,
                "verdict": "",
            }
            for v, d, lo, hi in rows
        ]
    )


def test_promotion_needs_an_interval_that_excludes_zero():
    unclear = paired(("global rate", -0.01, -0.03, -0.02), ("logistic", -0.001, -0.004, 0.002))
    decision, ok = _decide(unclear, None, True, None)
    assert not ok and "vs logistic" in decision and "does not exclude zero" in decision
    clear = paired(("global rate", -0.01, -0.03, -0.02), ("logistic", -0.001, -0.002, -0.0005))
    assert _decide(clear, None, True, None)[1]
    worse = paired(("logistic", -0.001, -0.002, -0.0005), (PROMOTED, 0.002, 0.001, 0.003))
    decision, ok = _decide(worse, "v0001", True, None)
    assert not ok and "clearly worse than the promoted" in decision
    decision, ok = _decide(unclear, None, True, "client pilot")
    assert ok and decision.startswith("promoted by override (client pilot)")


def test_an_override_is_recorded_as_a_decision(tmp_path):
    project = load_project(keyword_project(tmp_path), Workspace.discover(tmp_path))
    forced = train_project(project, promote=True, override="pilot needs a model", who="b")
    assert forced.promoted
    decisions = Store(project.state_db).query("SELECT who, decision, note FROM decisions")
    assert decisions.row(0)[:2] == ("b", "promoted")
    assert decisions.row(0)[2] == forced.decision


def test_time_split_without_new_creatives_says_what_to_use(tmp_path):
    project = load_project(keyword_project(tmp_path), Workspace.discover(tmp_path))
    with pytest.raises(DataError, match="--eval rolling"):
        train_project(project, evaluation="time", test_weeks=1)


def test_grouped_folds_keep_groups_whole_and_check_test_size():
    rows = history(creatives=40, days=3)
    plan = grouped_plan(rows, "creative_id", folds=4, repeats=2, minimum=5)
    assert len(plan.folds) == 8
    for fold in plan.folds:
        assert not set(fold.train["creative_id"]) & set(fold.test["creative_id"])
    with pytest.raises(DataError, match="at least 1000 are needed"):
        grouped_plan(rows, "creative_id", folds=4, repeats=1, minimum=1000)


def test_paired_interval_uses_the_corrected_t_for_overlapping_folds():
    d = np.array([-1.0, -2.0, -1.5, -0.5, -1.0])
    low, high = _interval(d, train_share=0.8)
    plain = 2.776 * d.std(ddof=1) * np.sqrt(1 / 5)
    corrected = 2.776 * d.std(ddof=1) * np.sqrt(1 / 5 + 0.25)
    assert high - low == pytest.approx(2 * corrected, rel=1e-3) and high - low > 2 * plain
    per_fold = pl.DataFrame(
        {
            "model": [MODEL, "base"] * 5,
            "fold": [f"f{i}" for i in range(5) for _ in range(2)],
            "log_loss": [v for x in d for v in (1.0 + x, 1.0)],
        }
    )
    table = paired_differences(per_fold, MODEL, Plan("grouped", [], "", 0.8))
    assert table.row(0, named=True)["verdict"] == "better"


def test_constant_predictors_have_no_rank_metrics_and_no_positives_no_loss():
    rate = np.full(50, 0.02) + np.r_[np.zeros(49), 1e-18]
    s = np.arange(50) % 3
    n = np.full(50, 100.0)
    metrics = ev.score(rate, s, n)
    assert np.isnan(metrics["auc"]) and np.isnan(metrics["spearman"])
    assert np.isnan(metrics["top_quintile_precision"]) and np.isfinite(metrics["log_loss"])
    none = ev.score(np.linspace(0.01, 0.02, 50), np.zeros(50), n)
    assert all(np.isnan(v) for v in none.values())


def test_logistic_baseline_converges_and_matches_the_total_in_sample():
    rows = history(creatives=60, days=5)
    spec = FeatureSpec(("angle", "audience", "placement"), ("hook_words",))
    model = LogisticBaseline(spec).fit(rows)
    assert model.converged_["ctr"]
    predicted = (model.predict_rate(rows) * rows["impressions"].to_numpy()).sum()
    assert predicted == pytest.approx(rows["clicks"].sum(), rel=0.01)


def test_entity_history_shrinks_and_falls_back_to_the_global_rate():
    rows = history(creatives=30, days=10)
    model = EntityHistory().fit(rows)
    unseen = rows.head(1).with_columns(pl.lit("never").alias("creative_id"))
    assert model.predict_rate(unseen)[0] == pytest.approx(model.global_.rates_["ctr"])
    rates = model.predict_rate(rows.unique("creative_id"))
    assert rates.std() > 0
