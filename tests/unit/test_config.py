"""Project config: strict project.toml, brand.yml through brand-yml, safe project names."""

from __future__ import annotations

import pytest

from creative_workbench import ConfigError, ProjectNotFoundError, Workspace, load_project
from creative_workbench.brand_guide import hex_to_rgb, load_brand_guide
from tests.projects import BRAND_YML, PROJECT_TOML, make_project


def test_valid_project_loads_with_defaults(tmp_path):
    make_project(tmp_path)
    project = load_project("acme", Workspace(tmp_path))
    assert project.config.client == "Acme <Shoes> & Co"
    assert project.config.placements == ["meta_reels", "tiktok_in_feed"]
    assert project.config.reviewers[0].role == "creative lead"
    assert project.config.thresholds.palette_delta_e == 4.0
    assert project.config.thresholds.brand_early_s == 3.0  # default kept
    assert project.brand.palette == {"ink": "#1a1a1a", "sun": "#ffcc00", "sky": "#3366cc"}
    assert project.brand.roles["primary"] == "#ffcc00"
    assert project.brand.logos["small"].name == "logo.png"


@pytest.mark.parametrize(
    ("text", "rgb"),
    [("#fc0", (255, 204, 0)), ("#FFCC00", (255, 204, 0)), ("#ffcc0080", (255, 204, 0))],
)
def test_hex_colours_in_every_form(text, rgb):
    assert hex_to_rgb(text) == rgb


def test_unknown_key_names_key_and_file(tmp_path):
    folder = make_project(tmp_path, toml=PROJECT_TOML + "\n[extra]\nfoo = 1\n")
    with pytest.raises(ConfigError) as err:
        load_project("acme", Workspace(tmp_path))
    assert str(folder / "project.toml") in str(err.value)
    assert "unknown key 'extra'" in str(err.value)


def test_unknown_nested_key_names_its_path(tmp_path):
    make_project(tmp_path, toml=PROJECT_TOML.replace("palette_delta_e", "palete_delta_e"))
    with pytest.raises(ConfigError, match=r"thresholds\.palete_delta_e"):
        load_project("acme", Workspace(tmp_path))


def test_malformed_toml(tmp_path):
    make_project(tmp_path, toml='client = "unterminated\n')
    with pytest.raises(ConfigError, match="malformed TOML"):
        load_project("acme", Workspace(tmp_path))


def test_unknown_placement_lists_known_ones(tmp_path):
    make_project(tmp_path, toml=PROJECT_TOML.replace("tiktok_in_feed", "tiktok_feed"))
    with pytest.raises(
        ConfigError,
        match=r"placements: unknown placement 'tiktok_feed'.*"
        r"meta_reels",
    ):
        load_project("acme", Workspace(tmp_path))


def test_bad_hex_colour_names_the_key(tmp_path):
    make_project(tmp_path, brand=BRAND_YML.replace('"#fc0"', '"#fc00g0"'))
    project = load_project("acme", Workspace(tmp_path))
    with pytest.raises(ConfigError, match=r"_brand.yml: color.palette.sun = '#fc00g0'"):
        _ = project.brand


def test_malformed_yaml_names_the_file(tmp_path):
    make_project(tmp_path, brand="color: [unclosed\n")
    project = load_project("acme", Workspace(tmp_path))
    with pytest.raises(ConfigError, match=r"_brand\.yml"):
        _ = project.brand


@pytest.mark.parametrize("name", ["../etc", "a/b", "..", "", "-x", "a b"])
def test_unsafe_project_names_are_refused(tmp_path, name):
    with pytest.raises(ProjectNotFoundError, match="not allowed"):
        load_project(name, Workspace(tmp_path))


def test_missing_project_says_how_to_fix(tmp_path):
    with pytest.raises(ProjectNotFoundError, match="workbench demo"):
        load_project("nope", Workspace(tmp_path))


def test_real_brand_guide_reads_palette_roles_and_logos(shared_data):
    guide = load_brand_guide(shared_data / "brand/strategy_unit/_brand.yml")
    assert guide.name == "The Strategy Unit"
    assert guide.palette["su-yellow"] == "#f9bd07"
    assert guide.roles["primary"] == "#f9bd07"
    assert guide.roles["background"] == "#f5f4f3"
    assert guide.logos["medium.light"].is_file()
    assert guide.logos["large.dark"].suffix == ".svg"
