"""A project's model registry as every command reads it: each version checked against its
manifest.json and against the file hashes state.db recorded when it was trained (so an
edited card with a recomputed manifest is still caught)."""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from creative_workbench.config import Project
from creative_workbench.pipeline.store import Store, now_utc
from creative_workbench.scoring import registry
from creative_workbench.scoring.integrity import manifest
from creative_workbench.scoring.scorer import CreativeScorer

TRAINED = "scoring.trained"


def recorded_hashes(project: Project) -> dict[str, dict[str, str]]:
    """Version -> file hashes recorded in state.db at training (empty without state.db)."""
    if not project.state_db.is_file():
        return {}
    found: dict[str, dict[str, str]] = {}
    for payload in Store(project.state_db).events(TRAINED).get_column("payload").to_list():
        try:
            event = json.loads(payload)
        except (TypeError, json.JSONDecodeError):
            continue
        if isinstance(event, dict) and isinstance(event.get("sha256"), dict):
            found[str(event.get("version"))] = event["sha256"]
    return found


def trained_payload(project: Project, version: str) -> dict[str, Any]:
    """The hashes of a freshly saved VERSION, for the scoring.trained event."""
    return {"version": version, "sha256": manifest(project.models_dir / version, version)}


def load_model(
    project: Project, version: str | None = None
) -> tuple[CreativeScorer, dict[str, Any]]:
    """VERSION (default: the promoted one) as (scorer, card), checked."""
    return registry.load_model(project.models_dir, version, recorded_hashes(project))


def read_card(project: Project, version: str) -> dict[str, Any]:
    """One version's card, checked."""
    return registry.read_card(project.models_dir, version, recorded_hashes(project))


def list_models(project: Project) -> pl.DataFrame:
    """Every version, each checked (a damaged one is a one-line error)."""
    return registry.list_models(project.models_dir, recorded_hashes(project))


def promote(project: Project, version: str, who: str) -> dict[str, Any]:
    """Promote VERSION after checking it; returns the promoted.json record."""
    return registry.promote(project.models_dir, version, who, now_utc(), recorded_hashes(project))
