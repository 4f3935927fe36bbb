"""Paths named by project.toml, _brand.yml or mappings never lead outside the project."""

from __future__ import annotations

import pytest
from PIL import Image

from creative_workbench.config import Workspace, load_project
from creative_workbench.errors import ConfigError
from tests.cli_run import assert_one_line_error, workbench
from tests.projects import BRAND_YML, PROJECT_TOML, make_project

OUTSIDE = "/etc/passwd"


def _with_brand_guide(value: str) -> str:
    return f"brand_guide = {value!r}\n" + PROJECT_TOML


def _qa(tmp_path, folder):
    deliverable = folder / "deliverables" / "spot_meta_reels_v1.mp4"
    deliverable.parent.mkdir(exist_ok=True)
    deliverable.write_bytes(b"not a video")
    return workbench("qa", str(deliverable), "--project", "acme", cwd=tmp_path)


def _brand_error(tmp_path) -> str:
    project = load_project("acme", Workspace.discover(tmp_path))
    with pytest.raises(ConfigError) as caught:
        project.brand  # noqa: B018 - the property reads the guide
    message = str(caught.value)
    assert "\n" not in message
    assert "root:" not in message
    return message


@pytest.mark.parametrize("value", [OUTSIDE, "../../../../../../../../etc/passwd"])
def test_brand_guide_outside_the_project_is_a_config_error(tmp_path, value):
    make_project(tmp_path, toml=_with_brand_guide(value))
    assert "project.toml brand_guide" in _brand_error(tmp_path)


def test_brand_guide_outside_fails_qa_with_one_line(tmp_path):
    folder = make_project(tmp_path, toml=_with_brand_guide(OUTSIDE))
    result = _qa(tmp_path, folder)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "root:" not in result.stderr + result.stdout
    assert "project.toml brand_guide" in result.stderr.splitlines()[-1]


def test_brand_guide_symlink_leading_outside_is_refused(tmp_path):
    folder = make_project(tmp_path, toml=_with_brand_guide("guide.yml"))
    (folder / "guide.yml").symlink_to(OUTSIDE)
    assert "project.toml brand_guide" in _brand_error(tmp_path)


def _outside_logo(tmp_path):
    other = tmp_path / "other-client"
    other.mkdir()
    Image.new("RGB", (8, 8)).save(other / "logo.png")
    return other / "logo.png"


def test_logo_outside_the_project_is_a_config_error(tmp_path):
    _outside_logo(tmp_path)
    brand = BRAND_YML.replace("small: logo.png", "small: ../../../other-client/logo.png")
    make_project(tmp_path, brand=brand)
    assert "_brand.yml logo.small" in _brand_error(tmp_path)


def test_logo_symlink_leading_outside_is_refused(tmp_path):
    outside = _outside_logo(tmp_path)
    folder = make_project(tmp_path, brand=BRAND_YML.replace("small: logo.png", "small: l.png"))
    (folder / "l.png").symlink_to(outside)
    assert "_brand.yml logo.small" in _brand_error(tmp_path)


def _with_mapping(glob: str) -> str:
    return PROJECT_TOML + (
        f'\n[[mappings]]\nkind = "ads"\nglob = {glob!r}\nsource = "custom"\n'
        'columns = { raw_id = "a", brand = "b", start_time = "c" }\n'
    )


@pytest.mark.parametrize("glob", ["../../../../../../../../etc/*.conf", "/etc/*.conf"])
def test_mapping_glob_outside_the_project_is_one_line(tmp_path, glob):
    make_project(tmp_path, toml=_with_mapping(glob))
    line = assert_one_line_error(workbench("ingest", "--project", "acme", cwd=tmp_path))
    assert "[[mappings]] glob" in line and "leads outside" in line


def test_mapping_glob_matching_a_symlink_outside_is_one_line(tmp_path):
    folder = make_project(tmp_path, toml=_with_mapping("raw/ads/*.csv"))
    (folder / "raw" / "ads").mkdir(parents=True)
    (folder / "raw" / "ads" / "passwd.csv").symlink_to(OUTSIDE)
    result = workbench("ingest", "--project", "acme", cwd=tmp_path)
    line = assert_one_line_error(result)
    assert "[[mappings]] glob" in line and "root:" not in result.stderr + result.stdout
