"""Why a brief exists: its gaps in words, and competitor ads that do and do not use them.

The gap table is research's white-space ranking (dimension, label, gap_score, market_share,
typical_share, brands_using, brands_judged, brands_unknown, users_median_days,
market_median_days, examples). Ad labels are a long table (ad_id, brand, days_active,
dimension, label) of the competitor ads the gaps were judged on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

AD_LABEL_COLUMNS = ("ad_id", "brand", "days_active", "dimension", "label")
TRAP_NOTE = "Whether the gap is an opportunity or a trap is the strategist's call."


def _share(value: object) -> str:
    return "unknown" if value is None else f"{float(value):.1%}"


def gap_sentence(gap: Mapping[str, Any]) -> str:
    """One sentence on one white-space gap: share vs typical, brands using, coverage."""
    sentence = (
        f"{gap['dimension']} '{gap['label']}' is white space: {_share(gap.get('market_share'))} "
        f"of judged competitor ads vs a typical {_share(gap.get('typical_share'))}"
    )
    judged = gap.get("brands_judged")
    if judged is not None:
        sentence += f"; {gap.get('brands_using', 0)} of {judged} brands judged use it"
    unknown = gap.get("brands_unknown") or 0
    if unknown:
        sentence += f" ({unknown} brand(s) not judged: too little readable copy)"
    return sentence + f"; gap score {float(gap['gap_score']):.2f}."


def rationale_text(primary: Mapping[str, Any], others: list[Mapping[str, Any]]) -> str:
    """The brief's rationale: its main gap, the other gaps it stacks, longevity, the caveat."""
    parts = [gap_sentence(primary)]
    if others:
        stacked = ", ".join(
            f"{g['dimension']} '{g['label']}' (gap {float(g['gap_score']):.2f})" for g in others
        )
        parts.append(f"Also uses under-used {stacked}.")
    users, market = primary.get("users_median_days"), primary.get("market_median_days")
    if users is not None and market is not None:
        parts.append(
            f"The few ads using it ran {float(users):.0f} days at the median vs "
            f"{float(market):.0f} for the market (a hint, not performance)."
        )
    parts.append(TRAP_NOTE)
    return " ".join(parts)


def evidence_ids(
    ad_labels: pl.DataFrame | None, dimension: str, label: str, count: int
) -> tuple[list[str], list[str]]:
    """Ad ids (longest-running first) that carry DIMENSION=LABEL, and ones with a known
    value on DIMENSION that do not; empty lists without ad labels."""
    if ad_labels is None or ad_labels.is_empty() or count <= 0:
        return [], []
    scope = ad_labels.filter(pl.col("dimension") == dimension)
    carries = scope.group_by("ad_id").agg(
        (pl.col("label") == label).any().alias("uses"),
        pl.col("days_active").max().alias("days"),
    )
    ordered = carries.sort(["days", "ad_id"], descending=[True, False], nulls_last=True)
    using = ordered.filter(pl.col("uses")).get_column("ad_id").head(count).to_list()
    not_using = ordered.filter(~pl.col("uses")).get_column("ad_id").head(count).to_list()
    return [str(v) for v in using], [str(v) for v in not_using]
