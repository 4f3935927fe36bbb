"""What the concepts flows take from the other stages: research's white space and the
labels of the ads it was judged on, and the promoted scoring model as a brief predictor.

A brief's parts map onto the scoring model's creative attributes by name (angle and offer
as label keys, `social proof` -> `social_proof`; format -> ad_format; the first aspect;
the headline as the hook). Attributes the briefs do not describe, and values the model has
no history for, count as unknown: neutral, and named in `new_values`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from creative_workbench.config import Project
from creative_workbench.pipeline.flows.research import ResearchParams, analyse
from creative_workbench.pipeline.models import load_model
from creative_workbench.pipeline.predict import candidate_rows
from creative_workbench.research import gaps, market
from creative_workbench.research.coverage import DIMENSION_COLUMNS, known
from creative_workbench.scoring.features import label
from creative_workbench.scoring.registry import promoted_version

AD_LABELS_SCHEMA = {
    "ad_id": pl.Utf8,
    "brand": pl.Utf8,
    "days_active": pl.Int32,
    "dimension": pl.Utf8,
    "label": pl.Utf8,
}


def ad_labels(labelled: pl.DataFrame) -> pl.DataFrame:
    """(ad_id, brand, days_active, dimension, label): one row per ad and known label."""
    ads = market.labelled_only(market.ads_only(labelled))
    parts = [
        gaps.label_rows(ads.filter(known(dimension)), dimension).select(
            "ad_id",
            "brand",
            "days_active",
            pl.lit(dimension).alias("dimension"),
            pl.col("label").cast(pl.Utf8),
        )
        for dimension, column in DIMENSION_COLUMNS.items()
        if column in ads.columns
    ]
    if not parts:
        return pl.DataFrame(schema=AD_LABELS_SCHEMA)
    return pl.concat(parts, how="vertical_relaxed")


def research_inputs(project: Project) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The project's white-space table and the ad labels behind it, as the research flow
    computes them with its default window (images not read: briefs do not use them)."""
    analysis = analyse(project, ResearchParams(with_visuals=False))
    return analysis.white_space, ad_labels(analysis.labelled)


def _key(value: str) -> str:
    """A label as the scoring data's key ('social proof' -> 'social_proof')."""
    return re.sub(r"[^a-z0-9]+", "_", value.strip().lower()).strip("_")


def model_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """Brief parts under the creative attributes' names."""
    return rows.select(
        pl.col("angle").map_elements(_key, return_dtype=pl.Utf8).alias("angle"),
        pl.col("offer").map_elements(_key, return_dtype=pl.Utf8).alias("offer"),
        pl.col("cta"),
        pl.col("placement"),
        pl.col("format").alias("ad_format"),
        pl.col("aspect"),
        pl.col("hook"),
    )


def briefs_predictor(
    project: Project, version: str | None
) -> tuple[Callable[[pl.DataFrame], pl.DataFrame] | None, str]:
    """(predict, 'model VERSION') with the promoted (or given) model; (None, '') without one."""
    if version is None and promoted_version(project.models_dir) is None:
        return None, ""
    scorer, card = load_model(project, version)
    last_day = card.get("training", {}).get("last_day")

    def predict(rows: pl.DataFrame) -> pl.DataFrame:
        frame = model_rows(rows)
        typed, _ = candidate_rows(project, scorer, frame, "briefs", last_day)
        predicted = scorer.predict(typed)
        unknown = scorer.encoder_.unknown(typed)
        present = [c for c in unknown if c in frame.columns]
        flags = [
            "; ".join(f"{label(c)} = {typed[c][i]}" for c in present if bool(unknown[c][i]))
            for i in range(typed.height)
        ]
        return predicted.with_columns(
            pl.Series("new_values", flags, dtype=pl.Utf8),
            *(
                pl.col(c).fill_nan(None)
                for c in predicted.columns
                if predicted[c].dtype == pl.Float64
            ),
        )

    return predict, f"model {card['version']}"
