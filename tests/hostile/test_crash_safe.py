"""Crash-safe runs: workers die with a killed CLI, temp files of a killed write are cleaned by
the next run, a report's .ipynb and .html land together or not at all, and a deleted
state.db is recreated (with a warning) and the run still recorded."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import suppress
from datetime import date
from pathlib import Path

import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from creative_workbench import atomic
from creative_workbench.config import Workspace
from creative_workbench.pipeline import runner
from creative_workbench.pipeline.store import Store
from tests.projects import make_project

DAY = date(2026, 11, 23)
MARKER = "WB_HOSTILE_MARKER"
RUN_OVERVIEW = ("run", "project_overview", "--project", "acme", "--workers", "1")


def _marked(marker: str) -> set[int]:
    """Live processes whose environment carries MARKER=marker (zombies have none)."""
    needle = f"{MARKER}={marker}".encode()
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError):
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.add(int(entry.name))
    return found


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_pool_workers_die_with_a_killed_cli(tmp_path):
    make_project(tmp_path)
    marker = uuid.uuid4().hex
    cli = subprocess.Popen(
        [sys.executable, "-m", "creative_workbench.cli", *RUN_OVERVIEW],
        cwd=tmp_path,
        env={**os.environ, MARKER: marker},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait(lambda: _marked(marker) - {cli.pid}, 120), "no pool worker started"
        os.kill(cli.pid, signal.SIGKILL)
        cli.wait()
        assert _wait(lambda: not _marked(marker), 20), f"survivors: {_marked(marker)}"
        db = tmp_path / "data" / "projects" / "acme" / "state.db"
        assert not db.exists() or _integrity(db) == "ok"
    finally:
        with suppress(ProcessLookupError):
            os.killpg(cli.pid, signal.SIGKILL)


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _fake_execute(notebook, parameters, cwd):
    return new_notebook(cells=[new_markdown_cell("# A report")])


def test_stale_temp_files_are_removed_by_the_next_run(tmp_path, monkeypatch):
    make_project(tmp_path)
    out = tmp_path / "reports" / "acme" / "2026-11-20"
    out.mkdir(parents=True)
    stale = [
        out / f".project_overview.ipynb.{_dead_pid()}-k3x9.tmp",
        out / f".x.ipynb.{_dead_pid()}.tmp",
        out / ".project_overview.html.q57y2nxy.tmp",  # an older writer's name, an hour old
    ]
    for path in stale:
        path.write_text("half a report", "utf-8")
    os.utime(stale[-1], (time.time() - 3600, time.time() - 3600))
    alive = out / f".project_overview.html.{os.getpid()}-live.tmp"  # a writer still running
    alive.write_text("being written", "utf-8")
    monkeypatch.setattr(runner, "_execute", _fake_execute)
    html = runner.run_report("project_overview", "acme", workspace=Workspace(tmp_path), day=DAY)
    assert html.is_file()
    assert not any(p.exists() for p in stale)
    assert alive.exists()


def _fail_on(name: str, monkeypatch):
    real = os.replace

    def replace(source, target):
        if Path(target).name == name:
            raise OSError(28, "No space left on device")
        return real(source, target)

    monkeypatch.setattr(atomic.os, "replace", replace)


@pytest.mark.parametrize("old", [True, False])
def test_ipynb_and_html_land_together_or_not_at_all(tmp_path, monkeypatch, old):
    folder = tmp_path / "out"
    folder.mkdir()
    first, second = folder / "r.ipynb", folder / "r.html"
    if old:
        first.write_text("old nb", "utf-8")
        second.write_text("old html", "utf-8")
    _fail_on("r.html", monkeypatch)
    with pytest.raises(OSError):
        atomic.atomic_write_files({first: b"new nb", second: b"new html"})
    expected = ["r.html", "r.ipynb"] if old else []
    assert sorted(p.name for p in folder.iterdir()) == expected  # no temps, no half pair
    if old:
        assert (first.read_text("utf-8"), second.read_text("utf-8")) == ("old nb", "old html")


def test_report_publishes_nothing_when_the_html_cannot_land(tmp_path, monkeypatch):
    make_project(tmp_path)
    monkeypatch.setattr(runner, "_execute", _fake_execute)
    _fail_on("project_overview.html", monkeypatch)
    with pytest.raises(OSError):
        runner.run_report("project_overview", "acme", workspace=Workspace(tmp_path), day=DAY)
    out = tmp_path / "reports" / "acme" / DAY.isoformat()
    assert not out.exists() or list(out.iterdir()) == []


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("damage", ["deleted", "deleted_with_wal", "emptied"])
def test_state_db_lost_mid_run_is_recreated_and_the_run_recorded(
    tmp_path, monkeypatch, caplog, damage
):
    folder = make_project(tmp_path)
    db = folder / "state.db"

    def execute(notebook, parameters, cwd):
        if damage == "emptied":
            db.write_bytes(b"")
        else:
            db.unlink()
        if damage == "deleted_with_wal":
            Path(f"{db}-wal").write_bytes(b"\0" * 64)  # an orphaned log of the old file
        return _fake_execute(notebook, parameters, cwd)

    monkeypatch.setattr(runner, "_execute", execute)
    with caplog.at_level(logging.WARNING):
        html = runner.run_report("project_overview", "acme", workspace=Workspace(tmp_path))
    assert html.is_file()
    assert "state.db" in caplog.text and "recreated" in caplog.text
    assert db.stat().st_size > 0 and _integrity(db) == "ok"
    events = Store(db).events().get_column("what").to_list()
    assert events == ["state.recreated", "report.run"]


def test_empty_state_db_found_on_open_is_recreated_with_a_warning(tmp_path, caplog):
    db = make_project(tmp_path) / "state.db"
    with caplog.at_level(logging.WARNING):
        Store(tmp_path / "new.db")  # a new project: created quietly
        assert caplog.text == ""
        db.write_bytes(b"")
        store = Store(db)
    assert "recreated" in caplog.text
    assert store.events().get_column("what").to_list() == ["state.recreated"]
    assert _integrity(db) == "ok"
