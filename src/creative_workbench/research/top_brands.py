"""Keep tables and charts readable with hundreds of brands: the top N brands by ads keep
their names, the rest become one "others (K brands)" row."""

from __future__ import annotations

from typing import TypeVar

import polars as pl

from creative_workbench.research.coverage import TOP_BRANDS
from creative_workbench.research.market import ads_only

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def top_brand_names(ads: pl.DataFrame | pl.LazyFrame, top: int = TOP_BRANDS) -> list[str]:
    """The TOP brands with the most ads (ties by name)."""
    counts = (
        ads_only(ads.lazy())
        .group_by("brand")
        .agg(pl.len().alias("n"))
        .sort(["n", "brand"], descending=[True, False])
        .head(top)
        .collect()
    )
    return counts.get_column("brand").to_list()


def others_label(ads: pl.DataFrame | pl.LazyFrame, top: int = TOP_BRANDS) -> str | None:
    """The name of the "others" row ("others (412 brands)"), or None when all are shown."""
    brands = ads_only(ads.lazy()).select(pl.col("brand").n_unique()).collect().item()
    return f"others ({brands - top} brands)" if brands > top else None


def group_brands(ads: Frame, top: int = TOP_BRANDS) -> Frame:
    """ADS with every brand outside the top TOP renamed to the "others" row."""
    label = others_label(ads, top)
    if label is None:
        return ads
    keep = top_brand_names(ads, top)
    return ads.with_columns(
        pl.when(pl.col("brand").is_in(keep))
        .then(pl.col("brand"))
        .otherwise(pl.lit(label))
        .alias("brand")
    )
