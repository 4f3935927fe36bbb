"""A registry that defends itself: tampered, truncated or malformed model files are one line
("model vN is damaged: FILE: WHAT; retrain or promote another"), exit 2, no traceback and
no native XGBoost stack — checked against manifest.json, against the hashes state.db
recorded at training, and by validating the card and the settings on load."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from creative_workbench.config import Workspace, load_project
from creative_workbench.errors import DataError
from creative_workbench.pipeline import models
from creative_workbench.pipeline.flows import get_flow
from creative_workbench.pipeline.training import train_project
from creative_workbench.scoring.integrity import write_manifest
from creative_workbench.scoring.persistence import ScorerFileError
from creative_workbench.scoring.scorer import CreativeScorer
from tests.cli_run import assert_one_line_error, workbench
from tests.unit.test_scoring_evaluation import keyword_project

DAMAGED = "model v0001 is damaged: "


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("registry")
    project = load_project(keyword_project(root), Workspace.discover(root))
    outcome = train_project(project, promote=True, override="hostile tests", who="t")
    assert outcome.version == "v0001" and outcome.promoted
    return root


@pytest.fixture
def root(trained, tmp_path) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(trained, copy)
    return copy


def version_dir(root: Path) -> Path:
    return root / "data" / "projects" / "kw" / "models" / "v0001"


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


LIST = ("models", "list", "--project", "kw")
SHOW = ("models", "show", "v0001", "--project", "kw")
PREDICT = ("predict", "--project", "kw", "--input", "candidates.csv", "--output", "out.csv")


def every_command_refuses(root: Path, needle: str, cli=PREDICT, loaders_only=False) -> None:
    """The CLI command CLI fails in one line naming NEEDLE; so do the registry's readers
    (all of them, or with LOADERS_ONLY those that load the boosters: predict, forecast)."""
    (root / "candidates.csv").write_text(
        "campaign,ad_group,match_type\ncampaign 1,group 05,exact\n"
    )
    line = assert_one_line_error(workbench(*cli, cwd=root))
    assert needle in line and "promote" in line, line
    assert "XGBoost" not in line.replace("XGBoost model", "") and "dmlc" not in line
    project = load_project("kw", Workspace.discover(root))
    readers = [models.load_model, lambda p: get_flow("scoring.forecast").run(p)]
    if not loaders_only:
        readers += [models.list_models, lambda p: models.read_card(p, "v0001")]
    for reader in readers:
        with pytest.raises(DataError) as caught:
            reader(project)
        assert "\n" not in str(caught.value) and needle in str(caught.value)


def test_an_untouched_model_loads_and_lists(root):
    assert workbench("models", "list", "--project", "kw", cwd=root).returncode == 0
    assert (version_dir(root) / "manifest.json").is_file()


def test_tampered_scorer_settings_are_refused(root):
    edit_json(
        version_dir(root) / "scorer.json",
        lambda s: s["params"].update(learning_rate=1e6, n_estimators=-5),
    )
    every_command_refuses(root, DAMAGED + "scorer.json: contents changed", SHOW)


def test_settings_are_validated_on_load_even_with_a_rewritten_manifest(root):
    folder = version_dir(root)
    edit_json(folder / "scorer.json", lambda s: s["params"].update(learning_rate=1e6))
    write_manifest(folder)
    (root / "data" / "projects" / "kw" / "state.db").unlink()
    with pytest.raises(ScorerFileError, match="learning_rate"):
        CreativeScorer.load(folder)
    every_command_refuses(root, DAMAGED + "scorer.json: params.learning_rate")


def test_an_edited_card_is_refused(root):
    edit_json(
        version_dir(root) / "card.json",
        lambda c: c["metrics"]["ctr"]["model"].update(log_loss=-5),
    )
    every_command_refuses(root, DAMAGED + "card.json: contents changed", LIST)


def test_a_rewritten_manifest_is_caught_by_the_hashes_in_state_db(root):
    folder = version_dir(root)
    edit_json(folder / "card.json", lambda c: c.update(created_by="someone else"))
    write_manifest(folder)
    every_command_refuses(root, DAMAGED + "card.json: hash differs from the one recorded")


def test_a_nonsense_loss_is_refused_without_any_record(root):
    folder = version_dir(root)
    edit_json(folder / "card.json", lambda c: c["metrics"]["ctr"]["model"].update(log_loss=-5))
    write_manifest(folder)
    (root / "data" / "projects" / "kw" / "state.db").unlink()
    every_command_refuses(root, DAMAGED + "card.json: metrics.ctr.model.log_loss = -5", LIST)


@pytest.mark.parametrize("rewrite_manifest", [False, True], ids=["hash", "loader"])
def test_a_truncated_model_is_one_line_without_xgboost_stack(root, rewrite_manifest):
    model = version_dir(root) / "model.ubj"
    model.write_bytes(model.read_bytes()[:100])
    needle = "model.ubj: contents changed"
    if rewrite_manifest:
        write_manifest(version_dir(root))
        (root / "data" / "projects" / "kw" / "state.db").unlink()
        needle = "model.ubj: missing or not a readable XGBoost model"
    every_command_refuses(root, DAMAGED + needle, PREDICT, loaders_only=rewrite_manifest)


@pytest.mark.parametrize("text", ["[1, 2]", '{"version": "v0001", "metr'])
def test_a_non_object_or_truncated_card_is_one_line(root, text):
    folder = version_dir(root)
    (folder / "card.json").write_text(text)
    write_manifest(folder)
    (root / "data" / "projects" / "kw" / "state.db").unlink()
    every_command_refuses(root, DAMAGED + "card.json: ", SHOW)


def test_a_missing_manifest_is_one_line(root):
    (version_dir(root) / "manifest.json").unlink()
    every_command_refuses(root, DAMAGED + "manifest.json: missing")


@pytest.mark.parametrize("text", ["{", '{"version": "../../etc"}'])
def test_a_malformed_promoted_json_is_one_line_and_retraining_recovers(root, text):
    promoted = root / "data" / "projects" / "kw" / "models" / "promoted.json"
    promoted.write_text(text)
    every_command_refuses(root, "promoted.json: ", LIST, loaders_only=True)
    with pytest.raises(DataError, match=r"promoted\.json: "):
        models.list_models(load_project("kw", Workspace.discover(root)))
    again = workbench("models", "promote", "v0001", "--project", "kw", cwd=root)
    assert again.returncode == 0, again.stderr
    assert json.loads(promoted.read_text())["version"] == "v0001"


def test_retraining_works_when_the_promoted_model_is_damaged(root):
    edit_json(version_dir(root) / "scorer.json", lambda s: s["params"].update(max_depth=99))
    project = load_project("kw", Workspace.discover(root))
    outcome = train_project(project, who="t", promote=True, override="replace damaged")
    assert outcome.version == "v0002" and outcome.promoted
    assert any("not compared with the promoted model" in n for n in outcome.notes)
    assert models.load_model(project)[1]["version"] == "v0002"
