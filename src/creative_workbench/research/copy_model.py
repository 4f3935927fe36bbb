"""The learned copy labeller: TF-IDF word (1-2) and char_wb (2-5) n-grams, one linear model
per label (messaging angles and offers), loaded from a small versioned NPZ artefact.

The artefact (data/copy_model_v1.npz, rebuilt by `python -m
creative_workbench.research.copy_model_train`) holds plain arrays only (vocabularies, idf,
coefficients, intercepts, Platt calibration, thresholds, combination modes) and a JSON
metadata string (training data sha256, split, scores); no pickle. Inference re-implements
scikit-learn's analyzers with polars and scipy, so no fitted sklearn object is needed:

* word n-grams: lowercase, tokens `\\b\\w\\w+\\b`, unigrams and bigrams;
* char_wb n-grams: lowercase, each whitespace-separated word padded with one space, all
  substrings of 2..5 characters (sklearn's `char_wb`).

Each family's TF-IDF row (raw counts x idf) is divided by sqrt(sum of count x idf^2): the
L2 norm when no n-gram repeats, and linear in the counts, so a document's score is a sum of
per-word scores (words repeat across ads far more than documents do).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl
from scipy import sparse

ARTEFACT = "copy_model_v1.npz"
TOKEN_PATTERN = r"\b\w\w+\b"
CHAR_RANGE = (2, 5)


@dataclass(frozen=True)
class CopyModel:
    """A loaded artefact: label ids, vocabularies, weights and combination settings."""

    labels: list[str]
    word_vocab: pl.DataFrame  # term, idx
    word_idf: np.ndarray
    char_vocab: pl.DataFrame  # term, idx
    char_idf: np.ndarray
    coef: np.ndarray  # labels x (word features + char features)
    intercept: np.ndarray
    calibration: np.ndarray  # labels x 2: confidence = sigmoid(a * score + b)
    thresholds: np.ndarray  # on the calibrated confidence
    modes: list[str]  # rules, union or fill (see combine.py)
    rule_precision: np.ndarray
    meta: dict

    def index(self, label: str) -> int:
        """Row of LABEL (e.g. 'angle:price_offer') in the weight arrays."""
        return self.labels.index(label)


def save_model(path: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write an artefact: ARRAYS (see load_model for the names) plus META as JSON."""
    np.savez_compressed(path, meta=np.array(json.dumps(meta, sort_keys=True)), **arrays)


def load_model(path: Path | None = None) -> CopyModel:
    """Load an artefact (default: the packaged copy_model_v1.npz), without pickle."""
    if path is None:
        return _packaged()
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    word_terms = arrays["word_vocab"].tolist()
    char_terms = arrays["char_vocab"].tolist()
    return CopyModel(
        labels=arrays["labels"].tolist(),
        word_vocab=pl.DataFrame(
            {"term": word_terms, "idx": np.arange(len(word_terms), dtype=np.int32)}
        ),
        word_idf=arrays["word_idf"].astype(np.float64),
        char_vocab=pl.DataFrame(
            {"term": char_terms, "idx": np.arange(len(char_terms), dtype=np.int32)}
        ),
        char_idf=arrays["char_idf"].astype(np.float64),
        coef=arrays["coef"].astype(np.float64),
        intercept=arrays["intercept"].astype(np.float64),
        calibration=arrays["calibration"].astype(np.float64),
        thresholds=arrays["thresholds"].astype(np.float64),
        modes=arrays["modes"].tolist(),
        rule_precision=arrays["rule_precision"].astype(np.float64),
        meta=json.loads(str(arrays["meta"])),
    )


@lru_cache(maxsize=1)
def _packaged() -> CopyModel:
    with resources.as_file(resources.files("creative_workbench.data") / ARTEFACT) as path:
        return load_model(path)


