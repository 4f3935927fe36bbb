"""Score the labeller (rules, learned layer, both) against a labelled ad-copy set
(taxonomy ids, `;`-joined, `none`).

The set is split deterministically by a hash of each row's id: fold 0 of 5 is the held-out
part (never used to tune the lexicon or to train the model), the other folds are the tuning
part. A CTA `unknown` (ad in a language the labeller does not cover) counts as wrong.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import polars as pl

from creative_workbench.research.combine import label_texts
from creative_workbench.research.copy_model import load_model, score_texts
from creative_workbench.research.lexicon import ANGLE_NAMES, OFFER_NAMES
from creative_workbench.research.messaging import label_copy

FOLDS = 5
HELD_OUT_FOLD = 0
NONE = "none"
ANGLE_IDS = list(ANGLE_NAMES)
OFFER_IDS = {
    "discount": "discount_pct",
    "free_shipping": "free_shipping",
    "trial": "free_trial",
    "bundle": "bundle",
    "price_point": "price_point",
}


def fold_of(row_id: str) -> int:
    """The fixed fold (0..FOLDS-1) of a row, from a stable hash of its id."""
    return int(hashlib.sha256(row_id.encode()).hexdigest(), 16) % FOLDS


def load_dev_set(path: Path) -> pl.DataFrame:
    """The labelled set (gold_angles, gold_cta, gold_offer) with a `split` column."""
    frame = pl.read_csv(path, infer_schema=False).rename(
        {"angles": "gold_angles", "cta": "gold_cta", "offer": "gold_offer"}
    )
    return frame.with_columns(
        pl.col("id")
        .map_elements(fold_of, return_dtype=pl.Int64)
        .eq(HELD_OUT_FOLD)
        .replace_strict({True: "held_out", False: "tune"})
        .alias("split")
    )


def taxonomy_ids(labelled: pl.DataFrame) -> pl.DataFrame:
    """Add pred_angles / pred_offers (lists of taxonomy ids) and pred_cta (an id)."""
    angle_ids = pl.concat_list(
        pl.when(pl.col(f"angle_{key}")).then(pl.lit(key)) for key in ANGLE_NAMES
    ).list.drop_nulls()
    offer_ids = pl.concat_list(
        pl.when(pl.col(f"offer_{key}_evidence").is_not_null()).then(pl.lit(OFFER_IDS[key]))
        for key in OFFER_NAMES
    ).list.drop_nulls()
    cta_id = pl.col("cta").str.to_lowercase().str.replace_all(" ", "_")
    return labelled.with_columns(
        angle_ids.alias("pred_angles"), offer_ids.alias("pred_offers"), cta_id.alias("pred_cta")
    )


def predict_rules(frame: pl.DataFrame) -> pl.DataFrame:
    """The phrase rules alone (label_copy; button label first for the CTA), as taxonomy ids."""
    labelled = label_copy(
        frame.with_columns(pl.col("cta_button").fill_null("")),
        "text",
        cta_cols=["cta_button", "text"],
    )
    return taxonomy_ids(labelled)


def predict(frame: pl.DataFrame) -> pl.DataFrame:
    """Rules + learned layer + language (combine.label_texts), as taxonomy ids."""
    return taxonomy_ids(label_texts(frame, "text", button_col="cta_button"))


def predict_model(frame: pl.DataFrame) -> pl.DataFrame:
    """The learned layer alone (each label above its threshold); CTA from the rules."""
    model = load_model()
    confidence = score_texts(frame["text"], model).confidence
    hits = {label: confidence[:, k] >= model.thresholds[k] for k, label in enumerate(model.labels)}

    def ids(family: str) -> list[list[str]]:
        names = [label for label in model.labels if label.startswith(family + ":")]
        return [
            [name.split(":")[1] for name in names if hits[name][i]] for i in range(frame.height)
        ]

    return predict_rules(frame).with_columns(
        pl.Series("pred_angles", ids("angle"), dtype=pl.List(pl.String)),
        pl.Series("pred_offers", ids("offer"), dtype=pl.List(pl.String)),
    )


def _labels(cell: str | None) -> set[str]:
    return {v for v in (cell or "").split(";") if v and v != NONE}


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def _multilabel(gold: list[set[str]], pred: list[set[str]], classes: list[str]) -> dict:
    counts = {c: [0, 0, 0] for c in classes}
    for g, p in zip(gold, pred, strict=True):
        for c in classes:
            counts[c][0] += c in g and c in p
            counts[c][1] += c in p and c not in g
            counts[c][2] += c in g and c not in p
    micro = _f1(*(sum(v[i] for v in counts.values()) for i in range(3)))
    macro = sum(_f1(*v)[0] for v in counts.values()) / len(classes)
    # A class with no gold label in the set scores 0 above; this variant leaves it out.
    present = [_f1(*v)[0] for v in counts.values() if v[0] + v[2]]
    macro_present = sum(present) / max(len(present), 1)
    return {
        "f1": micro[0],
        "precision": micro[1],
        "recall": micro[2],
        "macro_f1": macro,
        "macro_f1_present": macro_present,
    }


def score(gold: pl.DataFrame, pred_angles, pred_cta, pred_offers) -> dict:
    """Angles micro/macro F1, CTA accuracy and offer micro-F1 of predictions against GOLD."""
    gold_angles = [_labels(v) for v in gold["gold_angles"]]
    gold_offers = [_labels(v) for v in gold["gold_offer"]]
    angles = _multilabel(gold_angles, [set(p) for p in pred_angles], list(ANGLE_NAMES))
    offers = _multilabel(gold_offers, [set(p) for p in pred_offers], list(OFFER_IDS.values()))
    cta_hits = sum(g == p for g, p in zip(gold["gold_cta"], pred_cta, strict=True))
    return {
        "angles_f1": angles["f1"],
        "angles_precision": angles["precision"],
        "angles_recall": angles["recall"],
        "angles_macro_f1": angles["macro_f1"],
        "angles_macro_f1_present": angles["macro_f1_present"],
        "cta_accuracy": cta_hits / max(len(gold), 1),
        "offer_f1": offers["f1"],
    }


def majority_baseline(tune: pl.DataFrame, target: pl.DataFrame) -> dict:
    """Predict, for every ad of TARGET, the most common label set / CTA seen in TUNE."""
    angles = Counter(tune["gold_angles"]).most_common(1)[0][0]
    cta = Counter(tune["gold_cta"]).most_common(1)[0][0]
    offer = Counter(tune["gold_offer"]).most_common(1)[0][0]
    n = len(target)
    return score(target, [_labels(angles)] * n, [cta] * n, [_labels(offer)] * n)


METHODS = {"rules": predict_rules, "model": predict_model, "both": predict}


def evaluate(path: Path) -> dict[str, dict[str, dict]]:
    """{split: {"n": rows, method: scores, "per_label": {method: per_label()}}} for the tune
    and held-out parts; methods: rules, model (learned layer alone, CTA from the rules), both
    (the product) and majority.
    The tune split's figures are in-sample (the rules and the model were fitted on it)."""
    dev = load_dev_set(path)
    tune = dev.filter(pl.col("split") == "tune")
    predicted = {name: method(dev) for name, method in METHODS.items()}
    result = {}
    for split in ("tune", "held_out"):
        result[split] = {"n": int((dev["split"] == split).sum())}
        for name, frame in predicted.items():
            part = frame.filter(pl.col("split") == split)
            result[split][name] = scores_of(part)
            result[split].setdefault("per_label", {})[name] = per_label(part)
        result[split]["majority"] = majority_baseline(tune, dev.filter(pl.col("split") == split))
    return result


