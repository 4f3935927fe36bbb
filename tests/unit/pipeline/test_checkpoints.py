"""Human checkpoints: roles enforced from project.toml, refusals write nothing, QA waivers."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from creative_workbench.config import Workspace, load_project
from creative_workbench.pipeline import stages
from creative_workbench.pipeline.checkpoints import CheckpointError, decide, open_qa_findings
from creative_workbench.pipeline.store import Store, now_utc
from tests.studio import REVIEWERS, make_studio


@pytest.fixture
def project(tmp_path: Path):
    make_studio(tmp_path)
    return load_project("acme", Workspace(tmp_path))


def move(project, stage: str, *triggers: str) -> None:
    """Make system moves as `workbench tick` does (through the same table)."""
    with Store(project.state_db).transaction() as conn:
        for trigger in triggers:
            extra = {"fingerprint": "f1"} if trigger == "inputs" else {}
            stages.record_transition(conn, stage, trigger, who="tick", at=now_utc(), **extra)


def counts(project) -> tuple[int, int]:
    store = Store(project.state_db)
    return store.events().height, store.query("SELECT * FROM decisions").height


def state(project, stage: str) -> str:
    return stages.project_states(project.state_db)[stage].state


def test_the_strategist_signs_off_research(project) -> None:
    move(project, "research", "inputs", "start", "finish")
    made = decide(project, "research", "approve", "sam  ortiz", "angles hold up")
    assert made.state.state == stages.DONE and state(project, "research") == stages.DONE
    row = Store(project.state_db).query("SELECT who, stage, decision, note FROM decisions").row(0)
    assert row == ("Sam Ortiz", "research", "approve", "angles hold up")
    last = stages.project_states(project.state_db)["research"]
    assert (last.who, last.payload["reason"], last.payload["role"]) == (
        "Sam Ortiz",
        "angles hold up",
        "strategist",
    )


def test_reject_sends_the_stage_back_to_waiting(project) -> None:
    move(project, "concepts", "inputs", "start", "finish")
    decide(project, "concepts", "reject", REVIEWERS["creative lead"], "too close to Stridewell")
    assert state(project, "concepts") == stages.WAITING
    assert Store(project.state_db).query("SELECT decision FROM decisions").item() == "reject"


def test_an_unknown_person_is_refused_and_nothing_is_written(project) -> None:
    move(project, "research", "inputs", "start", "finish")
    before = counts(project)
    with pytest.raises(CheckpointError, match="'Eve' is not a reviewer of project acme"):
        decide(project, "research", "approve", "Eve", "looks fine")
    assert counts(project) == before and state(project, "research") == stages.NEEDS_DECISION


def test_the_wrong_role_is_refused_naming_who_decides(project) -> None:
    move(project, "delivery", "inputs")
    before = counts(project)
    with pytest.raises(CheckpointError, match=r"needs the senior reviewer role \(Ines Larsen\)"):
        decide(project, "delivery", "approve", REVIEWERS["producer"], "ship it")
    assert counts(project) == before


def test_a_stage_not_waiting_on_a_decision_is_refused(project) -> None:
    move(project, "research", "inputs")
    before = counts(project)
    with pytest.raises(CheckpointError, match="research of project acme is ready, not waiting"):
        decide(project, "research", "approve", REVIEWERS["strategist"], "ok")
    assert counts(project) == before


@pytest.mark.parametrize(
    ("stage", "reason", "message"),
    [
        ("production", "ok", "stage 'production' has no human checkpoint"),
        ("shipping", "ok", "unknown stage 'shipping'"),
        ("research", "  ", "a decision needs a reason"),
    ],
)
def test_bad_decisions_are_refused(project, stage, reason, message) -> None:
    with pytest.raises(CheckpointError, match=message):
        decide(project, stage, "approve", REVIEWERS["strategist"], reason)
    assert not project.state_db.exists() or counts(project) == (0, 0)


def test_qa_findings_are_waived_one_by_one_by_the_producer(project) -> None:
    """A real QA run (one wrong-aspect PNG, no logo) leaves failing findings to waive."""
    from creative_workbench.pipeline.qa_run import run_qa

    folder = project.deliverables_dir
    folder.mkdir()
    Image.new("RGB", (400, 300), (252, 204, 0)).save(folder / "wide_meta_reels_v1.png")
    run_qa(project, [], executor="thread")
    move(project, "qa", "inputs", "start", "finish")
    names = [f.name for f in open_qa_findings(project)]
    assert "wide_meta_reels_v1.png::format.aspect" in names and len(names) >= 2

    producer = REVIEWERS["producer"]
    with pytest.raises(CheckpointError, match="pass --finding FILE::CHECK"):
        decide(project, "qa", "approve", producer, "client accepts")
    with pytest.raises(CheckpointError, match="no open failing QA finding 'nope::x'"):
        decide(project, "qa", "approve", producer, "client accepts", finding="nope::x")
    with pytest.raises(CheckpointError, match="needs the producer role"):
        decide(project, "qa", "approve", REVIEWERS["strategist"], "fine", finding=names[0])

    for index, name in enumerate(names):
        made = decide(project, "qa", "approve", producer, f"waiver {index}", finding=name)
        last = index == len(names) - 1
        assert made.state.state == (stages.DONE if last else stages.NEEDS_DECISION)
    assert open_qa_findings(project) == []
    with pytest.raises(CheckpointError, match="qa of project acme is done"):
        decide(project, "qa", "approve", producer, "again", finding=names[0])

    # A waiver holds for that version of the file only: a re-export is checked afresh.
    Image.new("RGB", (400, 301), (252, 204, 0)).save(folder / "wide_meta_reels_v1.png")
    run_qa(project, [], executor="thread")
    assert "wide_meta_reels_v1.png::format.aspect" in [f.name for f in open_qa_findings(project)]
