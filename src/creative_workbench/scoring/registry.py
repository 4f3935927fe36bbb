"""The model registry: models/VERSION/ holds the XGBoost UBJ models, scorer.json,
card.json and manifest.json (their sha256); models/promoted.json names the version
forecasts use. Never pickle.

A version folder is written under a temporary name and renamed into place, so a crash
never leaves half a model; promoted.json is replaced atomically. Every read checks the
version against its manifest and, given RECORDED (version -> hashes from state.db), the
manifest against what training recorded (``scoring.integrity``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from creative_workbench.atomic import atomic_write_text
from creative_workbench.errors import DataError
from creative_workbench.scoring.integrity import (
    damaged,
    read_json_object,
    verify,
    write_manifest,
)
from creative_workbench.scoring.persistence import ScorerFileError, read_state
from creative_workbench.scoring.scorer import CreativeScorer

Recorded = Mapping[str, Mapping[str, str]]

VERSION = re.compile(r"^v(\d{4})$")
PROMOTED = "promoted.json"


def data_hash(frame: pl.DataFrame) -> str:
    """sha256 of the training table (sorted CSV text): same data, same hash."""
    ordered = frame.select(sorted(frame.columns)).sort(sorted(frame.columns), nulls_last=True)
    return hashlib.sha256(ordered.write_csv().encode("utf-8")).hexdigest()


def versions(models_dir: Path) -> list[str]:
    """Saved versions, oldest first."""
    if not models_dir.is_dir():
        return []
    return sorted(
        p.name
        for p in models_dir.iterdir()
        if p.is_dir() and VERSION.match(p.name) and (p / "card.json").is_file()
    )


def _next_version(models_dir: Path) -> str:
    taken = (
        [int(VERSION.match(p.name).group(1)) for p in models_dir.iterdir() if VERSION.match(p.name)]
        if models_dir.is_dir()
        else []
    )
    return f"v{max(taken, default=0) + 1:04d}"


def save_model(models_dir: Path, scorer: CreativeScorer, card: dict[str, Any]) -> str:
    """Save SCORER with CARD as the next version; returns the version name."""
    models_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=models_dir))
    try:
        scorer.save(staging)
        for _ in range(5):
            version = _next_version(models_dir)
            full = {
                "version": version,
                **card,
                "files": sorted(p.name for p in staging.iterdir() if p.is_file()),
            }
            atomic_write_text(staging / "card.json", json.dumps(full, indent=2, default=str))
            write_manifest(staging)
            try:
                staging.rename(models_dir / version)
                return version
            except OSError:
                continue  # another process took this number; try the next
        raise DataError(f"{models_dir}: could not allocate a model version folder")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _folder(models_dir: Path, version: str) -> Path:
    folder = models_dir / version
    if not VERSION.match(version) or not (folder / "card.json").is_file():
        known = ", ".join(versions(models_dir)) or "none (run `workbench train`)"
        raise DataError(f"{models_dir}: no model version {version!r}; known: {known}")
    return folder


def read_card(models_dir: Path, version: str, recorded: Recorded | None = None) -> dict[str, Any]:
    """The card.json of one version, after checking the version's files."""
    folder = _folder(models_dir, version)
    verify(folder, version, (recorded or {}).get(version))
    card = read_json_object(folder / "card.json", version)
    _check_card(card, version)
    try:
        read_state(folder)  # the settings, in range
    except ScorerFileError as exc:
        raise damaged(version, exc.file, exc.what) from None
    return card


def _check_card(card: dict[str, Any], version: str) -> None:
    """The card's shape and its losses (non-negative numbers), even when its hash matches."""
    metrics, training = card.get("metrics", {}), card.get("training", {})
    if not isinstance(metrics, dict) or not isinstance(training, dict):
        raise damaged(version, "card.json", "'metrics' and 'training' must be JSON objects")
    rows = training.get("rows")
    if rows is not None and (not isinstance(rows, int) or rows < 0):
        raise damaged(version, "card.json", f"training.rows {rows!r} is not a count")
    for target, values in metrics.items():
        model = values.get("model", {}) if isinstance(values, dict) else None
        if not isinstance(model, dict):
            raise damaged(version, "card.json", f"metrics.{target} is not a JSON object")
        for where, loss in (
            ("model.log_loss", model.get("log_loss")),
            ("best_baseline_log_loss", values.get("best_baseline_log_loss")),
        ):
            if loss is not None and not (isinstance(loss, int | float) and 0 <= loss < 1e6):
                raise damaged(version, "card.json", f"metrics.{target}.{where} = {loss!r}")


def load_model(
    models_dir: Path, version: str | None = None, recorded: Recorded | None = None
) -> tuple[CreativeScorer, dict[str, Any]]:
    """Load VERSION (default: the promoted one) as (scorer, card), checked."""
    version = version or promoted_version(models_dir)
    if version is None:
        raise DataError(f"{models_dir}: no promoted model; run `workbench train --promote`")
    card = read_card(models_dir, version, recorded)
    try:
        scorer = CreativeScorer.load(models_dir / version)
    except ScorerFileError as exc:
        raise damaged(version, exc.file, exc.what) from None
    return scorer, card


def promoted_version(models_dir: Path) -> str | None:
    """The promoted version, or None; a malformed promoted.json is a one-line error."""
    path = models_dir / PROMOTED
    if not path.is_file():
        return None
    fix = f"promote a version again (`workbench models promote vNNNN`) or delete {path}"
    try:
        record = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise DataError(f"{path}: malformed or truncated JSON; {fix}") from None
    version = record.get("version") if isinstance(record, dict) else None
    if not isinstance(version, str) or not VERSION.match(version):
        raise DataError(f"{path}: no valid 'version' (like v0001); {fix}")
    return version


def promote(
    models_dir: Path, version: str, who: str, at: str, recorded: Recorded | None = None
) -> dict[str, Any]:
    """Make VERSION the promoted model (atomically, after checking it); returns the record."""
    read_card(models_dir, version, recorded)
    try:
        previous = promoted_version(models_dir)
    except DataError:
        previous = None  # a malformed promoted.json is what this promotion replaces
    record = {
        "version": version,
        "promoted_by": who,
        "promoted_at": at,
        "previous": previous,
    }
    atomic_write_text(models_dir / PROMOTED, json.dumps(record, indent=2))
    return record


def list_models(models_dir: Path, recorded: Recorded | None = None) -> pl.DataFrame:
    """One row per version: created, by, rows, CTR log loss vs best baseline, promoted."""
    current = promoted_version(models_dir)
    rows = []
    for version in versions(models_dir):
        card = read_card(models_dir, version, recorded)
        metrics = card.get("metrics", {}).get("ctr", {})
        rows.append(
            {
                "version": version,
                "created_at": card.get("created_at"),
                "created_by": card.get("created_by"),
                "training_rows": card.get("training", {}).get("rows"),
                "ctr_log_loss": metrics.get("model", {}).get("log_loss"),
                "best_baseline_log_loss": metrics.get("best_baseline_log_loss"),
                "promoted": version == current,
            }
        )
    schema = {
        "version": pl.Utf8,
        "created_at": pl.Utf8,
        "created_by": pl.Utf8,
        "training_rows": pl.Int64,
        "ctr_log_loss": pl.Float64,
        "best_baseline_log_loss": pl.Float64,
        "promoted": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)
