"""Model settings from project.toml [scoring.model] and `train --set`, validated by one
model with ranges; a small search on the evaluation's own folds, recorded in the card."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from creative_workbench.config import ModelSettings, Workspace, load_project
from creative_workbench.errors import ConfigError
from creative_workbench.pipeline.predict import candidate_rows
from creative_workbench.pipeline.training import model_settings, train_project
from creative_workbench.pipeline.training_data import load_training_data
from creative_workbench.scoring.features import CALENDAR_EPOCH
from creative_workbench.scoring.scorer import CreativeScorer
from creative_workbench.scoring.search import SPACE, _eligible
from tests.cli_run import assert_one_line_error, workbench
from tests.unit.scoring.test_evaluation import keyword_project


def project_with(root, model_toml: str = ""):
    name = keyword_project(root)
    toml = root / "data" / "projects" / name / "project.toml"
    toml.write_text(toml.read_text() + model_toml)
    return load_project(name, Workspace.discover(root))


def test_scorer_defaults_are_the_settings_defaults():
    params = CreativeScorer().get_params()
    assert all(params[k] == v for k, v in ModelSettings().model_dump().items())


def test_project_settings_reach_the_model_and_the_card(tmp_path):
    project = project_with(tmp_path, "[scoring.model]\nmax_depth = 2\nn_estimators = 150\n")
    outcome = train_project(project, who="a", register=False, settings=["learning_rate=0.2"])
    card = outcome.card
    assert card["parameters"]["max_depth"] == 2 and card["parameters"]["n_estimators"] == 150
    assert card["parameters"]["learning_rate"] == 0.2 and outcome.model.learning_rate == 0.2
    assert card["tuning"]["overrides"] == ["learning_rate=0.2"]
    assert "search" not in card["tuning"]


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ("learning_rate = 1e6", "scoring.model.learning_rate"),
        ("n_estimators = -5", "scoring.model.n_estimators"),
        ("max_depth = 13", "scoring.model.max_depth"),
        ("subsample = 0", "scoring.model.subsample"),
        ("reg_lambda = inf", "scoring.model.reg_lambda"),
        ("depth = 2", "unknown key 'scoring.model.depth'"),
    ],
)
def test_out_of_range_project_settings_are_one_line_config_errors(tmp_path, toml, needle):
    with pytest.raises(ConfigError) as caught:
        project_with(tmp_path, f"[scoring.model]\n{toml}\n")
    assert needle in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("pair", "needle"),
    [
        ("max_depth=0", "--set max_depth=0: max_depth: Input should be greater than"),
        ("learning_rate=lots", "--set learning_rate=lots: learning_rate:"),
        ("depth=2", "unknown setting 'depth'; use one of n_estimators"),
        ("max_depth", "expected key=value"),
        ("min_child_weight=nan", "--set min_child_weight=nan"),
    ],
)
def test_bad_set_pairs_say_what_is_wrong(tmp_path, pair, needle):
    project = project_with(tmp_path)
    with pytest.raises(ConfigError) as caught:
        model_settings(project, [pair])
    assert needle in str(caught.value)
    assert model_settings(project, ["max_depth=3", "subsample=0.5"]).max_depth == 3


def test_bad_set_on_the_cli_is_one_line(tmp_path):
    project_with(tmp_path)
    result = workbench("train", "--project", "kw", "--set", "n_estimators=-5", cwd=tmp_path)
    assert "n_estimators" in assert_one_line_error(result)


def test_search_tries_settings_on_the_evaluation_folds_and_keeps_the_best(tmp_path):
    project = project_with(tmp_path, "[scoring]\nsearch = 2\n")
    outcome = train_project(project, who="a", register=False)
    search = outcome.card["tuning"]["search"]
    assert 2 <= len(search["tried"]) <= 3 and "optimistic" in search["note"]
    losses = [t["mean_ctr_log_loss"] for t in search["tried"]]
    best = search["tried"][losses.index(min(losses))]
    assert search["chosen"] == {k: best[k] for k in SPACE}
    assert all(outcome.card["parameters"][k] == v for k, v in search["chosen"].items())
    assert any(n.startswith("search: ") for n in outcome.notes)


def test_calendar_term_is_opt_in_and_predict_uses_the_last_training_day(tmp_path):
    plain = load_training_data(project_with(tmp_path / "plain"))
    assert "calendar_day" not in plain.features.numeric
    project = project_with(tmp_path / "dated", "[scoring]\ncalendar = true\n")
    data = load_training_data(project)
    assert "calendar_day" in data.features.numeric
    assert "calendar_day" not in data.features.static.numeric
    one_day = data.rows.filter(pl.col("period_start") == pl.col("period_start").max())
    assert one_day["calendar_day"].n_unique() == 1
    scorer = CreativeScorer(features=data.features, n_estimators=30, interval_estimators=10)
    scorer.fit(data.rows)
    frame = pl.DataFrame({"campaign": ["campaign 1"], "match_type": ["exact"]})
    rows, _ = candidate_rows(project, scorer, frame, "c.csv", "2026-04-26")
    assert rows["calendar_day"].to_list() == [float((date(2026, 4, 26) - CALENDAR_EPOCH).days)]
    assert np.isfinite(scorer.predict_rate(rows)).all()


def test_search_never_trades_conversion_loss_for_click_loss():
    tried = [
        {"mean_ctr_log_loss": 0.5, "mean_cvr_log_loss": 0.2},
        {"mean_ctr_log_loss": 0.4, "mean_cvr_log_loss": 0.3},
        {"mean_ctr_log_loss": 0.45, "mean_cvr_log_loss": 0.19},
        {"mean_ctr_log_loss": 0.3, "mean_cvr_log_loss": float("nan")},
    ]
    assert _eligible(tried) == [tried[0], tried[2]]
    no_cvr = [{**t, "mean_cvr_log_loss": float("nan")} for t in tried]
    assert _eligible(no_cvr) == no_cvr
