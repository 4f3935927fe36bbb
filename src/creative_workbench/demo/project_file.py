"""The demo's project.toml: client, placements, competitors, reviewers, thresholds, deliverables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import tomli_w

from creative_workbench.config import QAThresholds
from creative_workbench.demo.brand import CLIENT
from creative_workbench.demo.competitors import COMPETITORS

CTA_WORDING = ["Shop now", "Get 20% off", "Learn more", "Sign up", "Find your fit"]
REVIEWERS = [
    {"name": "Maya Okafor", "role": "creative lead"},
    {"name": "Rui Costa", "role": "creative director"},
    {"name": "Tom Reyes", "role": "producer"},
    {"name": "Priya Nair", "role": "analyst"},
    # Orchestration's checkpoints: strategy sign-off and delivery sign-off (demo/history.py).
    {"name": "Lena Brandt", "role": "strategist"},
    {"name": "Sam Whitaker", "role": "senior reviewer"},
]


def project_document(deliverables: Sequence[dict]) -> dict:
    """The project.toml content as a dict (deliverables: file, placement, cta, voiceover...)."""
    placements = sorted({d["placement"] for d in deliverables} | {"meta_feed", "meta_stories"})
    thresholds = {k: v for k, v in QAThresholds().model_dump().items() if v is not None}
    return {
        "client": CLIENT,
        "brand_guide": "_brand.yml",
        "currency": "USD",
        "currency_rates": {"EUR": 1.08, "GBP": 1.27},
        "cta_wording": CTA_WORDING,
        "placements": placements,
        "competitors": [c.name for c in COMPETITORS],
        "reviewers": REVIEWERS,
        "thresholds": thresholds,
        "deliverables": [
            {key: d[key] for key in ("file", "placement", "cta", "voiceover", "version")}
            for d in deliverables
        ],
    }


def write_project_file(project_dir: Path, deliverables: Sequence[dict]) -> Path:
    """Write PROJECT_DIR/project.toml; returns its path."""
    path = project_dir / "project.toml"
    header = (
        f"# {CLIENT}: seeded demo project written by `workbench demo`.\n"
        "# Raw inputs under raw/ are immutable; rebuild with `workbench demo --seed N`.\n\n"
    )
    path.write_text(header + tomli_w.dumps(project_document(deliverables)), "utf-8")
    return path
