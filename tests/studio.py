"""A small studio project with a reviewer for every checkpoint role (orchestration tests)."""

from __future__ import annotations

from pathlib import Path

from tests.projects import PROJECT_TOML, make_project

REVIEWERS = {
    "strategist": "Sam Ortiz",
    "creative lead": "Maya Okafor",
    "producer": "Tom Reyes",
    "senior reviewer": "Ines Larsen",
}
STUDIO_TOML = PROJECT_TOML.replace(
    '[[reviewers]]\nname = "Maya Okafor"\nrole = "creative lead"\n',
    "".join(
        f'[[reviewers]]\nname = "{name}"\nrole = "{role}"\n\n' for role, name in REVIEWERS.items()
    ),
)
ADS_CSV = "ad_id,page_name,ad_creative_body\n1,Stridewell,Run further. Shop now\n"


def make_studio(root: Path, name: str = "acme", ads: bool = True) -> Path:
    """A project under ROOT/data/projects/NAME with all four reviewer roles (and raw ads)."""
    folder = make_project(root, name, toml=STUDIO_TOML)
    if ads:
        (folder / "raw" / "ads").mkdir(parents=True, exist_ok=True)
        (folder / "raw" / "ads" / "export.csv").write_text(ADS_CSV, "utf-8")
    return folder
