"""A missing brand guide or an unreadable logo is a config error (exit 2) for every command
that needs it, never skipped checks or a "decode fail" blamed on the video."""

from __future__ import annotations

import pytest

from creative_workbench.config import Workspace, load_project
from creative_workbench.errors import ConfigError
from creative_workbench.pipeline.runner import plan_jobs, run_jobs, run_report
from tests.cli_run import assert_one_line_error, workbench
from tests.projects import BRAND_YML, PROJECT_TOML, make_project

MISSPELLED = 'brand_guide = "_brnad.yml"\n' + PROJECT_TOML


def _deliverable(folder):
    (folder / "deliverables").mkdir(exist_ok=True)
    (folder / "deliverables" / "spot_meta_reels_v1.mp4").write_bytes(b"not a video")


def _qa(tmp_path):
    return workbench("qa", "data/projects/acme/deliverables", "--project", "acme", cwd=tmp_path)


def test_misspelled_brand_guide_fails_qa_in_one_line(tmp_path):
    folder = make_project(tmp_path, toml=MISSPELLED)
    _deliverable(folder)
    line = assert_one_line_error(_qa(tmp_path))
    assert "project.toml brand_guide" in line and "_brnad.yml" in line
    assert not (folder / "state.db").exists()  # no QA run was recorded


@pytest.mark.parametrize("report", ["project_overview", "qa_report"])
def test_missing_brand_guide_stops_reports_that_need_it_before_they_run(tmp_path, report):
    folder = make_project(tmp_path)
    (folder / "_brand.yml").unlink()
    with pytest.raises(ConfigError, match=r"project\.toml brand_guide = '_brand\.yml'"):
        run_jobs(plan_jobs([report], ["acme"]), Workspace(tmp_path))
    with pytest.raises(ConfigError, match="brand_guide"):
        run_report(report, "acme", workspace=Workspace(tmp_path))
    assert not (tmp_path / "reports").exists()


def test_missing_brand_guide_fails_run_in_one_line(tmp_path):
    make_project(tmp_path, toml=MISSPELLED)
    result = workbench("run", "project_overview", "--project", "acme", cwd=tmp_path)
    assert "project.toml brand_guide" in assert_one_line_error(result)
    assert not (tmp_path / "reports").exists()


def _brand_error(tmp_path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_project("acme", Workspace(tmp_path)).brand  # noqa: B018 - reads the guide
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_corrupt_logo_fails_qa_naming_the_logo_not_the_video(tmp_path):
    folder = make_project(tmp_path)
    (folder / "logo.png").write_bytes(b"")
    _deliverable(folder)
    line = assert_one_line_error(_qa(tmp_path))
    assert "_brand.yml logo.small" in line and "logo.png" in line and "decode" not in line


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n garbage", b"GIF89a", b"half"])
def test_unreadable_logo_is_a_config_error(tmp_path, content):
    folder = make_project(tmp_path)
    data = (folder / "logo.png").read_bytes()
    (folder / "logo.png").write_bytes(data[: len(data) // 2] if content == b"half" else content)
    message = _brand_error(tmp_path)
    assert "_brand.yml logo.small" in message and "logo.png" in message


def test_missing_logo_file_is_a_config_error(tmp_path):
    make_project(tmp_path, brand=BRAND_YML.replace("small: logo.png", "small: lgoo.png"))
    message = _brand_error(tmp_path)
    assert "_brand.yml logo.small" in message and "lgoo.png" in message and "not found" in message