def pseudo_l2(matrix: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Scale TF-IDF rows (counts x idf) by 1 / sqrt(sum count x idf^2); empty rows stay 0."""
    norm = np.sqrt(np.asarray(matrix @ idf).ravel())
    scale = np.divide(1.0, norm, out=np.zeros_like(norm), where=norm > 0)
    return sparse.diags(scale) @ matrix


def _counts(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    data = np.ones(len(rows), dtype=np.float64)
    return sparse.csr_matrix((data, (rows, cols)), shape=shape)


def word_tokens(texts: pl.Series) -> pl.DataFrame:
    """One row per token: doc, tok (verbatim), term (lowercase), in document order."""
    frame = pl.DataFrame({"tok": texts.fill_null("").str.extract_all(TOKEN_PATTERN)})
    return (
        frame.with_row_index("doc")
        .explode("tok")
        .drop_nulls("tok")
        .with_columns(pl.col("tok").str.to_lowercase().alias("term"))
    )


def word_matrix(tokens: pl.DataFrame, n_docs: int, model: CopyModel) -> sparse.csr_matrix:
    """Unigram + bigram counts per document over the model's word vocabulary."""
    bigrams = tokens.select(
        "doc",
        (pl.col("term") + " " + pl.col("term").shift(-1)).over("doc").alias("term"),
    ).drop_nulls("term")
    terms = pl.concat([tokens.select("doc", "term"), bigrams])
    hits = terms.join(model.word_vocab, on="term", how="inner")
    return _counts(hits["doc"].to_numpy(), hits["idx"].to_numpy(), (n_docs, len(model.word_idf)))


def char_matrix(words: pl.Series, model: CopyModel) -> sparse.csr_matrix:
    """char_wb n-gram counts per (distinct, lowercase) word over the model's char vocabulary."""
    padded = pl.DataFrame({"w": " " + words + " "}).with_row_index("wid")
    padded = padded.with_columns(pl.col("w").str.len_chars().alias("n_chars"))
    parts = []
    for n in range(CHAR_RANGE[0], CHAR_RANGE[1] + 1):
        part = padded.filter(pl.col("n_chars") >= n).with_columns(
            pl.int_ranges(0, pl.col("n_chars") - n + 1).alias("offset")
        )
        parts.append(
            part.explode("offset").select(
                "wid", pl.col("w").str.slice(pl.col("offset"), n).alias("term")
            )
        )
    hits = pl.concat(parts).join(model.char_vocab, on="term", how="inner")
    shape = (len(words), len(model.char_idf))
    return _counts(hits["wid"].to_numpy(), hits["idx"].to_numpy(), shape)


def _weights(idf: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """Per-feature columns: idf x coefficient per label, then idf^2 (the norm's part)."""
    return np.column_stack([idf[:, None] * coef.T, idf**2])


@dataclass(frozen=True)
class Scores:
    """Model output for N documents: calibrated confidence per label, and what top_tokens
    needs to find each label's evidence (per token: its unigram feature and its word)."""

    confidence: np.ndarray  # docs x labels
    tokens: pl.DataFrame  # doc, tok (verbatim), in document order
    token_unigram: np.ndarray  # word-vocabulary index of each token, -1 when absent
    token_word: np.ndarray  # row of each token in char_weights
    word_weights: np.ndarray  # word features x labels (idf x coefficient)
    char_weights: np.ndarray  # distinct words x labels (sum over their char n-grams)
    word_scale: np.ndarray  # per doc
    char_scale: np.ndarray  # per doc


def score_texts(texts: pl.Series, model: CopyModel | None = None) -> Scores:
    """Score TEXTS (label each distinct text once: callers dedupe) with MODEL."""
    model = model or load_model()
    n_docs = len(texts)
    n_word = len(model.word_idf)
    word_w = _weights(model.word_idf, model.coef[:, :n_word])
    char_w = _weights(model.char_idf, model.coef[:, n_word:])

    tokens = word_tokens(texts)
    word_part = word_matrix(tokens, n_docs, model) @ word_w

    lower = texts.fill_null("").str.to_lowercase()
    doc_words = pl.DataFrame({"w": lower.str.extract_all(r"\S+")}).with_row_index("doc")
    doc_words = doc_words.explode("w").drop_nulls("w")
    # Regex tokens are scored as words too (for evidence), alongside whitespace words.
    distinct = pl.concat([doc_words["w"], tokens["term"]]).unique(maintain_order=True)
    word_ids = pl.DataFrame({"w": distinct}).with_row_index("wid")
    per_word = char_matrix(distinct, model) @ char_w  # distinct words x (labels + 1)
    wid = doc_words.join(word_ids, on="w", how="left", maintain_order="left")["wid"].to_numpy()
    char_part = _counts(doc_words["doc"].to_numpy(), wid, (n_docs, len(distinct))) @ per_word

    word_scale = _inverse_sqrt(word_part[:, -1])
    char_scale = _inverse_sqrt(char_part[:, -1])
    decision = (
        word_part[:, :-1] * word_scale[:, None]
        + char_part[:, :-1] * char_scale[:, None]
        + model.intercept
    )
    a, b = model.calibration[:, 0], model.calibration[:, 1]
    confidence = 1.0 / (1.0 + np.exp(-(a * decision + b)))

    unigram = tokens.join(model.word_vocab, on="term", how="left", maintain_order="left")
    tok_wid = tokens.join(
        word_ids.rename({"w": "term"}), on="term", how="left", maintain_order="left"
    )
    return Scores(
        confidence=confidence,
        tokens=tokens.select("doc", "tok"),
        token_unigram=unigram["idx"].fill_null(-1).to_numpy().astype(np.int64),
        token_word=tok_wid["wid"].to_numpy().astype(np.int64),
        word_weights=word_w[:, :-1],
        char_weights=per_word[:, :-1],
        word_scale=word_scale,
        char_scale=char_scale,
    )


def _inverse_sqrt(values: np.ndarray) -> np.ndarray:
    root = np.sqrt(np.asarray(values, dtype=np.float64))
    return np.divide(1.0, root, out=np.zeros_like(root), where=root > 0)


def top_tokens(scores: Scores, label_index: int, docs: np.ndarray) -> dict[int, str]:
    """For each of DOCS, its token (verbatim) weighing most towards label LABEL_INDEX: the
    token's unigram weight plus its char n-grams' (the token read as one word)."""
    if len(docs) == 0:
        return {}
    doc_of = scores.tokens["doc"].to_numpy()
    rows = np.flatnonzero(np.isin(doc_of, docs))
    doc, unigram = doc_of[rows], scores.token_unigram[rows]
    word_part = np.where(unigram >= 0, scores.word_weights[unigram.clip(0), label_index], 0.0)
    char_part = scores.char_weights[scores.token_word[rows], label_index]
    weight = word_part * scores.word_scale[doc] + char_part * scores.char_scale[doc]
    frame = pl.DataFrame({"doc": doc, "tok": scores.tokens["tok"].gather(rows), "w": weight})
    best = frame.group_by("doc").agg(pl.col("tok").sort_by("w").last())
    return dict(zip(best["doc"].to_list(), best["tok"].to_list(), strict=True))
