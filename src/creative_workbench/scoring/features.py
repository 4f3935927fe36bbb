"""Creative attributes -> the model matrix, with names in the attributes' own words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from creative_workbench.errors import ConfigError, DataError
from creative_workbench.placements import get_placement

MISSING = "(none)"
NEW_VALUE = "new value — no history"
MIN_CATEGORY_ROWS = 5
DELIVERY_COLUMNS = ("age_days", "weekday", "calendar_day")
CALENDAR_EPOCH = date(2000, 1, 3)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TARGETS = {"ctr": ("clicks", "impressions"), "cvr": ("conversions", "clicks")}
COUNT_COLUMNS = ("impressions", "clicks", "conversions")
LABELS = {
    "ad_format": "format",
    "aspect": "aspect ratio",
    "duration_s": "duration (s)",
    "placement": "placement",
    "angle": "angle",
    "cta": "CTA",
    "offer": "offer",
    "hook_words": "hook length (words)",
    "palette_adherence": "palette adherence",
    "brand_early": "brand early (logo timing)",
    "audience": "audience",
    "aspect_native": "aspect native to the placement",
    "age_days": "days since launch",
    "weekday": "day of week",
    "calendar_day": "date (trend and season)",
    "has_question": "hook asks a question",
    "has_numbers": "hook has numbers",
    "age": "age band",
    "gender": "gender",
    "interest": "interest",
    "campaign": "campaign",
}


@dataclass(frozen=True)
class FeatureSpec:
    """Which attribute columns feed the model and how (categorical or numeric)."""

    categorical: tuple[str, ...]
    numeric: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.categorical + self.numeric

    @property
    def static(self) -> FeatureSpec:
        """The spec without delivery-context columns (days since launch, weekday)."""
        return FeatureSpec(
            tuple(c for c in self.categorical if c not in DELIVERY_COLUMNS),
            tuple(c for c in self.numeric if c not in DELIVERY_COLUMNS),
        )

    def to_dict(self) -> dict[str, list[str]]:
        return {"categorical": list(self.categorical), "numeric": list(self.numeric)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureSpec:
        return cls(tuple(data["categorical"]), tuple(data.get("numeric", ())))


CREATIVE_FEATURES = FeatureSpec(
    categorical=(
        "ad_format",
        "aspect",
        "placement",
        "angle",
        "cta",
        "offer",
        "audience",
        "brand_early",
        "weekday",
    ),
    numeric=(
        "duration_s",
        "hook_words",
        "palette_adherence",
        "aspect_native",
        "has_question",
        "has_numbers",
        "age_days",
    ),
)
KAG_FEATURES = FeatureSpec(categorical=("campaign", "age", "gender", "interest"))


def label(attribute: str) -> str:
    """An attribute's name as producers say it."""
    return LABELS.get(attribute, attribute.replace("_", " "))


def add_creative_features(creatives: pl.DataFrame, brand_early_s: float) -> pl.DataFrame:
    """Add brand_early (logo by BRAND_EARLY_S s / later / no logo) and aspect_native (1 when
    the aspect is one the placement's spec lists, from placements.toml; null if unknown)."""
    native = []
    for placement_id in creatives.get_column("placement").unique().drop_nulls().to_list():
        try:
            native += [f"{placement_id}|{a}" for a in get_placement(placement_id).aspect_ratios]
        except ConfigError:
            continue
    known = [k.split("|")[0] for k in native]
    pair = pl.concat_str([pl.col("placement"), pl.col("aspect")], separator="|")
    logo = pl.col("logo_time_s")
    return creatives.with_columns(
        pl.when(logo.is_null())
        .then(pl.lit("no logo"))
        .when(logo <= brand_early_s)
        .then(pl.lit(f"logo by {brand_early_s:g} s"))
        .otherwise(pl.lit(f"logo after {brand_early_s:g} s"))
        .alias("brand_early"),
        pl.when(pl.col("placement").is_in(known))
        .then(pair.is_in(native).cast(pl.Float64))
        .otherwise(None)
        .alias("aspect_native"),
    )


def add_delivery_features(rows: pl.DataFrame) -> pl.DataFrame:
    """Add age_days (days from launch_date to the period's middle: fatigue), weekday (one-day
    periods only) and calendar_day (days from CALENDAR_EPOCH to the period's middle: trend
    and season, the same for every creative) to performance rows joined with their
    creatives."""
    middle = pl.col("period_start") + (pl.col("period_end") - pl.col("period_start")) / 2
    one_day = pl.col("period_start") == pl.col("period_end")
    return rows.with_columns(
        (middle - pl.col("launch_date")).dt.total_days().clip(0).cast(pl.Float64).alias("age_days"),
        (middle - pl.lit(CALENDAR_EPOCH)).dt.total_days().cast(pl.Float64).alias("calendar_day"),
        pl.when(one_day)
        .then(
            pl.col("period_start")
            .dt.weekday()
            .replace_strict(dict(enumerate(WEEKDAYS, 1)), return_dtype=pl.Utf8)
        )
        .otherwise(None)
        .alias("weekday"),
    )


