"""`watch`: real file-system events under raw/ and deliverables/ tick the right project."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from creative_workbench.config import Workspace
from creative_workbench.pipeline.stage_work import TickSettings
from creative_workbench.pipeline.watch import changed_project, watch
from tests.studio import make_studio


def test_only_watched_inputs_name_a_project(tmp_path: Path) -> None:
    root = tmp_path / "data" / "projects"
    assert changed_project(root, str(root / "acme" / "raw" / "ads" / "a.csv")) == "acme"
    assert changed_project(root, str(root / "acme" / "deliverables" / "x" / "c.mp4")) == "acme"
    assert changed_project(root, str(root / "acme" / "deliverables")) == "acme"
    assert changed_project(root, str(root / "acme" / "state.db")) is None
    assert changed_project(root, str(root / "acme" / "reports" / "r.html")) is None
    assert changed_project(root, str(root / "acme" / "raw" / "ads" / ".a.csv.1-x.tmp")) is None
    assert changed_project(root, str(tmp_path / "elsewhere" / "raw" / "a.csv")) is None


def test_a_new_deliverable_ticks_its_project_only(tmp_path: Path) -> None:
    make_studio(tmp_path, "acme", ads=False)
    make_studio(tmp_path, "other", ads=False)
    batches: list[list] = []
    stop = threading.Event()
    settings = TickSettings(reports=False, notify=False)
    thread = threading.Thread(
        target=watch,
        args=(Workspace(tmp_path), settings, "thread", batches.append, stop, 200),
        daemon=True,
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not batches and time.monotonic() < deadline:  # the first pass over every project
        time.sleep(0.05)
    assert [r.moves for r in batches[0]] == [[], []]
    time.sleep(0.5)  # let the watcher start
    folder = tmp_path / "data" / "projects" / "acme" / "deliverables"
    folder.mkdir()
    (folder / "cut_v1.txt").write_text("first cut")

    def moved() -> list:
        return [r for batch in batches[1:] for r in batch if r.moves]

    while not moved() and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(10)
    assert not thread.is_alive(), "watch did not stop on its stop event"
    (report,) = moved()
    assert report.project == "acme" and report.moves[0].stage == "qa"
    assert {r.project for batch in batches[1:] for r in batch} == {"acme"}  # not `other`
