"""`status`: stage, who is asked since when, last failure, and the exit code for scripts."""

from __future__ import annotations

from pathlib import Path

from creative_workbench.config import Workspace, load_project
from creative_workbench.pipeline import stages
from creative_workbench.pipeline.status import (
    EXIT_DECISION,
    EXIT_FAILED,
    EXIT_OK,
    exit_code,
    project_status,
    workspace_status,
)
from creative_workbench.pipeline.store import Store, now_utc
from tests.studio import make_studio


def move(project, stage: str, *triggers: str, reason: str = "") -> None:
    with Store(project.state_db).transaction() as conn:
        for trigger in triggers:
            stages.record_transition(conn, stage, trigger, who="tick", at=now_utc(), reason=reason)


def test_a_new_project_is_waiting_for_research_and_fine(tmp_path: Path) -> None:
    make_studio(tmp_path)
    status = project_status(load_project("acme", Workspace(tmp_path)))
    assert (status.stage, status.state, status.since) == ("research", "waiting", None)
    assert status.waiting_on == [] and status.last_failure is None
    assert status.exit_code == EXIT_OK


def test_a_decision_names_the_role_the_people_and_since_when(tmp_path: Path) -> None:
    make_studio(tmp_path)
    project = load_project("acme", Workspace(tmp_path))
    move(project, "research", "inputs", "start", "finish")
    status = project_status(project)
    assert (status.stage, status.state) == ("research", "needs_decision")
    (wait,) = status.waiting_on
    assert (wait.stage, wait.role, wait.names) == ("research", "strategist", ["Sam Ortiz"])
    assert wait.since == status.since and wait.since.startswith(now_utc()[:10])
    assert status.exit_code == EXIT_DECISION
    assert status.to_dict()["waiting_on"][0]["names"] == ["Sam Ortiz"]


def test_a_failure_wins_over_a_decision_and_is_kept_as_last_failure(tmp_path: Path) -> None:
    make_studio(tmp_path)
    project = load_project("acme", Workspace(tmp_path))
    move(project, "research", "inputs", "start", "finish")
    move(project, "scoring", "inputs", "start", "fail", reason="DataError: bad.csv: no clicks")
    status = project_status(project)
    assert status.exit_code == EXIT_FAILED
    assert status.last_failure["stage"] == "scoring"
    assert status.last_failure["reason"] == "DataError: bad.csv: no clicks"
    move(project, "scoring", "retry", "start", "finish")
    recovered = project_status(project)
    assert recovered.exit_code == EXIT_DECISION  # research still waits on the strategist
    assert recovered.last_failure["stage"] == "scoring"  # history is kept


def test_workspace_status_lists_a_broken_project_and_goes_on(tmp_path: Path) -> None:
    make_studio(tmp_path, "fine")
    broken = make_studio(tmp_path, "broken")
    (broken / "project.toml").write_text('client = "x"\nreviewers = 3\n', "utf-8")
    found = workspace_status(Workspace(tmp_path))
    assert [s.project for s in found] == ["broken", "fine"]
    assert "reviewers" in found[0].error
    assert exit_code(found) == EXIT_FAILED
    assert exit_code(found[1:]) == EXIT_OK