def check_columns(frame: pl.DataFrame, columns: tuple[str, ...], what: str) -> None:
    """Raise DataError naming the columns FRAME lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{what}: missing column(s) {missing}")


def known_rows(frame: pl.DataFrame, target: str) -> pl.DataFrame:
    """Rows whose TARGET counts are both known (an unknown count is never a zero)."""
    successes, trials = TARGETS[target]
    if successes not in frame.columns or trials not in frame.columns:
        return frame.clear()
    return frame.filter(pl.col(successes).is_not_null() & pl.col(trials).is_not_null())


def aggregate_counts(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Sum impressions, clicks, conversions per KEYS (lossless for rate models whose
    inputs are constant within a key)."""
    present = [c for c in COUNT_COLUMNS if c in frame.columns]
    return frame.group_by(keys, maintain_order=True).agg(pl.col(present).sum())


@dataclass
class FeatureEncoder:
    """Categories learnt at fit time. A value seen in fewer than MIN_ROWS training rows, or
    never, is unknown (NaN) at predict; WEIGHTS (training impressions per category) define
    what "unknown" predicts: the impression-weighted average of the known values."""

    spec: FeatureSpec
    categories: dict[str, list[str]] = field(default_factory=dict)
    weights: dict[str, list[float]] = field(default_factory=dict)
    min_rows: int = MIN_CATEGORY_ROWS

    def fit(self, frame: pl.DataFrame, weight: str = "impressions") -> FeatureEncoder:
        check_columns(frame, self.spec.columns, "feature table")
        trials = (
            pl.col(weight).cast(pl.Float64).fill_null(0.0)
            if weight in frame.columns
            else pl.lit(1.0)
        )
        self.categories, self.weights = {}, {}
        for column in self.spec.categorical:
            counts = (
                frame.select(
                    pl.col(column).cast(pl.Utf8).fill_null(MISSING).alias("v"), trials.alias("w")
                )
                .group_by("v")
                .agg(pl.len().alias("n"), pl.col("w").sum())
                .filter(pl.col("n") >= self.min_rows)
                .sort("v")
            )
            self.categories[column] = counts.get_column("v").to_list()
            self.weights[column] = counts.get_column("w").to_list()
        return self

    @property
    def feature_types(self) -> list[str]:
        return ["c"] * len(self.spec.categorical) + ["q"] * len(self.spec.numeric)

    @property
    def feature_names(self) -> list[str]:
        return list(self.spec.columns)

    def encode(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The model matrix as a float32 frame: category codes then numeric values."""
        check_columns(frame, self.spec.columns, "feature table")
        codes = [
            pl.col(column)
            .cast(pl.Utf8)
            .fill_null(MISSING)
            .replace_strict(values, list(range(len(values))), default=None, return_dtype=pl.Float32)
            .alias(column)
            for column, values in self.categories.items()
        ]
        numbers = [pl.col(c).cast(pl.Float32, strict=False).alias(c) for c in self.spec.numeric]
        return frame.select(*codes, *numbers)

    def transform(self, frame: pl.DataFrame) -> np.ndarray:
        """The float32 model matrix (rows x feature_names), NaN where missing."""
        return np.ascontiguousarray(self.encode(frame).to_numpy(), dtype=np.float32)

    def columns(self, frame: pl.DataFrame) -> dict[str, np.ndarray]:
        """The model matrix's columns by name (float32, NaN where missing)."""
        encoded = self.encode(frame)
        return {
            name: encoded.get_column(name).to_numpy().astype(np.float32, copy=False)
            for name in self.feature_names
        }

    def decode(self, column: str, values: np.ndarray) -> list[str]:
        """Readable values of one matrix column (category names or numbers)."""
        if column in self.categories:
            names = self.categories[column]
            return [names[int(v)] if np.isfinite(v) else NEW_VALUE for v in values]
        return [f"{v:.3g}" if np.isfinite(v) else MISSING for v in values]

    def unknown(self, frame: pl.DataFrame) -> dict[str, np.ndarray]:
        """Per categorical column, which rows hold a value without history (bool)."""
        return {
            column: np.isnan(values)
            for column, values in self.columns(frame).items()
            if column in self.categories
        }

    def subset(self, spec: FeatureSpec) -> FeatureEncoder:
        """An encoder for fewer columns with the same categories."""
        return FeatureEncoder(
            spec,
            {c: self.categories[c] for c in spec.categorical},
            {c: self.weights[c] for c in spec.categorical if c in self.weights},
            self.min_rows,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "spec": self.spec.to_dict(),
            "categories": self.categories,
            "weights": self.weights,
            "min_rows": self.min_rows,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureEncoder:
        return cls(
            FeatureSpec.from_dict(data["spec"]),
            {k: list(v) for k, v in data["categories"].items()},
            {k: [float(w) for w in v] for k, v in data.get("weights", {}).items()},
            int(data.get("min_rows", 1)),
        )
