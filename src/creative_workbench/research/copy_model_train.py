"""Train the learned copy labeller on the tune split of the labelled dev set and write the
packaged artefact (data/copy_model_v1.npz).

    python -m creative_workbench.research.copy_model_train \\
        [--data ../shared/data/ad_copy/ad_copy_dev.csv] [--output src/.../copy_model_v1.npz]

Only the tune split (folds 1-4 of label_eval.fold_of) is read for fitting and for choosing
anything: the regularisation C, the Platt calibration, each label's threshold and its
combination mode with the rules (rules / union / fill) all come from 5-fold
out-of-fold predictions on the tune split. The held-out fold is never used here.
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import KFold

from creative_workbench.research import label_eval
from creative_workbench.research.copy_model import CHAR_RANGE, TOKEN_PATTERN, pseudo_l2, save_model

C_GRID = (0.5, 2.0, 8.0)
THRESHOLDS = np.round(np.arange(0.1, 0.91, 0.05), 2)
# Ties go to the earlier (simpler) mode. A rule hit is never dropped (no model-only mode):
# rules carry readable evidence and catch phrasings too rare to learn from 400 ads.
MODES = ("rules", "union", "fill")
CV_FOLDS = 5
MIN_DF = 2
SEED = 0
REPO = Path(__file__).resolve().parents[3]
DEFAULT_DATA = REPO / ".." / "shared" / "data" / "ad_copy" / "ad_copy_dev.csv"
DEFAULT_OUTPUT = REPO / "src" / "creative_workbench" / "data" / "copy_model_v1.npz"


@dataclass
class Fitted:
    """sklearn objects of one fit: the two vectorisers and one model per label."""

    word: TfidfVectorizer
    char: TfidfVectorizer
    models: list[LogisticRegression | None]  # None: the label had one class only


def features(fitted: Fitted, texts: list[str]) -> sparse.csr_matrix:
    """Both families' TF-IDF rows, each scaled as copy_model.pseudo_l2 does."""
    word = pseudo_l2(fitted.word.transform(texts).tocsr(), fitted.word.idf_)
    char = pseudo_l2(fitted.char.transform(texts).tocsr(), fitted.char.idf_)
    return sparse.hstack([word, char]).tocsr()


def fit(texts: list[str], targets: np.ndarray, c: float) -> Fitted:
    """Fit the vectorisers and one class-balanced logistic regression per label column."""
    common = {"lowercase": True, "min_df": MIN_DF, "norm": None, "dtype": np.float64}
    fitted = Fitted(
        word=TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), token_pattern=TOKEN_PATTERN, **common
        ),
        char=TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_RANGE, **common),
        models=[],
    )
    fitted.word.fit(texts)
    fitted.char.fit(texts)
    matrix = features(fitted, texts)
    for k in range(targets.shape[1]):
        if len(np.unique(targets[:, k])) < 2:
            fitted.models.append(None)
            continue
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
        fitted.models.append(model.fit(matrix, targets[:, k]))
    return fitted


def decision(fitted: Fitted, texts: list[str]) -> np.ndarray:
    """Decision values (docs x labels) from the sklearn objects."""
    matrix = features(fitted, texts)
    columns = [
        m.decision_function(matrix) if m is not None else np.full(len(texts), -10.0)
        for m in fitted.models
    ]
    return np.column_stack(columns)


def export(fitted: Fitted, labels: list[str]) -> dict[str, np.ndarray]:
    """The weight arrays of FITTED in the artefact's layout (see copy_model.load_model)."""
    n_features = len(fitted.word.idf_) + len(fitted.char.idf_)
    coef = np.zeros((len(labels), n_features))
    intercept = np.full(len(labels), -10.0)
    for k, model in enumerate(fitted.models):
        if model is not None:
            coef[k], intercept[k] = model.coef_[0], model.intercept_[0]
    return {
        "labels": np.array(labels),
        "word_vocab": fitted.word.get_feature_names_out().astype(str),
        "word_idf": fitted.word.idf_.astype(np.float64),
        "char_vocab": fitted.char.get_feature_names_out().astype(str),
        "char_idf": fitted.char.idf_.astype(np.float64),
        "coef": coef,
        "intercept": intercept,
    }


def targets_of(frame: pl.DataFrame, labels: list[str]) -> np.ndarray:
    """Gold 0/1 matrix (docs x labels) from gold_angles / gold_offer."""
    angles = [set((v or "").split(";")) for v in frame["gold_angles"]]
    offers = [set((v or "").split(";")) for v in frame["gold_offer"]]
    out = np.zeros((frame.height, len(labels)), dtype=np.int64)
    for k, label in enumerate(labels):
        family, name = label.split(":")
        gold = angles if family == "angle" else offers
        out[:, k] = [name in g for g in gold]
    return out


def rules_of(frame: pl.DataFrame, labels: list[str]) -> np.ndarray:
    """The rules' 0/1 matrix (docs x labels) on FRAME (label_eval.predict_rules)."""
    pred = label_eval.predict_rules(frame)
    out = np.zeros((frame.height, len(labels)), dtype=bool)
    for k, label in enumerate(labels):
        family, name = label.split(":")
        column = pred["pred_angles" if family == "angle" else "pred_offers"]
        out[:, k] = [name in p for p in column.to_list()]
    return out


