"""`tick`: idempotent passes on small real project folders, the lock, vanished inputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from creative_workbench.config import Workspace, load_project
from creative_workbench.pipeline import stages
from creative_workbench.pipeline.checkpoints import decide
from creative_workbench.pipeline.stage_work import TickSettings
from creative_workbench.pipeline.store import Store, now_utc
from creative_workbench.pipeline.tick import plan, project_lock, tick, tick_all
from tests.studio import REVIEWERS, make_studio

QUIET = TickSettings(reports=False, notify=False)
SRC = Path(__file__).resolve().parents[3] / "src"


def load(root: Path, name: str = "acme"):
    return load_project(name, Workspace(root))


def states(project) -> dict[str, str]:
    return {k: v.state for k, v in stages.project_states(project.state_db).items()}


def sign_off(project, stage: str, role: str) -> None:
    """The system moves up to the checkpoint, then the named person approves."""
    with Store(project.state_db).transaction() as conn:
        for trigger in ("inputs", "start", "finish"):
            extra = {"fingerprint": "given"} if trigger == "inputs" else {}
            stages.record_transition(conn, stage, trigger, who="tick", at=now_utc(), **extra)
    decide(project, stage, "approve", REVIEWERS[role], "approved in the test")


def test_a_project_with_nothing_to_do_is_left_untouched(tmp_path: Path) -> None:
    make_studio(tmp_path, ads=False)
    project = load(tmp_path)
    report = tick(project, QUIET)
    assert report.moves == [] and report.lines() == ["acme: nothing to do"]
    assert not project.state_db.exists()  # not even a state.db is created


def test_approved_concepts_become_the_production_folder_once(tmp_path: Path) -> None:
    make_studio(tmp_path, ads=False)
    project = load(tmp_path)
    briefs = [{"brief_id": f"b{i}", "angle": angle} for i, angle in enumerate("ABC", 1)]
    project.concepts_dir.mkdir()
    pl.DataFrame(briefs).write_parquet(project.concepts_dir / "briefs.parquet")
    candidates = pl.DataFrame(  # imported generations, linked to their briefs
        {"candidate_id": ["c1", "c2"], "brief_id": ["b1", "b3"], "file": ["c1.png", "c2.png"]}
    )
    candidates.write_parquet(project.concepts_dir / "candidates.parquet")
    store = Store(project.state_db)
    store.record_decision("concepts", "b2", "approve", "Maya Okafor", "strong")  # a brief
    store.record_decision("concepts", "c1", "approve_with_changes", "Maya Okafor", "crop")
    store.record_decision("concepts", "c2", "discard", "Maya Okafor", "off brand")
    sign_off(project, "research", "strategist")

    first = tick(project, QUIET)
    concepts = [m for m in first.moves if m.stage == "concepts"]
    assert [m.target for m in concepts][-1] == stages.NEEDS_DECISION
    decide(project, "concepts", "approve", REVIEWERS["creative lead"], "keep b2")

    second = tick(project, QUIET)
    assert [(m.stage, m.target) for m in second.moves] == [
        ("production", stages.READY),
        ("production", stages.RUNNING),
        ("production", stages.DONE),
    ]
    folder = project.root / "production"
    kept = json.loads((folder / "approved_briefs.json").read_text())
    assert [(b["brief_id"], b["angle"]) for b in kept] == [("b1", "A"), ("b2", "B")]
    assert [c["file"] for c in kept[0]["approved_candidates"]] == ["c1.png"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["approved_by"] == "Maya Okafor" and manifest["briefs"] == 2
    assert manifest["source"] == "concepts/briefs.parquet"

    events = Store(project.state_db).events().height
    assert tick(project, QUIET).moves == [] and plan(project, QUIET) == []
    assert Store(project.state_db).events().height == events  # the second tick wrote nothing


def test_inputs_that_vanish_send_the_stage_back_to_waiting(tmp_path: Path) -> None:
    folder = make_studio(tmp_path)
    project = load(tmp_path)
    tick(project, QUIET)
    assert states(project)["research"] != stages.WAITING
    (folder / "raw" / "ads" / "export.csv").unlink()
    report = tick(project, QUIET)
    assert report.moves[-1].trigger == "vanished"
    now = stages.project_states(project.state_db)["research"]
    assert now.state == stages.WAITING
    assert now.payload["reason"] == "waiting for competitor ad exports in raw/ads/"
    assert tick(project, QUIET).moves == []  # and stays put until ads come back


def test_a_second_tick_skips_a_locked_project_and_writes_nothing(tmp_path: Path) -> None:
    """Another process holds the project's tick lock: this tick skips, naming its pid."""
    folder = make_studio(tmp_path, ads=False)
    project = load(tmp_path)
    (folder / "deliverables").mkdir()
    (folder / "deliverables" / "cut.txt").write_text("v1")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from creative_workbench.config import Workspace, load_project\n"
            "from creative_workbench.pipeline.tick import project_lock\n"
            "with project_lock(load_project('acme', Workspace.discover(sys.argv[1]))):\n"
            "    print('locked', flush=True); time.sleep(60)\n",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        report = tick(project, QUIET)
        assert (
            report.skipped == f"project acme: another tick (pid {holder.pid}) is running; skipped"
        )
        assert report.moves == [] and not project.state_db.exists()
    finally:
        holder.kill()
        holder.wait()
    assert {m.stage for m in tick(project, QUIET).moves} == {"qa"}  # lock freed by the kill


