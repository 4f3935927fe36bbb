"""Themes in ad copy: TF-IDF + NMF (scikit-learn) fit on a sample, applied to every ad.

The model is fit on a random sample (default 20,000 ads, the whole set when smaller).
Applying it to millions of ads tokenises with polars (the same lower-cased tokens as the
fitted scikit-learn vectoriser: two or more word characters, starting with a letter) and
builds the TF-IDF matrix of the distinct copies only, so identical copy (common in ad
libraries) is transformed once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
import scipy.sparse as sp
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

TOKEN_PATTERN = r"\b[^\W\d_]\w+\b"
DEFAULT_SAMPLE = 20_000


class TooLittleCopyError(ValueError):
    """Too few ads with copy to fit the topics asked for (the report shows none)."""


@dataclass(frozen=True)
class TopicModel:
    """A fitted topic model: vocabulary, idf weights, NMF components and readable labels."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    nmf: NMF
    terms: list[list[str]]
    sample_size: int

    @property
    def labels(self) -> list[str]:
        """'T1: race · foam · carbon' style labels, one per topic."""
        return [f"T{i + 1}: " + " · ".join(t[:3]) for i, t in enumerate(self.terms)]


def brand_specific_terms(
    texts: pl.Series, brands: pl.Series, share: float = 0.9, min_docs: int = 5
) -> list[str]:
    """Tokens that (almost) only one brand uses — brand and product names, not themes."""
    tokens = (
        pl.DataFrame({"text": texts, "brand": brands})
        .with_row_index("doc")
        .select(
            "doc",
            "brand",
            pl.col("text")
            .fill_null("")
            .str.to_lowercase()
            .str.extract_all(TOKEN_PATTERN)
            .list.unique()
            .alias("token"),
        )
        .explode("token")
        .drop_nulls("token")
    )
    per_brand = tokens.group_by("token", "brand").agg(pl.len().alias("docs"))
    stats = per_brand.group_by("token").agg(
        pl.col("docs").sum().alias("total"), pl.col("docs").max().alias("top")
    )
    return sorted(
        stats.filter((pl.col("total") >= min_docs) & (pl.col("top") >= share * pl.col("total")))
        .get_column("token")
        .to_list()
    )


def fit_topics(
    texts: pl.Series,
    n_topics: int = 8,
    *,
    brands: pl.Series | None = None,
    sample_size: int = DEFAULT_SAMPLE,
    top_n: int = 8,
    seed: int = 0,
) -> TopicModel:
    """Fit TF-IDF + NMF on a random sample of TEXTS (nulls and blanks ignored).

    With BRANDS (aligned with TEXTS), words that only one brand uses (its brand and product
    names) are left out so that topics are themes shared across the market.
    Raises TooLittleCopyError when there is too little copy to find N_TOPICS themes.
    """
    frame = pl.DataFrame(
        {
            "text": texts,
            "brand": brands
            if brands is not None
            else pl.Series([None] * texts.len(), dtype=pl.Utf8),
        }
    )
    frame = frame.filter(pl.col("text").is_not_null() & (pl.col("text").str.strip_chars() != ""))
    if frame.height > sample_size:
        frame = frame.sample(sample_size, seed=seed)
    documents = frame.get_column("text").to_list()
    if len(documents) < max(n_topics * 3, 10):
        raise TooLittleCopyError(
            f"only {len(documents)} ads with copy: too few for {n_topics} topics"
        )
    stop_words = set(ENGLISH_STOP_WORDS)
    if brands is not None:
        stop_words |= set(brand_specific_terms(frame["text"], frame["brand"]))
    vectorizer = TfidfVectorizer(
        stop_words=sorted(stop_words),
        min_df=2,
        max_df=0.5,
        max_features=5000,
        token_pattern=TOKEN_PATTERN,
    )
    try:
        matrix = vectorizer.fit_transform(documents)
    except ValueError:  # every word was brand-specific: fall back to plain stop words
        vectorizer.set_params(stop_words="english")
        matrix = vectorizer.fit_transform(documents)
    n_topics = min(n_topics, matrix.shape[1] - 1)
    nmf = NMF(n_components=n_topics, init="nndsvda", random_state=seed, max_iter=400)
    nmf.fit(matrix)
    names = vectorizer.get_feature_names_out()
    terms = [[str(names[i]) for i in np.argsort(row)[::-1][:top_n]] for row in nmf.components_]
    vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
    return TopicModel(vocabulary, vectorizer.idf_.astype(np.float64), nmf, terms, len(documents))


