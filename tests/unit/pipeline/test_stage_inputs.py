"""Stage inputs: fingerprints change with the bytes, not with temp files; who waits for what."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from creative_workbench.config import Workspace, load_project
from creative_workbench.pipeline.stage_inputs import iso_week, stage_inputs
from tests.studio import make_studio


def test_fingerprints_follow_the_bytes_of_the_inputs(tmp_path: Path) -> None:
    folder = make_studio(tmp_path)
    project = load_project("acme", Workspace(tmp_path))
    first = stage_inputs(project, {})["research"].fingerprint
    assert first is not None
    (folder / "raw" / "ads" / ".export.csv.123-ab.tmp").write_text("half a copy")
    (folder / "raw" / "ads" / "~$export.xlsx").write_text("an editor's lock")
    assert stage_inputs(project, {})["research"].fingerprint == first  # ignored
    (folder / "raw" / "ads" / "export.csv").write_text("ad_id\n2\n")
    assert stage_inputs(project, {})["research"].fingerprint != first


def test_later_stages_build_on_what_the_earlier_one_finished_on(tmp_path: Path) -> None:
    make_studio(tmp_path, ads=False)
    project = load_project("acme", Workspace(tmp_path))
    waiting = stage_inputs(project, {})
    assert waiting["research"].reason == "waiting for competitor ad exports in raw/ads/"
    assert waiting["concepts"].reason == "waiting for the strategist's research sign-off"
    assert waiting["delivery"].fingerprint is None
    found = stage_inputs(project, {"research": "f7", "qa": "f9"})
    assert (found["concepts"].fingerprint, found["delivery"].fingerprint) == (
        "research@f7",
        "qa@f9",
    )


def test_the_scoring_loop_waits_for_a_promoted_model_then_runs_weekly(tmp_path: Path) -> None:
    folder = make_studio(tmp_path, ads=False)
    project = load_project("acme", Workspace(tmp_path))
    (folder / "raw" / "performance").mkdir(parents=True)
    (folder / "raw" / "performance" / "week.csv").write_text("ad_id,clicks\n1,3\n")
    assert "promoted model" in stage_inputs(project, {})["scoring"].reason
    (folder / "models").mkdir()
    (folder / "models" / "promoted.json").write_text('{"version": "v1"}')
    weekly = stage_inputs(project, {})["scoring"].fingerprint
    assert weekly is not None and weekly.endswith(f"@{iso_week()}")
    assert iso_week(datetime(2027, 1, 1)) == "2026-W53"
