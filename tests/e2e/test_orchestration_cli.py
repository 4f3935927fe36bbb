"""`workbench tick | status | approve | reject` as a user (or cron) runs them."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from creative_workbench.config import Workspace, load_project
from creative_workbench.pipeline import stages
from creative_workbench.pipeline.store import Store, now_utc
from tests.cli_run import assert_one_line_error, workbench
from tests.studio import REVIEWERS, make_studio


@pytest.fixture
def root(tmp_path: Path) -> Path:
    make_studio(tmp_path)
    return tmp_path


def move(root: Path, stage: str, *triggers: str, reason: str = "") -> None:
    """System moves as a tick makes them (for stages whose flow is not under test here)."""
    project = load_project("acme", Workspace(root))
    with Store(project.state_db).transaction() as conn:
        for trigger in triggers:
            stages.record_transition(conn, stage, trigger, who="tick", at=now_utc(), reason=reason)


def written(root: Path) -> tuple[int, int]:
    store = Store(root / "data" / "projects" / "acme" / "state.db")
    return store.events().height, store.query("SELECT id FROM decisions").height


def test_status_exit_codes_follow_the_projects(root: Path) -> None:
    fine = workbench("status", "--json", cwd=root)
    assert fine.returncode == 0, fine.stderr
    (project,) = json.loads(fine.stdout)
    assert (project["project"], project["stage"], project["state"]) == (
        "acme",
        "research",
        "waiting",
    )

    move(root, "research", "inputs", "start", "finish")
    asked = workbench("status", cwd=root)
    assert asked.returncode == 3, asked.stderr
    assert "research: waiting on strategist (Sam Ortiz) since 20" in asked.stdout

    move(root, "scoring", "inputs", "start", "fail", reason="DataError: perf.csv: no clicks column")
    failed = workbench("status", "--project", "acme", "--json", cwd=root)
    assert failed.returncode == 1
    (project,) = json.loads(failed.stdout)
    assert project["last_failure"]["reason"] == "DataError: perf.csv: no clicks column"
    assert project["waiting_on"][0]["names"] == ["Sam Ortiz"]
    assert project["exit_code"] == 1


def test_approve_and_reject_record_who_and_why(root: Path) -> None:
    move(root, "research", "inputs", "start", "finish")
    done = workbench(
        "approve", "research", "--project", "acme", "--by", REVIEWERS["strategist"],
        "--reason", "gaps are real", cwd=root,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "acme: research approve by Sam Ortiz: now done"
    move(root, "delivery", "inputs")
    back = workbench(
        "reject", "delivery", "--project", "acme", "--by", REVIEWERS["senior reviewer"],
        "--reason", "end card is wrong", cwd=root,
    )  # fmt: skip
    assert back.returncode == 0, back.stderr
    rows = Store(root / "data" / "projects" / "acme" / "state.db").query(
        "SELECT who, stage, decision, note FROM decisions ORDER BY id"
    )
    assert rows.rows() == [
        ("Sam Ortiz", "research", "approve", "gaps are real"),
        ("Ines Larsen", "delivery", "reject", "end card is wrong"),
    ]


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (("approve", "research", "--by", "Mallory"), ("refused:", "'Mallory' is not a reviewer")),
        (("approve", "research", "--by", "Tom Reyes"), ("refused:", "needs the strategist role")),
        (("reject", "concepts", "--by", "Maya Okafor"), ("concepts of project acme is waiting",)),
        (("approve", "production", "--by", "Tom Reyes"), ("has no human checkpoint",)),
        (("approve", "qa", "--by", "Tom Reyes"), ("qa of project acme is waiting",)),
    ],
)
def test_refused_decisions_print_one_line_and_write_nothing(root: Path, args, needles) -> None:
    move(root, "research", "inputs", "start", "finish")
    before = written(root)
    result = workbench(*args, "--project", "acme", "--reason", "because", cwd=root)
    assert_one_line_error(result, *needles)
    assert written(root) == before


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("tick",), "pass --project NAME or --all"),
        (("tick", "--all", "--project", "acme"), "pass --project NAME or --all"),
        (("tick", "--project", "nope"), "project 'nope' not found"),
        (("status", "--project", "nope"), "project 'nope' not found"),
        (("tick", "--all", "--executor", "carrier-pigeon"), "unknown executor"),
    ],
)
def test_tick_and_status_usage_errors(root: Path, args, needle) -> None:
    (root / "data" / "projects" / "acme" / "deliverables").mkdir()
    (root / "data" / "projects" / "acme" / "deliverables" / "cut.txt").write_text("v1")
    assert_one_line_error(workbench(*args, cwd=root), needle)


def test_a_walk_from_research_sign_off_to_the_production_folder(root: Path) -> None:
    """Sign-offs by the CLI; each tick moves what it can, then has nothing to do."""
    folder = root / "data" / "projects" / "acme"
    (folder / "raw" / "ads" / "export.csv").unlink()  # research is signed off below
    (folder / "concepts").mkdir()
    (folder / "concepts" / "briefs.json").write_text('[{"brief_id": "b1", "angle": "comfort"}]')
    move(root, "research", "inputs", "start", "finish")
    signed = workbench(
        "approve", "research", "--project", "acme", "--by", "Sam Ortiz", "--reason", "go",
        cwd=root,
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr

    first = workbench("tick", "--all", "--no-reports", "--json", cwd=root)
    assert first.returncode == 0, first.stderr
    (report,) = json.loads(first.stdout)
    concepts = [(m["trigger"], m["target"]) for m in report["moves"] if m["stage"] == "concepts"]
    assert concepts[0] == ("inputs", "ready") and concepts[-1][1] == "needs_decision"
    asked = workbench("status", "--project", "acme", cwd=root)
    assert (
        asked.returncode == 3 and "concepts: waiting on creative lead (Maya Okafor)" in asked.stdout
    )

    approved = workbench(
        "approve", "concepts", "--project", "acme", "--by", "Maya Okafor", "--reason", "keep",
        cwd=root,
    )  # fmt: skip
    assert approved.returncode == 0, approved.stderr
    second = workbench("tick", "--project", "acme", "--no-reports", cwd=root)
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[-1] == "acme: production -> done (finish)"
    assert (
        json.loads((folder / "production" / "approved_briefs.json").read_text())[0]["brief_id"]
        == "b1"
    )
    again = workbench("tick", "--project", "acme", "--no-reports", cwd=root)
    assert (again.returncode, again.stdout.strip()) == (0, "acme: nothing to do")
    assert workbench("status", cwd=root).returncode == 0


def test_watch_ticks_the_project_a_deliverable_lands_in(root: Path) -> None:
    folder = root / "data" / "projects" / "acme"
    (folder / "raw" / "ads" / "export.csv").unlink()
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "creative_workbench.cli",
            "watch",
            "--no-reports",
            "--debounce",
            "200",
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert watcher.stdout.readline().startswith("watching ")
        time.sleep(3)  # the first pass (nothing to do) and the watcher start
        (folder / "deliverables").mkdir()
        (folder / "deliverables" / "cut_meta_reels_v1.txt").write_text("first cut")
        seen = []
        while not any("acme: qa -> failed" in line for line in seen):
            line = watcher.stdout.readline()
            assert line, f"watch ended early: {watcher.stderr.read()}"
            seen.append(line.strip())
        assert seen[0] == "acme: qa -> ready (inputs): new or changed inputs"
        assert "no media files found" in seen[-1]  # a text file is not a deliverable
    finally:
        watcher.send_signal(signal.SIGINT)
        out, err = watcher.communicate(timeout=60)
    assert watcher.returncode == 0, err
    assert out.strip().endswith("stopped watching") and "Traceback" not in err
