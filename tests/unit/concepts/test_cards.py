"""Concept cards: pixel sizes per aspect, nothing but background under the placement's UI,
brand colours and logo, fonts from the brand folder else the bundled fallback."""

from __future__ import annotations

import shutil

import numpy as np
import polars as pl
import pytest
from PIL import Image

from creative_workbench.concepts import cards as c
from creative_workbench.concepts.layout import CARD_SIZES, card_size, safe_area
from creative_workbench.config import Workspace, load_project
from creative_workbench.placements import get_placement
from tests.projects import make_project

BRIEF = {
    "brief_id": "br-0123abcd",
    "headline": "Made with care for the planet, every single day of the year.",
    "offer": "trial",
    "cta": "Sign up",
    "angle": "values/sustainability",
    "format": "image",
}
CASES = [
    ("linkedin_feed", "9:16"),
    ("linkedin_feed", "4:5"),
    ("linkedin_feed", "1:1"),
    ("linkedin_feed", "16:9"),
    ("meta_reels", "9:16"),
    ("tiktok_in_feed", "9:16"),
    ("tiktok_in_feed", "1:1"),
    ("tiktok_in_feed", "16:9"),
    ("ctv", "16:9"),
]


@pytest.fixture
def project(tmp_path):
    make_project(tmp_path)
    return load_project("acme", Workspace(tmp_path))


@pytest.mark.parametrize(("placement", "aspect"), CASES)
def test_card_size_and_nothing_but_background_under_the_ui(project, placement, aspect):
    style = c.card_style(project.brand, project.brand_dir)
    image, _ = c.render_card({**BRIEF, "placement": placement}, aspect, style)
    width, height = image.size
    base_w, base_h = CARD_SIZES[aspect]
    assert width * base_h == height * base_w  # exactly the aspect
    assert (width, height) == card_size(aspect, get_placement(placement))
    pixels = np.asarray(image)
    x0, y0, x1, y1 = safe_area(image.size, get_placement(placement))
    outside = np.ones(pixels.shape[:2], dtype=bool)
    outside[y0:y1, x0:x1] = False
    assert (pixels[outside] == style.background).all(), "something drawn in the UI margins"
    inside = pixels[y0:y1, x0:x1].reshape(-1, 3)
    for colour in (style.foreground, style.primary, style.secondary):  # text, CTA, visual
        assert (inside == colour).all(axis=1).any()
    zone = get_placement(placement).safe_zone
    if zone.bottom:  # the measured content stays above the bottom overlay
        drawn = np.nonzero((pixels != style.background).any(axis=2))
        assert drawn[0].max() < height * (1 - zone.bottom / 100)
        assert drawn[0].min() >= height * zone.top / 100


def test_tiktok_square_meets_the_placements_minimum_resolution():
    assert card_size("1:1", get_placement("tiktok_in_feed")) == (1280, 1280)
    assert card_size("1:1", get_placement("meta_feed")) == (1080, 1080)


def test_style_uses_brand_roles_logo_and_the_bundled_fallback_font(project):
    style = c.card_style(project.brand, project.brand_dir)
    assert style.foreground == (0x1A, 0x1A, 0x1A)  # role foreground: ink
    assert style.primary == (0xFF, 0xCC, 0x00)  # role primary: sun (#fc0)
    assert style.logo is not None and style.logo.name == "logo.png"
    assert style.headline_font.name == c.FALLBACK_BOLD
    assert (style.headline_font.parent / "LICENSE-DejaVu.txt").is_file()


def test_a_brand_font_in_the_brand_folder_wins(tmp_path):
    folder = make_project(
        tmp_path,
        brand="meta:\n  name: Acme\ncolor:\n  palette:\n    ink: '#111111'\n    sky: '#3366cc'\n"
        "typography:\n  fonts:\n    - family: Brandsans\n      source: system\n",
    )
    (folder / "brand").mkdir()
    shutil.copy(c.bundled_font(c.FALLBACK_BOLD), folder / "brand" / "BrandSans-Bold.ttf")
    project = load_project("acme", Workspace(tmp_path))
    style = c.card_style(project.brand, project.brand_dir)
    assert style.headline_font == folder / "brand" / "BrandSans-Bold.ttf"
    assert style.logo is None  # no logo in this guide: the brand name stands in
    image, _ = c.render_card({**BRIEF, "placement": "meta_feed"}, "1:1", style)
    assert image.size == (1080, 1080)


def test_write_cards_names_files_and_prunes_stale_ones(project):
    style = c.card_style(project.brand, project.brand_dir)
    folder = project.concepts_dir
    stale = folder / "cards" / "br-ffffffff_1x1.png"
    stale.parent.mkdir(parents=True)
    Image.new("RGB", (8, 8)).save(stale)
    keep = folder / "cards" / "notes.png"
    Image.new("RGB", (8, 8)).save(keep)
    briefs = pl.DataFrame(
        [{**BRIEF, "placement": "meta_feed", "aspects": ["4:5", "1:1"]}],
    )
    table = c.write_cards(briefs, folder, style, workers=2)
    assert table.get_column("file").to_list() == [
        "concepts/cards/br-0123abcd_4x5.png",
        "concepts/cards/br-0123abcd_1x1.png",
    ]
    assert table.get_column("qa").to_list() == ["unchecked", "unchecked"]
    with Image.open(project.root / table.get_column("file")[0]) as image:
        assert image.size == (1080, 1350) and image.format == "PNG"
    assert not stale.exists() and keep.exists()
    path = c.write_cards_table(table, folder)
    assert pl.read_parquet(path).equals(table)


def test_copy_too_long_for_its_box_is_cut_not_drawn_under_the_ui(project):
    style = c.card_style(project.brand, project.brand_dir)
    brief = {
        **BRIEF,
        "placement": "meta_reels",
        "headline": " ".join(["Unbelievably"] * 200),
        "cta": "Supercalifragilisticexpialidocious" * 6,
    }
    image, _ = c.render_card(brief, "9:16", style)
    pixels = np.asarray(image)
    x0, y0, x1, y1 = safe_area(image.size, get_placement("meta_reels"))
    outside = np.ones(pixels.shape[:2], dtype=bool)
    outside[y0:y1, x0:x1] = False
    assert (pixels[outside] == style.background).all()
