"""A forecast that can be acted on: the latest complete week by default, a track record
with impression-weighted error and log loss next to the naive per-entity forecast week by
week, and candidates with values without history flagged and held to the exploration share."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from creative_workbench.config import Workspace, load_project
from creative_workbench.pipeline.flows import get_flow
from creative_workbench.pipeline.forecast import new_values, week_rows, week_start
from creative_workbench.pipeline.training import train_project
from creative_workbench.pipeline.training_data import load_training_data
from creative_workbench.scoring.allocation import split_budget, thompson_shares
from tests.unit.test_scoring_evaluation import keyword_project


@pytest.fixture(scope="module")
def keywords(tmp_path_factory):
    root = tmp_path_factory.mktemp("forecast")
    project = load_project(keyword_project(root), Workspace.discover(root))
    outcome = train_project(project, promote=True, override="forecast tests", who="t")
    return project, outcome


@pytest.fixture(scope="module")
def forecast(keywords):
    return get_flow("scoring.forecast").run(keywords[0], budget=1000.0, backfill_weeks=2)


def test_default_week_is_the_latest_complete_week_with_running_entities(keywords, forecast):
    project, _ = keywords
    rows = load_training_data(project).rows
    assert forecast.week == week_start(None, rows)
    running = rows.filter(pl.col("period_start") >= forecast.week)["creative_id"].n_unique()
    assert forecast.ranking.height == running
    assert forecast.ranking["budget"].sum() == pytest.approx(1000.0)


def test_track_record_compares_with_the_naive_per_entity_forecast(forecast):
    record = forecast.track_record
    assert record.height == 2
    for column in (
        "weighted_abs_error_pp",
        "baseline_abs_error_pp",
        "log_loss",
        "baseline_log_loss",
        "beats_baseline",
    ):
        assert column in record.columns
    for row in record.iter_rows(named=True):
        assert all(
            math.isfinite(row[c]) and row[c] >= 0
            for c in ("weighted_abs_error_pp", "baseline_abs_error_pp", "log_loss")
        )
        assert row["beats_baseline"] == (row["log_loss"] < row["baseline_log_loss"])
        assert row["weighted_abs_error_pp"] < row["actual_ctr"] * 100  # smaller than the CTR
    assert forecast.track_detail["naive_ctr"].is_finite().all()


def test_candidates_with_new_values_are_flagged_but_not_for_being_new_entities(keywords):
    project, outcome = keywords
    data = load_training_data(project)
    week = week_start(None, data.rows)
    pool = data.creatives.head(3).with_columns(
        pl.Series("campaign", ["campaign 99", None, "campaign 1"]),
        pl.Series("creative_id", ["kw new", "kw 0001", "kw 0002"]),
        pl.Series("entity", ["kw new", "kw 0001", "kw 0002"]),
    )
    flags = new_values(
        outcome.model, week_rows(pool, week, project.config.thresholds.brand_early_s)
    ).sort("creative_id")
    assert flags["new_values"].to_list() == ["", "", "campaign = campaign 99"]


def test_flagged_candidates_get_only_the_exploration_share():
    alpha, beta = np.array([90.0, 10.0, 10.0]), np.array([910.0, 990.0, 990.0])
    flagged = np.array([True, False, False])
    shares, wins = thompson_shares(alpha, beta, explore=0.2, explore_only=flagged)
    assert shares[0] == pytest.approx(0.2 / 3) and wins[0] == 0.0
    assert shares.sum() == pytest.approx(1.0)
    unflagged, _ = thompson_shares(alpha, beta, explore=0.2)
    assert unflagged[0] > 0.8
    amounts, _ = split_budget(300.0, alpha, beta, explore_only=np.ones(3, bool))
    assert amounts.tolist() == [100.0, 100.0, 100.0]
