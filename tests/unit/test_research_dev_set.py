"""label_copy on the labelled real dev set (../shared/data/ad_copy), held-out split only.

Floors are the held-out figures measured with benchmarks/bench_labels.py (2026-12-01:
angles micro-F1 0.678, macro-F1 0.553, CTA 0.922, offer 0.898) minus 0.03, so a lexicon
change that loses accuracy on ads it was not tuned on fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from creative_workbench.research.label_eval import evaluate, evidence_violations

FLOORS = {"angles_f1": 0.65, "angles_macro_f1": 0.52, "cta_accuracy": 0.89, "offer_f1": 0.87}


@pytest.fixture(scope="module")
def dev_set(shared_data: Path) -> Path:
    return shared_data / "ad_copy" / "ad_copy_dev.csv"


def test_held_out_figures_stay_at_or_above_the_measured_floor(dev_set: Path) -> None:
    result = evaluate(dev_set)["held_out"]
    assert result["n"] > 50
    for metric, floor in FLOORS.items():
        assert result["rules"][metric] >= floor, (metric, result["rules"][metric])
        assert result["rules"][metric] > result["majority"][metric], metric


def test_every_evidence_phrase_is_verbatim_in_the_text(dev_set: Path) -> None:
    assert evidence_violations(dev_set) == []
