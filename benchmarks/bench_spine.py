"""Spine benchmarks: install (fresh venv from the cache, and warm no-op), demo build, reports.

Prints figures; targets: demo ≤ 60 s, each report ≤ 15 s and ≤ 8 MB, all reports ≤ 45 s.
Run with --cold to also time an install with an empty package cache (downloads ~1 GB).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from creative_workbench import Workspace
from creative_workbench.demo import build_demo
from creative_workbench.pipeline.registry import REPORTS
from creative_workbench.pipeline.runner import plan_jobs, run_jobs, run_report

REPO = Path(__file__).resolve().parents[1]


def timed(label: str, action) -> float:
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    print(f"{label:<44} {seconds:7.1f} s", flush=True)
    return seconds


def install_into(venv: Path, cold: bool) -> None:
    uv = REPO / ".venv/bin/uv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    extra = ["--no-cache"] if cold else []
    subprocess.run(
        [
            str(uv),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin/python"),
            *extra,
            "-c",
            str(REPO / "constraints.txt"),
            "-e",
            f"{REPO}[dev]",
        ],
        check=True,
    )


def main() -> None:
    cold = "--cold" in sys.argv
    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        timed(
            "install: fresh venv, warm package cache",
            lambda: install_into(scratch_path / "venv-warm", cold=False),
        )
        if cold:
            timed(
                "install: fresh venv, empty package cache",
                lambda: install_into(scratch_path / "venv-cold", cold=True),
            )
        timed(
            "install: `make install` when up to date",
            lambda: subprocess.run(["make", "-s", "install"], cwd=REPO, check=True),
        )
        root = scratch_path / "ws"
        timed("demo build (target ≤ 60 s)", lambda: build_demo(root, seed=7))
        workspace = Workspace(root)
        for name in REPORTS:
            day = date(2026, 1, 1)
            timed(
                f"report {name} (target ≤ 15 s)",
                lambda name=name, day=day: run_report(name, "demo", workspace=workspace, day=day),
            )
            html = root / "reports/demo" / day.isoformat() / f"{name}.html"
            print(f"{'':<4}HTML size {html.stat().st_size / 1e6:.2f} MB (target ≤ 8 MB)")
        jobs = plan_jobs(list(REPORTS), ["demo"])
        timed(
            "all reports in parallel, 2 workers (target ≤ 45 s)",
            lambda: run_jobs(jobs, workspace, max_workers=2, day=date(2026, 1, 2)),
        )
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