def scores_of(predicted: pl.DataFrame) -> dict:
    """score() of a frame holding gold_* and pred_* columns."""
    return score(
        predicted, predicted["pred_angles"], predicted["pred_cta"], predicted["pred_offers"]
    )


def per_label(predicted: pl.DataFrame) -> dict[str, dict[str, float]]:
    """Per angle and offer id: gold count n, precision, recall and F1 of PREDICTED."""
    out = {}
    for family, gold_col, pred_col, ids in (
        ("angle", "gold_angles", "pred_angles", ANGLE_IDS),
        ("offer", "gold_offer", "pred_offers", list(OFFER_IDS.values())),
    ):
        gold = [_labels(v) for v in predicted[gold_col]]
        pred = [set(p) for p in predicted[pred_col]]
        for label in ids:
            tp = sum(label in g and label in p for g, p in zip(gold, pred, strict=True))
            fp = sum(label in p and label not in g for g, p in zip(gold, pred, strict=True))
            fn = sum(label in g and label not in p for g, p in zip(gold, pred, strict=True))
            f1, precision, recall = _f1(tp, fp, fn)
            out[f"{family}:{label}"] = {
                "n": tp + fn,
                "precision": precision,
                "recall": recall,
                "f1": f1,
            }
    return out


def evidence_violations(path: Path) -> list[tuple[str, str]]:
    """(id, evidence) pairs whose evidence is not a verbatim substring of the ad's text."""
    frame = predict(load_dev_set(path))
    columns = [c for c in frame.columns if c.endswith("_evidence") and c != "cta_evidence"]
    bad = []
    for row in frame.select("id", "text", *columns).iter_rows(named=True):
        bad += [(row["id"], row[c]) for c in columns if row[c] and row[c] not in row["text"]]
    return bad
