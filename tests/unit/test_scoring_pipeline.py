"""Training, registry, weekly forecast and track record on a copy of the demo project."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from typer.testing import CliRunner

from creative_workbench.config import Workspace, load_project
from creative_workbench.pipeline.flows import get_flow
from creative_workbench.pipeline.forecast import week_start
from creative_workbench.pipeline.store import Store
from creative_workbench.pipeline.training import train_project
from creative_workbench.pipeline.training_data import load_training_data
from creative_workbench.pipeline.week_models import BACKFILL_TREES, fit_before
from creative_workbench.scoring import registry
from creative_workbench.scoring.scorer import CreativeScorer
from tests.projects import copy_project


@pytest.fixture(scope="module")
def trained(demo_workspace, tmp_path_factory):
    root = tmp_path_factory.mktemp("scoring")
    copy_project(demo_workspace, root)
    project = load_project("demo", Workspace.discover(root))
    outcome = train_project(project, promote=True, test_weeks=8, who="analyst")
    return project, outcome


def test_training_registers_and_promotes_a_model_that_beats_the_baselines(trained):
    project, outcome = trained
    assert outcome.promoted and outcome.version == "v0001"
    ctr = outcome.comparison["ctr"]
    model = ctr.filter(pl.col("model").str.starts_with("model"))["log_loss"].item()
    baselines = ctr.filter(~pl.col("model").str.starts_with("model"))["log_loss"]
    assert model < baselines.min()
    card = registry.read_card(project.models_dir, "v0001")
    assert card["created_by"] == "analyst" and len(card["training"]["data_hash"]) == 64
    assert card["evaluation"]["method"].startswith("time split")
    assert registry.promoted_version(project.models_dir) == "v0001"
    decisions = Store(project.state_db).query("SELECT who, decision FROM decisions")
    assert decisions.row(0) == ("analyst", "promoted")


def test_week_start_rounds_to_monday():
    assert week_start("2026-09-24") == date(2026, 9, 21)
    rows = pl.DataFrame({"period_end": [date(2026, 10, 6)]})
    assert week_start(None, rows) == date(2026, 9, 28)


def test_forecast_ranks_splits_budget_and_keeps_a_track_record(trained):
    project, _ = trained
    forecast = get_flow("scoring.forecast").run(project, budget=5000.0, backfill_weeks=2)
    ranking = forecast.ranking
    assert ranking.height > 0
    assert ranking["ctr"].to_list() == sorted(ranking["ctr"].to_list(), reverse=True)
    assert ranking["budget"].sum() == pytest.approx(5000.0)
    assert all(len(r) == 3 for r in ranking["reasons"].to_list())
    assert forecast.model_version.endswith(f"@before-{forecast.week}")
    stored = Store(project.state_db).query("SELECT DISTINCT week, model_version FROM predictions")
    assert stored.height == 3
    record = forecast.track_record
    assert record.height == 2 and record["week"].max() < forecast.week
    for week, version in record.select("week", "model_version").iter_rows():
        assert version.endswith(f"@before-{week}")
    assert (record["week"] >= forecast.week - timedelta(weeks=2)).all()
    assert record["coverage"].is_between(0, 1).all()


def test_cli_lists_and_shows_models(trained):
    from creative_workbench.cli import _register_commands, app

    project, _ = trained
    _register_commands()
    root = str(project.root.parents[2])
    runner = CliRunner()
    listed = runner.invoke(app, ["models", "list", "--project", "demo", "--root", root])
    assert listed.exit_code == 0 and "v0001" in listed.output
    shown = runner.invoke(app, ["models", "show", "v0001", "--project", "demo", "--root", root])
    assert shown.exit_code == 0 and "data_hash" in shown.output


def test_a_second_forecast_reuses_stored_predictions_and_cached_models(trained):
    project, _ = trained
    first = get_flow("scoring.forecast").run(project, budget=5000.0, backfill_weeks=2)
    query = "SELECT week, at, model_version, creative_id, ctr FROM predictions WHERE week < ?"
    store = Store(project.state_db)
    stored = store.query(query + " ORDER BY week, creative_id", (str(first.week),))
    cached = sorted(p.name for p in (project.cache_dir / "forecast_models").iterdir())
    second = get_flow("scoring.forecast").run(project, budget=5000.0, backfill_weeks=2)
    assert store.query(query + " ORDER BY week, creative_id", (str(first.week),)).equals(stored)
    assert sorted(p.name for p in (project.cache_dir / "forecast_models").iterdir()) == cached
    columns = ["creative_id", "ctr", "ctr_lower", "cvr_upper", "budget"]
    assert second.ranking.select(columns).equals(first.ranking.select(columns))
    backfilled = set(stored["model_version"])
    assert backfilled and all(f"/{BACKFILL_TREES} trees@" in v for v in backfilled)
    assert "trees" not in second.model_version


def test_cached_week_model_is_the_model_a_fresh_fit_gives(trained):
    project, _ = trained
    data = load_training_data(project)
    week = week_start(None, data.rows)
    settings = CreativeScorer(n_estimators=60, interval_estimators=20)
    first = fit_before(project, settings, data, week)
    again = fit_before(project, settings, data, week)
    before = data.rows.filter((pl.col("period_end") < week) & (pl.col("launch_date") < week))
    fresh = CreativeScorer(n_estimators=60, interval_estimators=20).fit(before)
    assert again.predict(data.rows).equals(first.predict(data.rows))
    assert fresh.predict(data.rows).equals(again.predict(data.rows))
    assert not list(project.cache_dir.rglob("*.pkl"))


def test_retraining_with_promoted_settings_reuses_the_model_fit(trained):
    project, _ = trained
    outcome = train_project(project, test_weeks=8, who="analyst")
    ctr = outcome.comparison["ctr"]
    model = ctr.filter(pl.col("model") == "model (XGBoost)").drop("model")
    promoted = ctr.filter(pl.col("model") == "promoted model settings").drop("model")
    assert promoted.height == 1 and promoted.equals(model)
    assert outcome.decision.startswith("promotable (not asked)")
