"""The scoring model's training table: performance rows joined with creative attributes.

Composition across stages lives here (scoring never imports research): hook features come
from `research.messaging.label_copy`, the model matrix from `scoring.features`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from creative_workbench.config import Project
from creative_workbench.ingest.creatives import load_creatives
from creative_workbench.ingest.performance import PerformanceData, load_performance
from creative_workbench.ingest.performance_formats import QualityWarning
from creative_workbench.research.messaging import label_copy
from creative_workbench.scoring.features import add_creative_features, add_delivery_features

HOOK_TEXT = "_hook_text"


@dataclass
class TrainingData:
    """Creative-period rows with attributes, the creatives, and data-quality warnings."""

    rows: pl.DataFrame
    creatives: pl.DataFrame
    performance: PerformanceData
    warnings: list[QualityWarning]

    def warning_lines(self) -> list[str]:
        """One sentence per data-quality warning (or a line saying there were none)."""
        return [w.message for w in self.warnings] or ["no data-quality warnings"]

    def coverage(self) -> pl.DataFrame:
        """What the model learns from: creatives, rows, dates, impressions, clicks, conversions."""
        rows = self.rows
        return pl.DataFrame(
            {
                "creatives": [rows.get_column("creative_id").n_unique()],
                "rows": [rows.height],
                "first day": [rows.get_column("period_start").min()],
                "last day": [rows.get_column("period_end").max()],
                "impressions": [int(rows.get_column("impressions").sum())],
                "clicks": [int(rows.get_column("clicks").sum())],
                "conversions": [int(rows.get_column("conversions").sum())],
            }
        )


def hook_features(creatives: pl.DataFrame) -> pl.DataFrame:
    """hook_words, has_question, has_numbers of each creative's hook (research labels)."""
    labelled = label_copy(
        creatives.select("creative_id", pl.col("hook").alias(HOOK_TEXT)), text_col=HOOK_TEXT
    )
    return labelled.select(
        "creative_id",
        pl.col("word_count").cast(pl.Float64).alias("hook_words"),
        pl.col("has_question").cast(pl.Float64),
        pl.col("has_numbers").cast(pl.Float64),
    )


def creative_attributes(creatives: pl.DataFrame, brand_early_s: float = 3.0) -> pl.DataFrame:
    """Creatives with every model attribute (hook features, brand-early, aspect fit)."""
    with_hooks = creatives.join(hook_features(creatives), on="creative_id", how="left")
    return add_creative_features(with_hooks, brand_early_s)


def join_performance(
    performance: pl.DataFrame, creatives: pl.DataFrame, brand_early_s: float = 3.0
) -> tuple[pl.DataFrame, int]:
    """Performance rows with the attributes of their creative; placement is where the row
    ran (else the creative's). Returns the rows and how many rows had no known creative."""
    attributes = creatives.join(hook_features(creatives), on="creative_id", how="left")
    joined = performance.join(
        attributes.rename({"placement": "_creative_placement"}), on="creative_id", how="left"
    )
    unknown = joined.filter(pl.col("launch_date").is_null())
    joined = (
        joined.filter(pl.col("launch_date").is_not_null())
        .with_columns(pl.coalesce("placement", "_creative_placement").alias("placement"))
        .drop("_creative_placement")
    )
    rows = add_delivery_features(add_creative_features(joined, brand_early_s))
    return rows, unknown.height


def load_training_data(project: Project) -> TrainingData:
    """Load creatives and performance for PROJECT and join them (validated at the edge)."""
    creatives = load_creatives(project)
    performance = load_performance(project)
    early = project.config.thresholds.brand_early_s
    rows, unknown = join_performance(performance.frame, creatives, early)
    warnings = list(performance.warnings)
    if unknown:
        warnings.append(
            QualityWarning(
                str(project.raw_performance_dir),
                "performance row(s) for creatives missing from creatives.csv left out of training",
                unknown,
            )
        )
    return TrainingData(rows, creative_attributes(creatives, early), performance, warnings)
