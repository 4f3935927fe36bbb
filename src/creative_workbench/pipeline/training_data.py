"""The scoring model's training table: performance rows joined with creative attributes.

Three sources of attributes, in this order: a creatives table whose attribute columns are
declared and typed under [scoring] attributes in project.toml; the studio's own video
creatives table (the demo's columns, CreativesSchema); or, without a creatives table, the
columns of the performance export itself (campaign, ad set, age, gender, interest,
keyword, placement, ...). Composition across stages lives here (scoring never imports
research): hook features come from `research.messaging.label_copy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from creative_workbench.config import Project
from creative_workbench.ingest.creatives import creatives_path, load_creatives
from creative_workbench.ingest.performance import PerformanceData, load_performance
from creative_workbench.ingest.performance_values import QualityWarning
from creative_workbench.pipeline.attributes import declared_rows, derived_rows
from creative_workbench.research.messaging import label_copy
from creative_workbench.scoring.features import (
    CREATIVE_FEATURES,
    FeatureSpec,
    add_creative_features,
    add_delivery_features,
)

HOOK_TEXT = "_hook_text"


@dataclass
class TrainingData:
    """Creative-period rows with attributes, the creatives, and data-quality warnings."""

    rows: pl.DataFrame
    creatives: pl.DataFrame
    performance: PerformanceData
    warnings: list[QualityWarning]
    features: FeatureSpec = CREATIVE_FEATURES
    source: str = "creatives table"
    notes: list[str] = field(default_factory=list)

    @property
    def dated(self) -> bool:
        """Whether every row has a reporting period (else lifetime totals)."""
        return self.rows.get_column("period_start").null_count() == 0

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


def creative_attributes(creatives: pl.DataFrame, brand_early_s: float) -> pl.DataFrame:
    """Creatives with every model attribute (hook features, brand-early, aspect fit)."""
    with_hooks = creatives.join(hook_features(creatives), on="creative_id", how="left")
    return add_creative_features(with_hooks, brand_early_s)


def join_performance(
    performance: pl.DataFrame, creatives: pl.DataFrame, brand_early_s: float
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
    """Load performance and the creatives' attributes for PROJECT (validated at the edge)."""
    performance = load_performance(project)
    declared = project.config.scoring.attributes
    if declared or not creatives_path(project).is_file():
        build = declared_rows if creatives_path(project).is_file() else derived_rows
        rows, creatives, spec, notes = build(project, performance)
        source = "creatives table" if build is declared_rows else "performance export"
        return TrainingData(
            rows, creatives, performance, list(performance.warnings), spec, source, notes
        )
    creatives = load_creatives(project)
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
