"""A small concepts stage on disk: real PNG/JPEG/WebP generations, briefs and candidates
parquet tables in the contract's columns (as the import and prefilter write them)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
from PIL import Image

from tests.projects import make_project

HOSTILE_NAME = "<img src=x onerror=alert(1)>&'x'.png"
REVIEWERS_TOML = """
[[reviewers]]
name = "Rui Costa"
role = "Creative_Director"

[[reviewers]]
name = "Tom Reyes"
role = "producer"
"""


def write_concepts(folder: Path, n: int = 10, hostile: bool = False) -> pl.DataFrame:
    """Write N candidates (every third auto-discarded) and two briefs under FOLDER/concepts;
    returns the candidates table. HOSTILE: the first file name carries markup."""
    concepts = folder / "concepts"
    generations = concepts / "generations" / "round-1"
    generations.mkdir(parents=True, exist_ok=True)
    briefs = pl.DataFrame(
        {
            "brief_id": ["b01", "b02"],
            "angle": ["comfort", "price <b>"],
            "offer": ["free shipping", "discount"],
            "cta": ["Shop now", "Get 20% off"],
            "placement": ["meta_feed", "meta_stories"],
            "headline": ["Run further <img src=x onerror=alert(2)>", "Half the price"],
            "rationale": ["nobody talks comfort", "price gap"],
            "ctr_pred": [0.012, None],
            "ctr_lower": [0.008, None],
            "ctr_upper": [0.017, None],
            "rank": [1, 2],
        }
    )
    briefs.write_parquet(concepts / "briefs.parquet")
    rows = []
    formats = (("png", "PNG"), ("jpg", "JPEG"), ("webp", "WEBP"))
    for i in range(n):
        suffix, kind = formats[i % 3]
        name = HOSTILE_NAME if hostile and i == 0 else f"gen-{i:03d}.{suffix}"
        path = generations / name
        Image.new("RGB", (64 + i, 80), (20 * (i % 12), 90, 160)).save(path, format=kind)
        auto = i % 3 == 2
        rows.append(
            {
                "candidate_id": f"c{i:03d}",
                "file": path.relative_to(folder).as_posix(),
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "brief_id": None if i == n - 1 else ("b01" if i % 2 == 0 else "b02"),
                "link_source": "filename",
                "width": 64 + i,
                "height": 80,
                "score": round(1.0 - i / (n + 1), 3),
                "reasons": ["blurry: variance 12 < 40"] if auto else [],
                "auto_discarded": auto,
                "discard_reason": "blurry" if auto else None,
            }
        )
    candidates = pl.DataFrame(
        rows, schema_overrides={"brief_id": pl.String, "discard_reason": pl.String}
    )
    candidates.write_parquet(concepts / "candidates.parquet")
    return candidates


def make_concept_project(root: Path, n: int = 10, hostile: bool = False) -> Path:
    """A minimal project (tests/projects.py) with a creative director and a producer added,
    and N concept candidates; returns its folder."""
    from tests.projects import PROJECT_TOML

    folder = make_project(
        root, toml=PROJECT_TOML.replace("\n[thresholds]", REVIEWERS_TOML + "\n[thresholds]")
    )
    write_concepts(folder, n=n, hostile=hostile)
    return folder
