"""Small hand-written projects for spine tests (the demo project is a fixture in conftest)."""

from __future__ import annotations

import shutil
from pathlib import Path

PROJECT_TOML = """\
client = "Acme <Shoes> & Co"
placements = ["meta_reels", "tiktok_in_feed"]
competitors = ["Stridewell"]
cta_wording = ["Shop now"]

[[reviewers]]
name = "Maya Okafor"
role = "creative lead"

[thresholds]
palette_delta_e = 4.0
"""

BRAND_YML = """\
meta:
  name: Acme Shoes
color:
  palette:
    ink: "#1A1A1A"
    sun: "#fc0"
    sky: "#3366CCFF"
  foreground: ink
  primary: sun
logo:
  small: logo.png
"""


def make_project(
    root: Path, name: str = "acme", toml: str = PROJECT_TOML, brand: str = BRAND_YML
) -> Path:
    """Write a minimal valid project under ROOT/data/projects/NAME; returns its folder."""
    folder = root / "data" / "projects" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "project.toml").write_text(toml, "utf-8")
    (folder / "_brand.yml").write_text(brand, "utf-8")
    from PIL import Image

    Image.new("RGBA", (64, 32), (26, 26, 26, 255)).save(folder / "logo.png")
    return folder


def copy_project(source_root: Path, target_root: Path, name: str = "demo") -> Path:
    """Copy a project folder into another workspace (tests must not change shared fixtures)."""
    target = target_root / "data" / "projects" / name
    shutil.copytree(source_root / "data" / "projects" / name, target)
    return target
