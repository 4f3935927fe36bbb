"""`workbench qa` end to end: exit codes, JSON, JUnit XML and results in state.db."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from creative_workbench.pipeline.store import Store
from tests.cli_run import workbench


@pytest.fixture(scope="module")
def workspace(demo_workspace, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("qa-cli")
    shutil.copytree(demo_workspace / "data", root / "data")
    return root


def deliverable(root: Path, name: str) -> Path:
    return root / "data" / "projects" / "demo" / "deliverables" / name


def test_clean_files_exit_0_and_write_json_and_junit(workspace, tmp_path):
    files = [
        deliverable(workspace, "night-miles_meta_reels_v1.mp4"),
        deliverable(workspace, "trail-ready_pinterest_v1.mp4"),
    ]
    result = workbench(
        "qa",
        *map(str, files),
        "--project",
        "demo",
        "--json",
        str(tmp_path / "qa.json"),
        "--junit",
        str(tmp_path / "qa.xml"),
        "--workers",
        "2",
        cwd=workspace,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((tmp_path / "qa.json").read_text())
    assert data["passed"] is True and len(data["files"]) == 2
    suites = ET.parse(tmp_path / "qa.xml").getroot()
    assert suites.get("failures") == "0" and len(suites.findall("testsuite")) == 2
    runs = Store(workspace / "data/projects/demo/state.db").query(
        "SELECT COUNT(DISTINCT file) AS n FROM qa_results"
    )
    assert runs.item() >= 2


def test_a_defect_exits_1_and_is_a_junit_failure(workspace, tmp_path):
    bad = deliverable(workspace, "trail-ready_meta_feed_v1.mp4")  # silent audio
    result = workbench(
        "qa",
        str(bad),
        "--project",
        "demo",
        "--junit",
        str(tmp_path / "qa.xml"),
        "--executor",
        "thread",
        cwd=workspace,
    )
    assert result.returncode == 1
    assert "audio.signal" in result.stdout
    failures = [
        c.get("name")
        for c in ET.parse(tmp_path / "qa.xml").iter("testcase")
        if c.find("failure") is not None
    ]
    assert "audio.signal" in failures


def test_bad_file_in_a_folder_fails_but_the_batch_goes_on(workspace, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(deliverable(workspace, "night-miles_meta_stories_v1.mp4"), folder)
    (folder / "broken_meta_reels_v1.mp4").write_text("not a video")
    result = workbench(
        "qa", str(folder), "--project", "demo", "--json", str(tmp_path / "qa.json"), cwd=workspace
    )
    assert result.returncode == 1
    files = {
        Path(f["file"]).name: f for f in json.loads((tmp_path / "qa.json").read_text())["files"]
    }
    assert files["night-miles_meta_stories_v1.mp4"]["severity"] == "pass"
    assert files["broken_meta_reels_v1.mp4"]["findings"][0]["message"].startswith(
        "cannot be checked"
    )


def test_warnings_fail_only_with_strict(workspace, tmp_path):
    from tests.unit.qa_media import ad_spot

    logo = workspace / "data/projects/demo/brand/logo.png"
    small = ad_spot(tmp_path / "spot_meta_reels_v9.mp4", logo, seconds=6.0)  # 360x640: soft
    normal = workbench(
        "qa", str(small), "--project", "demo", "--json", str(tmp_path / "qa.json"), cwd=workspace
    )
    found = json.loads((tmp_path / "qa.json").read_text())["files"][0]["findings"]
    assert {f["check_id"]: f["severity"] for f in found if f["severity"] != "pass"} == {
        "format.resolution": "warn"
    }
    assert normal.returncode == 0, normal.stdout
    strict = workbench("qa", str(small), "--project", "demo", "--strict", cwd=workspace)
    assert strict.returncode == 1


def test_user_errors_exit_2(workspace):
    missing = workbench("qa", "nowhere.mp4", "--project", "demo", cwd=workspace)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    unknown = workbench(
        "qa",
        str(deliverable(workspace, "night-miles_meta_reels_v1.mp4")),
        "--project",
        "demo",
        "--placement",
        "myspace",
        cwd=workspace,
    )
    assert unknown.returncode == 2 and "unknown placement" in unknown.stderr
    project = workbench("qa", "x.mp4", "--project", "nope", cwd=workspace)
    assert project.returncode == 2
