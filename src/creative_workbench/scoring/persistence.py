"""A CreativeScorer on disk: XGBoost's own UBJ format per booster plus scorer.json (settings,
encoder, targets, notes, contribution centres). Never pickle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import xgboost as xgb

from creative_workbench.atomic import atomic_write_text
from creative_workbench.scoring.features import FeatureEncoder

FILES = {"ctr": "model.ubj", "cvr": "cvr.ubj"}
INTERVAL_FILES = {"ctr": "model_interval.ubj", "cvr": "cvr_interval.ubj"}


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


def load_scorer(cls: type, folder: Path) -> Any:
    """A scorer of class CLS read from FOLDER (fitted state set; the caller compiles it)."""
    state = json.loads((folder / "scorer.json").read_text("utf-8"))
    encoder = FeatureEncoder.from_dict(state["encoder"])
    scorer = cls(features=encoder.spec, **state["params"])
    scorer.encoder_ = encoder
    scorer.feature_names_in_ = np.array(encoder.feature_names, dtype=object)
    scorer.n_features_in_ = len(encoder.feature_names)
    scorer.boosters_, scorer.interval_boosters_ = {}, {}
    for target in state["targets"]:
        for store, files in (
            (scorer.boosters_, FILES),
            (scorer.interval_boosters_, INTERVAL_FILES),
        ):
            booster = xgb.Booster()
            booster.load_model(str(folder / files[target]))
            store[target] = booster
    scorer.notes_ = list(state["notes"])
    scorer.n_rows_, scorer.n_creatives_ = state["n_rows"], state["n_creatives"]
    scorer.centres_ = {k: list(v) for k, v in state.get("centres", {}).items()}
    return scorer