def test_a_stage_left_running_by_a_dead_tick_is_failed_then_rerun(tmp_path: Path) -> None:
    """The pid of a finished process stands in for a tick killed mid-way (the real kill -9
    is in tests/e2e/test_orchestration_cli.py)."""
    make_studio(tmp_path, ads=False)
    project = load(tmp_path)
    sign_off(project, "research", "strategist")
    tick(project, QUIET)
    decide(project, "concepts", "approve", REVIEWERS["creative lead"], "go")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    (ready,) = plan(project, QUIET)  # what the killed tick had begun: production's work
    moves = (("inputs", {"fingerprint": ready.fingerprint}), ("start", {"pid": int(gone.stdout)}))
    with Store(project.state_db).transaction() as conn:
        for trigger, extra in moves:
            stages.record_transition(conn, "production", trigger, who="t", at=now_utc(), **extra)
    with project_lock(project):
        pass  # the dead tick's lock is free
    report = tick(project, QUIET)
    triggers = [(m.stage, m.trigger) for m in report.moves if m.stage == "production"]
    assert triggers[:2] == [("production", "stale"), ("production", "retry")]
    assert states(project)["production"] == stages.DONE
    history = Store(project.state_db).events("stage.transition")["payload"].to_list()
    stale = [json.loads(p) for p in history if json.loads(p)["trigger"] == "stale"]
    assert f"pid {gone.stdout.strip()}" in stale[0]["reason"]


def test_tick_all_reports_every_project_and_goes_past_a_broken_one(tmp_path: Path) -> None:
    make_studio(tmp_path, "quiet", ads=False)
    make_studio(tmp_path, "busy")
    broken = make_studio(tmp_path, "broken", ads=False)
    (broken / "project.toml").write_text("client = [", "utf-8")
    found = {r.project: r for r in tick_all(Workspace(tmp_path), "thread", QUIET)}
    assert set(found) == {"quiet", "busy", "broken"}
    assert found["quiet"].moves == [] and not found["quiet"].error
    assert "malformed TOML" in found["broken"].error and found["broken"].failed
    assert found["busy"].moves and found["busy"].moves[0].stage == "research"


@pytest.mark.parametrize("executor", ["process", "dask://local"])
def test_tick_all_fans_out_through_an_executor(tmp_path: Path, executor: str) -> None:
    for name in ("a", "b"):
        make_studio(tmp_path, name, ads=False)
        (tmp_path / "data" / "projects" / name / "deliverables").mkdir()
        (tmp_path / "data" / "projects" / name / "deliverables" / "x.txt").write_text(name)
    started = time.perf_counter()
    found = tick_all(Workspace(tmp_path), executor, QUIET)
    assert [r.project for r in found] == ["a", "b"], time.perf_counter() - started
    assert all(r.moves[0].stage == "qa" for r in found)


def test_a_failing_stage_fails_once_with_its_message_and_reruns_only_when_asked(
    tmp_path: Path,
) -> None:
    make_studio(tmp_path, ads=False)
    project = load(tmp_path)
    project.concepts_dir.mkdir()
    briefs = project.concepts_dir / "briefs.json"
    briefs.write_text('{"brief_id": "b1"}', "utf-8")  # an object, not a list of briefs
    sign_off(project, "research", "strategist")
    tick(project, QUIET)
    decide(project, "concepts", "approve", REVIEWERS["creative lead"], "go")

    failed = tick(project, QUIET)
    assert failed.failed and failed.moves[-1].target == stages.FAILED
    reason = stages.project_states(project.state_db)["production"].payload["reason"]
    assert reason.startswith(f"DataError: {briefs}: cannot read the briefs table")
    assert tick(project, QUIET).moves == []  # unchanged inputs: not re-run on every tick

    retry = TickSettings(reports=False, notify=False, retry_failed=True)
    again = tick(project, retry)  # still broken: retried once in this tick, not in a loop
    assert [m.trigger for m in again.moves] == ["retry", "start", "fail"]
    briefs.write_text('[{"brief_id": "b1"}]', "utf-8")
    assert tick(project, retry).moves[-1].target == stages.DONE
    assert (project.root / "production" / "approved_briefs.json").is_file()
