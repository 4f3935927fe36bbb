"""A CreativeScorer on disk: XGBoost's own UBJ format per booster plus scorer.json (settings,
encoder, targets, notes, contribution centres). Never pickle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import xgboost as xgb
from pydantic import Field, ValidationError

from creative_workbench.atomic import atomic_write_text
from creative_workbench.config import ModelSettings, describe_validation_error
from creative_workbench.scoring.features import TARGETS, FeatureEncoder

FILES = {"ctr": "model.ubj", "cvr": "cvr.ubj"}
INTERVAL_FILES = {"ctr": "model_interval.ubj", "cvr": "cvr_interval.ubj"}


class ScorerFileError(ValueError):
    """A scorer file that cannot be used: FILE and WHAT is wrong with it."""

    def __init__(self, file: str, what: str) -> None:
        super().__init__(f"{file}: {what}")
        self.file, self.what = file, what


class ScorerParams(ModelSettings):
    """Every setting a saved scorer carries, each within its range (checked on load)."""

    min_creatives: int = Field(30, ge=1)
    min_clicks: int = Field(200, ge=0)
    min_conversions: int = Field(30, ge=0)
    min_category_rows: int = Field(5, ge=1)
    nthread: int = Field(2, ge=1, le=1024)
    random_state: int = Field(0, ge=0, le=2**32 - 1)


def save_scorer(scorer: Any, folder: Path) -> list[Path]:
    """Write a fitted SCORER into FOLDER; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for target, booster in scorer.boosters_.items():
        for files, model in (
            (FILES, booster),
            (INTERVAL_FILES, scorer.interval_boosters_[target]),
        ):
            path = folder / files[target]
            model.save_model(str(path))
            written.append(path)
    state = {
        "params": {k: v for k, v in scorer.get_params().items() if k != "features"},
        "encoder": scorer.encoder_.to_dict(),
        "targets": list(scorer.boosters_),
        "notes": scorer.notes_,
        "n_rows": scorer.n_rows_,
        "n_creatives": scorer.n_creatives_,
        "centres": scorer.centres_,
    }
    written.append(atomic_write_text(folder / "scorer.json", json.dumps(state, indent=2)))
    return written


def read_state(folder: Path) -> tuple[dict[str, Any], ScorerParams]:
    """scorer.json as a dict, with its settings validated (ScorerFileError otherwise)."""
    try:
        state = json.loads((folder / "scorer.json").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ScorerFileError("scorer.json", "missing, unreadable or malformed JSON") from None
    if not isinstance(state, dict) or not isinstance(state.get("params"), dict):
        raise ScorerFileError("scorer.json", "not a JSON object with 'params'")
    try:
        params = ScorerParams.model_validate(state["params"])
    except ValidationError as exc:
        raise ScorerFileError("scorer.json", f"params.{describe_validation_error(exc)}") from None
    targets = state.get("targets")
    if not isinstance(targets, list) or not set(targets) <= set(TARGETS) or "ctr" not in targets:
        raise ScorerFileError("scorer.json", "'targets' must list 'ctr' (and 'cvr')")
    return state, params


def _booster(path: Path) -> xgb.Booster:
    booster = xgb.Booster()
    try:
        booster.load_model(str(path))
    except (OSError, xgb.core.XGBoostError):
        raise ScorerFileError(path.name, "missing or not a readable XGBoost model") from None
    return booster


def load_scorer(cls: type, folder: Path) -> Any:
    """A scorer of class CLS read from FOLDER (fitted state set; the caller compiles it).
    Settings out of range, a malformed field or an unreadable model: ScorerFileError."""
    state, params = read_state(folder)
    try:
        return _restore(cls, folder, state, params)
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ScorerFileError("scorer.json", f"malformed field ({exc!r:.60})") from None


def _restore(cls: type, folder: Path, state: dict[str, Any], params: ScorerParams) -> Any:
    encoder = FeatureEncoder.from_dict(state["encoder"])
    scorer = cls(features=encoder.spec, **params.model_dump())
    scorer.encoder_ = encoder
    scorer.feature_names_in_ = np.array(encoder.feature_names, dtype=object)
    scorer.n_features_in_ = len(encoder.feature_names)
    scorer.boosters_, scorer.interval_boosters_ = {}, {}
    for target in state["targets"]:
        for store, files in (
            (scorer.boosters_, FILES),
            (scorer.interval_boosters_, INTERVAL_FILES),
        ):
            store[target] = _booster(folder / files[target])
    scorer.notes_ = list(state["notes"])
    scorer.n_rows_, scorer.n_creatives_ = state["n_rows"], state["n_creatives"]
    scorer.centres_ = {k: list(v) for k, v in state.get("centres", {}).items()}
    return scorer