def topic_terms(model: TopicModel) -> pl.DataFrame:
    """One row per topic: its number, label and top terms."""
    return pl.DataFrame(
        {
            "topic": list(range(1, len(model.terms) + 1)),
            "label": model.labels,
            "top_terms": [", ".join(t) for t in model.terms],
        }
    )


def tfidf_matrix(texts: pl.Series, model: TopicModel) -> sp.csr_matrix:
    """TF-IDF rows for TEXTS with the model's vocabulary (l2-normalised, like scikit-learn)."""
    vocab = pl.DataFrame(
        {
            "token": list(model.vocabulary),
            "term": np.fromiter(model.vocabulary.values(), dtype=np.int32),
        }
    )
    tokens = (
        pl.DataFrame({"text": texts})
        .with_row_index("row")
        .select(
            "row",
            pl.col("text")
            .fill_null("")
            .str.to_lowercase()
            .str.extract_all(TOKEN_PATTERN)
            .alias("token"),
        )
        .explode("token")
        .join(vocab, on="token", how="inner")
        .group_by("row", "term")
        .agg(pl.len().alias("count"))
    )
    rows = tokens.get_column("row").to_numpy()
    cols = tokens.get_column("term").to_numpy()
    values = tokens.get_column("count").to_numpy().astype(np.float64) * model.idf[cols]
    matrix = sp.csr_matrix((values, (rows, cols)), shape=(texts.len(), len(model.vocabulary)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


ASSIGN_BATCH = 100_000


def assign_topics(frame: pl.DataFrame, model: TopicModel, text_col: str = "copy") -> pl.DataFrame:
    """Add topic (1-based; null without matching words), topic_label and topic_weight."""
    distinct = frame.select(pl.col(text_col).fill_null("").alias("_text")).unique()
    texts = distinct.get_column("_text")
    best_parts, strength_parts = [], []
    for start in range(0, max(texts.len(), 1), ASSIGN_BATCH):  # bounded memory on big tables
        weights = model.nmf.transform(tfidf_matrix(texts.slice(start, ASSIGN_BATCH), model))
        best_parts.append(weights.argmax(axis=1))
        strength_parts.append(weights.max(axis=1))
    best = np.concatenate(best_parts)
    strength = np.concatenate(strength_parts)
    labels = np.asarray(model.labels, dtype=object)
    lookup = distinct.with_columns(
        pl.Series("topic", np.where(strength > 0, best + 1, 0), dtype=pl.Int32),
        pl.Series("topic_label", labels[best], dtype=pl.Utf8),
        pl.Series("topic_weight", strength, dtype=pl.Float64),
    ).with_columns(
        pl.when(pl.col("topic") == 0).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("topic", "topic_label")
    )
    return (
        frame.with_columns(pl.col(text_col).fill_null("").alias("_text"))
        .join(lookup, on="_text", how="left", maintain_order="left")
        .drop("_text")
    )


def topic_mix(topical: pl.DataFrame) -> pl.DataFrame:
    """Share of each brand's ads per topic (long form)."""
    totals = topical.group_by("brand").agg(pl.len().alias("brand_ads"))
    return (
        topical.filter(pl.col("topic_label").is_not_null())
        .group_by("brand", "topic_label")
        .agg(pl.len().alias("ads"))
        .join(totals, on="brand")
        .with_columns((pl.col("ads") / pl.col("brand_ads")).alias("share"))
        .sort("brand", "topic_label")
    )
