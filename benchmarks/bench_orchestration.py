"""Orchestration over 100 projects: `workbench tick --all` with nothing to do (target ≤ 2 s)
and `workbench status` (target ≤ 1 s), timed as the CLI a cron job would run.

Setup (not timed): 100 small project folders in a temporary workspace, each with a raw ad
export, two deliverables and a state.db whose history is settled (research and QA wait on a
person, as after a real tick), so a tick must hash every input and read every state, and
then find nothing to do. The alternative in the same run is what a cron job without `--all`
does: one `workbench tick --project P` process per project (timed on SAMPLE projects and
scaled to 100). The floor is `workbench --help` (CLI start-up). CPU time (user + system of
the child) is printed beside wall time: on a shared, overloaded machine it is the steadier
figure. Figures are medians of ROUNDS fresh processes, run alternately so machine load falls
on all alike.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECTS = 100
ROUNDS = 5
SAMPLE = 5
TICK_TARGET_S, STATUS_TARGET_S = 2.0, 1.0
REPO = Path(__file__).resolve().parents[1]


def build(root: Path) -> None:
    """100 settled projects under ROOT (the CLI would otherwise have work to do)."""
    sys.path.insert(0, str(REPO))
    from tests.studio import make_studio

    from creative_workbench.config import Workspace, load_project
    from creative_workbench.pipeline import stages
    from creative_workbench.pipeline.stage_work import TickSettings
    from creative_workbench.pipeline.store import Store, now_utc
    from creative_workbench.pipeline.tick import plan

    workspace = Workspace(root)
    for index in range(PROJECTS):
        folder = make_studio(root, f"client{index:03d}")
        (folder / "deliverables").mkdir()
        for cut in ("a", "b"):
            (folder / "deliverables" / f"{cut}_meta_reels_v1.png").write_bytes(os.urandom(4096))
        project = load_project(folder.name, workspace)
        with Store(project.state_db).transaction() as conn:
            for move in plan(project, TickSettings()):
                if move.trigger != "inputs":
                    continue
                for trigger in ("inputs", "start", "finish"):
                    extra = {"fingerprint": move.fingerprint} if trigger == "inputs" else {}
                    stages.record_transition(
                        conn, move.stage, trigger, who="bench", at=now_utc(), **extra
                    )
        assert plan(project, TickSettings()) == [], f"{folder.name} still has work"


def run(args: list[str], root: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and exit code of one `workbench ARGS --root ROOT` process."""
    root_args = [] if args == ["--help"] else ["--root", str(root)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "creative_workbench.cli", *args, *root_args],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 3):
        raise SystemExit(f"{args} failed ({done.returncode}): {done.stderr}")
    return seconds, cpu, done.returncode


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        began = time.perf_counter()
        build(root)
        print(f"setup: {PROJECTS} projects in {time.perf_counter() - began:.1f} s (not timed)")
        cases = {
            "floor: workbench --help (CLI start-up)": ["--help"],
            "workbench tick --all (nothing to do)": ["tick", "--all"],
            "workbench status (all projects)": ["status"],
            "workbench status --json": ["status", "--json"],
        }
        for args in cases.values():  # warm the file cache and .pyc files
            run(args, root)
        times: dict[str, list[float]] = {label: [] for label in cases}
        cpus: dict[str, list[float]] = {label: [] for label in cases}
        codes = {}
        for _ in range(ROUNDS):
            for label, args in cases.items():
                seconds, cpu, codes[label] = run(args, root)
                times[label].append(seconds)
                cpus[label].append(cpu)
        per_project = [run(["tick", "--project", f"client{i:03d}"], root)[0] for i in range(SAMPLE)]
        load = os.getloadavg()
        print(
            f"machine load (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
            f"{os.cpu_count()} cores; median of {ROUNDS} alternating runs"
        )
        medians = {label: statistics.median(v) for label, v in times.items()}
        for label, seconds in medians.items():
            cpu = statistics.median(cpus[label])
            print(f"{label:<42} {seconds:6.3f} s wall {cpu:6.3f} s CPU  (exit {codes[label]})")
        loop = statistics.median(per_project) * PROJECTS
        print(
            f"{'alternative: tick --project P per project':<42} {loop:6.1f} s wall "
            f"(median of {SAMPLE} processes × {PROJECTS})"
        )
        tick = medians["workbench tick --all (nothing to do)"]
        status = medians["workbench status (all projects)"]
        for name, seconds, target in (
            ("tick --all", tick, TICK_TARGET_S),
            ("status", status, STATUS_TARGET_S),
        ):
            verdict = "meets" if seconds <= target else "MISSES"
            print(f"{name} {verdict} the ≤ {target:.0f} s target")
        print(f"one tick --all vs a process per project: {loop / tick:.0f}× faster")


if __name__ == "__main__":
    main()
