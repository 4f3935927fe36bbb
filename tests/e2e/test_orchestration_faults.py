"""Faults a cron-driven tick must survive: kill -9 half-way, two ticks at once.

Both run the real research flow on three pages of the demo's Meta Ad Library export, in real
`workbench tick` processes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from creative_workbench.pipeline import stages
from creative_workbench.pipeline.stage_work import flow_available
from creative_workbench.pipeline.store import Store
from tests.cli_run import workbench
from tests.studio import make_studio

pytestmark = pytest.mark.skipif(
    not flow_available("research"), reason="no `research` flow registered in this checkout"
)


@pytest.fixture
def project(tmp_path: Path, demo_workspace: Path) -> Path:
    """A studio project whose raw/ads/ holds three real Meta Ad Library pages."""
    folder = make_studio(tmp_path, ads=False)
    ads = folder / "raw" / "ads"
    ads.mkdir(parents=True)
    pages = sorted((demo_workspace / "data" / "projects" / "demo" / "raw" / "ads").glob("*.json"))
    for page in pages[:3]:
        shutil.copy(page, ads / page.name)
    return folder


def start_tick(root: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "creative_workbench.cli", "tick", "--project", "acme", *extra],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def research(folder: Path) -> stages.StageState:
    return stages.project_states(folder / "state.db")["research"]


def runs(folder: Path) -> list[tuple[str, str]]:
    rows = Store(folder / "state.db").query(
        "SELECT status, error FROM flow_runs WHERE stage = 'research' ORDER BY started_at"
    )
    return rows.rows()


def test_kill_9_during_a_tick_then_the_next_tick_resumes(project: Path, tmp_path: Path) -> None:
    """Killed while the report's kernel runs the research flow: the kernel follows the tick
    out, its flow run is closed as stale, and the stage runs once more and finishes once."""
    tick = start_tick(tmp_path)  # with its report: the flow runs inside a notebook kernel
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and tick.poll() is None:
        if (project / "state.db").is_file() and ("running", "") in runs(project):
            break
        time.sleep(0.05)
    assert tick.poll() is None, f"the tick ended before it could be killed: {tick.stderr.read()}"
    children = psutil.Process(tick.pid).children(recursive=True)  # the notebook kernel
    assert children, "the report's kernel should be running the flow"
    os.kill(tick.pid, signal.SIGKILL)
    tick.wait()
    left = research(project)
    assert left.state == stages.RUNNING and left.payload["pid"] == tick.pid
    _, alive = psutil.wait_procs(children, timeout=30)  # the kernel follows its parent out
    assert alive == []
    # ipykernel polls its parent once a second: a flow in its last second may still finish.
    (orphaned,) = runs(project)
    assert orphaned in (("running", ""), ("done", ""))

    resumed = workbench("tick", "--project", "acme", "--no-reports", "--json", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    (report,) = json.loads(resumed.stdout)
    moves = [(m["stage"], m["trigger"]) for m in report["moves"] if m["stage"] == "research"]
    assert moves == [
        ("research", "stale"),
        ("research", "retry"),
        ("research", "start"),
        ("research", "finish"),
    ]
    assert research(project).state == stages.NEEDS_DECISION
    (killed, rerun) = runs(project)
    if orphaned[0] == "running":  # the killed run is closed as stale, never left running
        assert killed[0] == "failed" and killed[1].startswith("stale: the tick that started it")
    assert rerun == ("done", "")
    history = Store(project / "state.db").events("stage.transition")["payload"].to_list()
    finished = [p for p in map(json.loads, history) if p["stage"] == "research"]
    assert [p["trigger"] for p in finished].count("finish") == 1  # the stage finished once
    again = workbench("tick", "--project", "acme", "--no-reports", cwd=tmp_path)
    assert again.stdout.strip() == "acme: nothing to do"


def test_two_ticks_at_once_run_the_work_once(project: Path, tmp_path: Path) -> None:
    first = start_tick(tmp_path, "--no-reports")
    second = start_tick(tmp_path, "--no-reports")
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    printed = "\n".join(out for out, _ in outputs)
    assert "research -> needs_decision (finish)" in printed
    assert "skipped" in printed or "nothing to do" in printed, printed
    assert [status for status, _ in runs(project)] == ["done"]
    assert research(project).state == stages.NEEDS_DECISION