def out_of_fold(texts: list[str], targets: np.ndarray, c: float) -> np.ndarray:
    """Decision values for every tune doc from a model that did not see it (5-fold)."""
    oof = np.zeros(targets.shape, dtype=np.float64)
    for train, test in KFold(CV_FOLDS, shuffle=True, random_state=SEED).split(texts):
        fitted = fit([texts[i] for i in train], targets[train], c)
        oof[test] = decision(fitted, [texts[i] for i in test])
    return oof


def platt(scores: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    """Calibration (a, b) with P(label) = sigmoid(a * score + b), from out-of-fold scores."""
    if target.sum() < 2 or target.sum() == len(target):
        return 1.0, 0.0
    model = LogisticRegression(C=100.0).fit(scores[:, None], target)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def combined(mode: str, rule: np.ndarray, model: np.ndarray, family_silent: np.ndarray):
    """A label's 0/1 predictions under combination MODE (see combine.py)."""
    if mode == "rules":
        return rule
    if mode == "union":
        return rule | model
    return rule | (model & family_silent)  # fill: the model speaks where the rules are silent


def _f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = int((pred & (gold == 1)).sum())
    fp, fn = int((pred & (gold == 0)).sum()), int((~pred & (gold == 1)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def choose(labels, targets, rules, probabilities) -> tuple[list[str], np.ndarray, list[float]]:
    """Per label, the mode and threshold with the best out-of-fold F1 on the tune split."""
    families = np.array([label.split(":")[0] for label in labels])
    silent = {f: ~rules[:, families == f].any(axis=1) for f in set(families)}
    modes, thresholds, f1s = [], np.zeros(len(labels)), []
    for k, label in enumerate(labels):
        best = (-1.0, "rules", 0.5)
        for mode in MODES:
            for t in THRESHOLDS if mode != "rules" else [0.5]:
                model = probabilities[:, k] >= t
                pred = combined(mode, rules[:, k], model, silent[label.split(":")[0]])
                f1 = _f1(pred, targets[:, k])
                if f1 > best[0] + 1e-9:
                    best = (f1, mode, float(t))
        f1s.append(best[0])
        modes.append(best[1])
        thresholds[k] = best[2]
    return modes, thresholds, f1s


def label_ids() -> list[str]:
    """The labels the model learns: every angle, then every offer (taxonomy ids)."""
    return [f"angle:{a}" for a in label_eval.ANGLE_IDS] + [
        f"offer:{o}" for o in label_eval.OFFER_IDS.values()
    ]


def train(data: Path) -> tuple[dict[str, np.ndarray], dict]:
    """Fit on the tune split of DATA; return the artefact arrays and metadata."""
    frame = label_eval.load_dev_set(data).filter(pl.col("split") == "tune")
    labels = label_ids()
    texts = frame["text"].to_list()
    targets = targets_of(frame, labels)
    rules = rules_of(frame, labels)
    usable = targets.sum(axis=0) >= CV_FOLDS
    ap, oofs = {}, {}
    for c in C_GRID:
        oof = oofs[c] = out_of_fold(texts, targets, c)
        ap[c] = float(
            np.mean(
                [average_precision_score(targets[:, k], oof[:, k]) for k in np.flatnonzero(usable)]
            )
        )
    best_c = max(C_GRID, key=lambda c: (ap[c], -c))
    oof = oofs[best_c]
    calibration = np.array([platt(oof[:, k], targets[:, k]) for k in range(len(labels))])
    probabilities = 1.0 / (1.0 + np.exp(-(calibration[:, 0] * oof + calibration[:, 1])))
    modes, thresholds, f1s = choose(labels, targets, rules, probabilities)
    rule_cta = label_eval.predict_rules(frame)
    from_text = (rule_cta["pred_cta"] != "none") & (rule_cta["cta_button"].fill_null("") == "")
    cta_hits = (rule_cta["pred_cta"] == rule_cta["gold_cta"]).filter(from_text)
    tp = (rules & (targets == 1)).sum(axis=0)
    precision = (tp + 1) / (rules.sum(axis=0) + 2)  # Laplace-smoothed
    arrays = export(fit(texts, targets, best_c), labels)
    arrays |= {
        "calibration": calibration,
        "thresholds": thresholds,
        "modes": np.array(modes),
        "rule_precision": precision.astype(np.float64),
    }
    meta = {
        "version": 1,
        "data_file": data.name,
        "data_sha256": hashlib.sha256(data.read_bytes()).hexdigest(),
        "split": (
            f"trained and tuned on folds != {label_eval.HELD_OUT_FOLD} of "
            f"sha256(id) mod {label_eval.FOLDS} (tune split); held-out fold never read"
        ),
        "n_train": frame.height,
        # Share of text-phrase CTAs (no button) that are right, on the tune split.
        "cta_text_precision": round(float(cta_hits.mean()), 4),
        "c": best_c,
        "cv_average_precision": {str(c): round(v, 4) for c, v in ap.items()},
        "cv_f1_of_chosen_mode": dict(zip(labels, [round(f, 4) for f in f1s], strict=True)),
        "features": f"word 1-2 + char_wb {CHAR_RANGE[0]}-{CHAR_RANGE[1]}, min_df {MIN_DF}",
    }
    return arrays, meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    arrays, meta = train(args.data)
    save_model(args.output, arrays, meta)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1024:.0f} KiB)")
    for label, mode, t in zip(
        meta["cv_f1_of_chosen_mode"], arrays["modes"], arrays["thresholds"], strict=True
    ):
        print(f"  {label:32} {mode:6} t={t:.2f} cv F1={meta['cv_f1_of_chosen_mode'][label]:.3f}")


if __name__ == "__main__":
    main()
