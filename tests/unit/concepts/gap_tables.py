"""A small white-space table in research's shape (research.gaps.white_space columns)."""

from __future__ import annotations

import polars as pl

GAP_COLUMNS = (
    "rank", "dimension", "label", "gap_score", "market_share", "typical_share", "ads",
    "brands_using", "brands_judged", "brands_unknown", "top_brand", "top_brand_share",
    "users_median_days", "market_median_days", "examples",
)  # fmt: skip


def gap_table() -> pl.DataFrame:
    """One dominant angle gap, a second angle gap, an offer gap and a small CTA gap."""
    rows = [
        ("angle", "values/sustainability", 0.95, 0.01, 0.30, 4, 0, 5, 0, ["A (9d): recycle"]),
        ("angle", "convenience", 0.40, 0.12, 0.30, 60, 2, 5, 1, ["B (20d): sorted"]),
        ("offer", "trial", 0.55, 0.03, 0.12, 15, 1, 5, 0, ["C (30d): free trial"]),
        ("cta", "Sign up", 0.08, 0.10, 0.16, 50, 4, 5, 0, ["D (12d): Sign up"]),
    ]
    return pl.DataFrame(
        [
            (i, d, lab, g, ms, ts, ads, use, judged, unk, "A", 0.1, 7.0, 13.0, ex)
            for i, (d, lab, g, ms, ts, ads, use, judged, unk, ex) in enumerate(rows, 1)
        ],
        schema=dict(
            zip(
                GAP_COLUMNS,
                [pl.UInt32, pl.Utf8, pl.Utf8, pl.Float64, pl.Float64, pl.Float64, pl.UInt32,
                 pl.Int64, pl.Int32, pl.Int32, pl.Utf8, pl.Float64, pl.Float64, pl.Float64,
                 pl.List(pl.Utf8)],
                strict=True,
            )
        ),
        orient="row",
    )  # fmt: skip


def ad_labels() -> pl.DataFrame:
    """Competitor ads' labels: two carry the values angle, three do not."""
    rows = [
        ("meta:1", "A", 40, "angle", "values/sustainability"),
        ("meta:2", "A", 9, "angle", "values/sustainability"),
        ("meta:2", "A", 9, "angle", "convenience"),
        ("meta:3", "B", 90, "angle", "price/offer"),
        ("meta:4", "C", 60, "angle", "convenience"),
        ("meta:5", "D", 5, "angle", "social proof"),
        ("meta:6", "D", 70, "offer", "discount"),
    ]
    return pl.DataFrame(
        rows,
        schema={"ad_id": pl.Utf8, "brand": pl.Utf8, "days_active": pl.Int32,
                "dimension": pl.Utf8, "label": pl.Utf8},
        orient="row",
    )  # fmt: skip
