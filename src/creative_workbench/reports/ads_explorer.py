"""Labelled ads for reading: a simple search, escaped cards, top ads per angle.

The interactive explorer lives in `reports.explorer`; this module keeps the small functions
reports and notebooks already call (`build_explorer` is the new explorer).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from creative_workbench.reports.explorer.cards import ad_card_html, cards_grid_html
from creative_workbench.reports.explorer.view import build_explorer, show
from creative_workbench.research.lexicon import ANGLE_NAMES
from creative_workbench.research.market import filter_ads

ANY = "(any)"
__all__ = [
    "ad_card_html",
    "ads_cards_html",
    "build_explorer",
    "search_ads",
    "show",
    "top_ads_per_angle",
]


def search_ads(
    labelled: pl.DataFrame,
    *,
    brands: list[str] | None = None,
    platforms: list[str] | None = None,
    angle: str | None = None,
    cta: str | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
    search: str = "",
) -> pl.DataFrame:
    """Ads matching every given filter; SEARCH is a case-insensitive literal text match."""
    out = filter_ads(labelled, start=start, end=end, competitors=brands, platforms=platforms)
    if angle and angle != ANY:
        out = out.filter(pl.col("angles").list.contains(angle))
    if cta and cta != ANY:
        out = out.filter(pl.col("cta") == cta)
    if search.strip():
        needle = search.strip().lower()
        out = out.filter(pl.col("copy").str.to_lowercase().str.contains(needle, literal=True))
    sort_by = [c for c in ("days_active", "start_time") if c in out.columns]
    return out.sort(sort_by, descending=True) if sort_by else out


def ads_cards_html(ads: pl.DataFrame, limit: int = 20) -> str:
    """Up to LIMIT ads as cards, with a count of how many matched."""
    cards = [ad_card_html(row) for row in ads.head(limit).iter_rows(named=True)]
    shown = min(limit, ads.height)
    return f"<p>{shown} of {ads.height} matching ads</p>{cards_grid_html(cards)}"


def top_ads_per_angle(labelled: pl.DataFrame, per_angle: int = 2) -> dict[str, pl.DataFrame]:
    """For each angle, its longest-running ads (primary angle first): the ones that stayed."""
    out = {}
    for name in ANGLE_NAMES.values():
        carrying = labelled.filter(pl.col("angles").list.contains(name)).with_columns(
            (pl.col("primary_angle") == name).alias("_primary")
        )
        if carrying.is_empty():
            continue
        out[name] = (
            carrying.sort(["_primary", "days_active", "ad_id"], descending=[True, True, False])
            .head(per_angle)
            .drop("_primary")
        )
    return out
