"""The concepts flows on the demo project: briefs, QA-checked cards and packs written, the
run recorded in flow_runs; a card failing the gate is not ready; predictions with the
promoted model flag values without history."""

from __future__ import annotations

import json

import polars as pl
import pytest
from PIL import Image

from creative_workbench.concepts.briefs import read_briefs
from creative_workbench.config import Workspace, load_project
from creative_workbench.pipeline.flows import get_flow
from creative_workbench.pipeline.flows.concepts import BRIEFS, CARDS, PACKS, check_cards
from creative_workbench.pipeline.store import Store
from tests.projects import copy_project


@pytest.fixture(scope="module")
def demo_run(demo_workspace, tmp_path_factory):
    """One briefs run (6 briefs, two aspects) on a private copy of the demo project."""
    root = tmp_path_factory.mktemp("concepts")
    copy_project(demo_workspace, root)
    project = load_project("demo", Workspace(root))
    return project, BRIEFS.run(project, n=6, aspects=("4:5", "9:16"))


def test_flows_are_registered():
    assert get_flow("concepts.briefs") is BRIEFS
    assert get_flow("concepts.cards") is CARDS and get_flow("concepts.packs") is PACKS
    assert BRIEFS.params().n == 30


def test_briefs_run_writes_briefs_cards_and_packs(demo_run):
    project, result = demo_run
    briefs = read_briefs(project.concepts_dir)
    assert briefs.height == 6 and briefs.equals(result.briefs)
    assert (project.concepts_dir / "briefs.csv").is_file()
    assert briefs.get_column("angle").n_unique() >= 3
    assert briefs.get_column("evidence_using").list.len().sum() > 0  # real ads as evidence
    cards = pl.read_parquet(project.concepts_dir / "cards.parquet")
    expected = sum(len(a) for a in briefs.get_column("aspects"))
    assert cards.height == expected == result.cards.height
    assert "unchecked" not in set(cards.get_column("qa"))  # the gate saw every card
    assert cards.get_column("ready").all(), cards.filter(~pl.col("ready")).rows()
    for file in cards.get_column("file"):
        assert (project.root / file).is_file()
    packs = project.concepts_dir / "packs"
    assert len(list((packs / "comfyui").glob("br-*.json"))) == 6
    assert len((packs / "midjourney.txt").read_text().splitlines()) == expected


def test_briefs_run_is_recorded(demo_run):
    project, result = demo_run
    store = Store(project.state_db)
    runs = store.query("SELECT * FROM flow_runs WHERE flow = 'concepts.briefs'")
    assert runs.height == 1
    run = runs.row(0, named=True)
    assert run["status"] == "done" and run["stage"] == "concepts"
    summary = json.loads(run["summary"])
    assert summary == json.loads(json.dumps(result.summary_record()))
    assert summary["briefs"] == 6 and summary["cards_ready"] == summary["cards"] > 0
    assert json.loads(run["params"])["aspects"] == ["4:5", "9:16"]
    events = store.query("SELECT what FROM events WHERE what LIKE 'flow.%'")
    assert {"flow.started", "flow.finished"} <= set(events.get_column("what"))


def test_a_card_failing_the_gate_is_not_ready(demo_run):
    project, result = demo_run
    first = result.cards.head(1)
    path = project.root / first.get_column("file")[0]
    width, height = first.get_column("width")[0], first.get_column("height")[0]
    off_brand = project.concepts_dir / "cards" / path.name.replace(".png", "_off.png")
    Image.new("RGB", (width, height), (0, 200, 0)).save(off_brand)  # green, no logo
    checked = check_cards(
        project, first.with_columns(pl.lit(f"concepts/cards/{off_brand.name}").alias("file"))
    )
    row = checked.row(0, named=True)
    assert row["qa"] == "fail" and row["ready"] is False
    assert "brand.palette" in row["qa_notes"] and "brand.logo" in row["qa_notes"]


def test_packs_flow_rewrites_packs_from_stored_briefs(demo_run):
    project, _ = demo_run
    result = PACKS.run(project, seed=5)
    assert len(result.pack_files) == 6 * 2 + 2
    store = Store(project.state_db)
    assert store.query("SELECT * FROM flow_runs WHERE flow = 'concepts.packs'").height == 1


def test_predictions_from_the_promoted_model(demo_workspace, tmp_path):
    from creative_workbench.pipeline.training import train_project

    copy_project(demo_workspace, tmp_path)
    project = load_project("demo", Workspace(tmp_path))
    outcome = train_project(project, override="test: promote whatever trains", promote=True)
    result = BRIEFS.run(project, n=5, cards=False, packs=False)
    briefs = result.briefs
    assert briefs.get_column("ctr").is_not_null().all()
    assert (briefs.get_column("ctr_lower") <= briefs.get_column("ctr_upper")).all()
    assert briefs.get_column("prediction_note").str.contains(f"model {outcome.version}").all()
    # the demo's history has no 'Find your fit' CTA and no Pinterest/X placements
    flagged = briefs.filter(pl.col("new_values") != "")
    assert flagged.height > 0
    assert flagged.get_column("prediction_note").str.contains("neutral").all()
    assert result.summary_record()["predicted_by"] == f"model {outcome.version}"
