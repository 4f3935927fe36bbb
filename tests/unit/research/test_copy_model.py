"""The learned layer's artefact: plain arrays (no pickle), provenance of its training data,
and inference that reproduces scikit-learn's decision values without sklearn objects."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from creative_workbench.research import copy_model, copy_model_train, label_eval


@pytest.fixture(scope="module")
def dev_set(shared_data: Path) -> Path:
    return shared_data / "ad_copy" / "ad_copy_dev.csv"


def test_packaged_artefact_loads_without_pickle_and_records_its_data() -> None:
    model = copy_model.load_model()
    assert model.meta["version"] == 1 and "tune split" in model.meta["split"]
    assert len(model.meta["data_sha256"]) == 64 and model.meta["n_train"] > 300
    assert model.labels == copy_model_train.label_ids()
    assert set(model.modes) <= set(copy_model_train.MODES)
    assert model.coef.shape == (len(model.labels), len(model.word_idf) + len(model.char_idf))


def test_artefact_was_trained_on_this_dev_set(dev_set: Path) -> None:
    digest = hashlib.sha256(dev_set.read_bytes()).hexdigest()
    assert copy_model.load_model().meta["data_sha256"] == digest


def test_loaded_artefact_reproduces_sklearn(dev_set: Path, tmp_path: Path) -> None:
    dev = label_eval.load_dev_set(dev_set)
    tune = dev.filter(pl.col("split") == "tune").head(200)
    held_out = dev.filter(pl.col("split") == "held_out").head(40)
    labels = copy_model_train.label_ids()
    fitted = copy_model_train.fit(
        tune["text"].to_list(), copy_model_train.targets_of(tune, labels), 2.0
    )
    n = len(labels)
    arrays = copy_model_train.export(fitted, labels) | {
        "calibration": np.tile([1.0, 0.0], (n, 1)),
        "thresholds": np.full(n, 0.5),
        "modes": np.array(["union"] * n),
        "rule_precision": np.full(n, 0.9),
    }
    path = tmp_path / "model.npz"
    copy_model.save_model(path, arrays, {"version": 1})
    loaded = copy_model.load_model(path)
    # Texts with odd spacing, case and punctuation as well as the held-out ads.
    texts = [*held_out["text"].to_list(), "  SHOP   the Sale!!  now ", "", "a b c", "É été 2x"]
    expected = copy_model_train.decision(fitted, texts)
    confidence = copy_model.score_texts(pl.Series(texts), loaded).confidence
    got = np.log(confidence / (1 - confidence))  # calibration (1, 0): the decision value
    mask = np.abs(expected) < 30  # beyond, the sigmoid saturates in float64
    assert np.allclose(got[mask], expected[mask], atol=1e-8)
