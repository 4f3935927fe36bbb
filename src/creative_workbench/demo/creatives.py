"""Northwind's own past creatives and a year of daily Meta Ads Manager performance exports."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import polars as pl

from creative_workbench.demo import copy, truth
from creative_workbench.demo.seeding import reference_date, rng_for

PERFORMANCE_HEADERS = (
    "Reporting starts",
    "Reporting ends",
    "Campaign name",
    "Ad set name",
    "Ad name",
    "Ad ID",
    "Placement",
    "Impressions",
    "Reach",
    "Link clicks",
    "CTR (link click-through rate)",
    "Amount spent (USD)",
    "Results",
    "Result indicator",
    "Cost per result",
)
RESULT_INDICATOR = "actions:offsite_conversion.fb_pixel_purchase"
PLACEMENTS = ("meta_feed", "meta_stories", "meta_reels")
PLACEMENT_LABELS = {
    "meta_feed": "Facebook Feed",
    "meta_stories": "Instagram Stories",
    "meta_reels": "Instagram Reels",
}
CPM_USD = {"meta_feed": 11.5, "meta_stories": 8.0, "meta_reels": 7.0}
AUDIENCES = ("broad", "interest_runners", "lookalike_purchasers", "retargeting_visitors")
AUDIENCE_LABELS = {
    "broad": "Broad US 18-54",
    "interest_runners": "Interest: running & marathons",
    "lookalike_purchasers": "Lookalike 1% purchasers",
    "retargeting_visitors": "Retargeting: site visitors 30d",
}
AUDIENCE_DAILY_IMPRESSIONS = {
    "broad": 5200.0,
    "interest_runners": 3800.0,
    "lookalike_purchasers": 3000.0,
    "retargeting_visitors": 1200.0,
}
CONCEPT_NAMES = (
    "Night Miles",
    "First Marathon",
    "Trail Ready",
    "Sunday Long Run",
    "Tempo Tuesday",
    "Rainy Day Runs",
    "City Loop",
    "Race Week",
    "Fresh Pair",
    "Fjord Run",
)
NATIVE = {"meta_feed": ("4:5", "1:1"), "meta_stories": ("9:16",), "meta_reels": ("9:16",)}
MISFIT = {
    "meta_feed": ("16:9", "9:16"),
    "meta_stories": ("4:5", "1:1"),
    "meta_reels": ("4:5", "16:9"),
}


def plan_creatives(seed: int, count: int = 360) -> pl.DataFrame:
    """The creatives table (CreativesSchema columns), launched over the last year."""
    rng = rng_for(seed, "creatives")
    today = reference_date(seed)
    placement = rng.choice(PLACEMENTS, size=count, p=[0.45, 0.2, 0.35])
    ad_format = rng.choice(("video", "image", "carousel"), size=count, p=[0.6, 0.3, 0.1])
    ad_format = np.where(
        placement == "meta_feed", ad_format, np.where(ad_format == "carousel", "video", ad_format)
    )
    misfit = rng.random(count) < 0.18
    aspect = np.array(
        [
            str(rng.choice(MISFIT[p] if bad else NATIVE[p]))
            for p, bad in zip(placement, misfit, strict=True)
        ]
    )
    duration = np.round(
        rng.choice(
            [6, 8, 10, 12, 15, 20, 30, 45],
            size=count,
            p=[0.12, 0.14, 0.2, 0.14, 0.16, 0.1, 0.09, 0.05],
        )
        + rng.choice([0.0, 0.5], size=count),
        1,
    )
    angle = rng.choice(copy.ANGLES, size=count, p=[0.2, 0.2, 0.15, 0.07, 0.12, 0.1, 0.1, 0.06])
    offer_p = {"price_offer": [0.05, 0.5, 0.1, 0.05, 0.1, 0.2]}
    offer = np.array(
        [
            str(rng.choice(copy.OFFERS, p=offer_p.get(a, [0.55, 0.15, 0.12, 0.06, 0.06, 0.06])))
            for a in angle
        ]
    )
    hooks = np.array([str(rng.choice(copy.HOOK_OPENERS[a])) for a in angle])
    logo_kind = rng.choice(3, size=count, p=[0.6, 0.28, 0.12])  # early, late, none
    logo_time = np.where(
        logo_kind == 0, rng.uniform(0, 3, count).round(1), rng.uniform(3.5, 12, count).round(1)
    )
    concept = rng.choice(CONCEPT_NAMES, size=count)
    launch = rng.integers(14, 365, size=count)
    ids = [f"NWR-{i:04d}" for i in range(1, count + 1)]
    frame = pl.DataFrame(
        {
            "creative_id": ids,
            "name": [
                f"{c} | {a.replace('_', ' ')} | {asp} {fmt}"
                for c, a, asp, fmt in zip(concept, angle, aspect, ad_format, strict=True)
            ],
            "ad_format": ad_format,
            "aspect": aspect,
            "duration_s": np.where(ad_format == "video", duration, np.nan),
            "placement": placement,
            "angle": angle,
            "cta": rng.choice(copy.CTAS, size=count, p=[0.45, 0.2, 0.1, 0.05, 0.05, 0.15]),
            "offer": offer,
            "hook": hooks,
            "palette_adherence": np.clip(rng.beta(5, 2, count), 0, 1).round(3),
            "logo_time_s": np.where(logo_kind == 2, np.nan, logo_time),
            "audience": rng.choice(AUDIENCES, size=count, p=[0.35, 0.25, 0.25, 0.15]),
            "launch_date": [today - timedelta(days=int(d)) for d in launch],
        },
        nan_to_null=True,
    )
    return frame.sort("launch_date", "creative_id")


def simulate_daily(seed: int, creatives: pl.DataFrame) -> pl.DataFrame:
    """Daily impressions, clicks, conversions and spend of every creative (vectorised)."""
    rng = rng_for(seed, "performance")
    today = reference_date(seed)
    n = creatives.height
    run_days = np.clip(rng.lognormal(3.7, 0.6, n), 7, 200).astype(int)
    launch = creatives.get_column("launch_date").to_numpy().astype("datetime64[D]")
    last = np.minimum(launch + run_days, np.datetime64(today))
    days = np.maximum((last - launch).astype(int), 1)
    row_creative = np.repeat(np.arange(n), days)
    age = np.arange(row_creative.size) - np.repeat(np.cumsum(days) - days, days)
    date = launch[row_creative] + age
    weekday = (date.astype("datetime64[D]").view("int64") + 3) % 7
    audience = creatives.get_column("audience").to_numpy()
    placement = creatives.get_column("placement").to_numpy()
    base = np.vectorize(AUDIENCE_DAILY_IMPRESSIONS.get)(audience) * rng.lognormal(0, 0.5, n)
    impressions = rng.poisson(base[row_creative] * rng.lognormal(0, 0.25, row_creative.size))
    daily_ctr = (
        truth.true_ctr(creatives)[row_creative]
        * truth.daily_ctr_multiplier(weekday, age)
        * rng.lognormal(0, truth.DAY_NOISE_SIGMA, row_creative.size)
    )
    clicks = rng.binomial(impressions, np.clip(daily_ctr, 0, 1))
    conversions = rng.binomial(clicks, truth.true_cvr(creatives)[row_creative])
    cpm = np.vectorize(CPM_USD.get)(placement)[row_creative] * rng.lognormal(
        0, 0.15, row_creative.size
    )
    reach = np.floor(impressions / rng.uniform(1.05, 1.4, row_creative.size)).astype(np.int64)
    return pl.DataFrame(
        {
            "creative_index": row_creative,
            "date": date,
            "impressions": impressions.astype(np.int64),
            "reach": reach,
            "clicks": clicks.astype(np.int64),
            "conversions": conversions.astype(np.int64),
            "spend": np.round(impressions * cpm / 1000.0, 2),
        }
    ).with_columns(pl.col("date").cast(pl.Date))


def ads_manager_rows(creatives: pl.DataFrame, daily: pl.DataFrame) -> pl.DataFrame:
    """Daily rows in the Meta Ads Manager export layout (exact column headers)."""
    ids = creatives.with_row_index("creative_index").select(
        pl.col("creative_index").cast(pl.Int64),
        "creative_id",
        "audience",
        "placement",
        (pl.lit(120210000000000000, pl.Int64) + pl.col("creative_index").cast(pl.Int64) * 7919)
        .cast(pl.Utf8)
        .alias("ad_id"),
    )
    joined = daily.with_columns(pl.col("creative_index").cast(pl.Int64)).join(
        ids, on="creative_index", how="left"
    )
    day = pl.col("date").dt.strftime("%Y-%m-%d")
    audience_label = pl.col("audience").replace_strict(AUDIENCE_LABELS)
    return joined.sort("date", "creative_id").select(
        day.alias("Reporting starts"),
        day.alias("Reporting ends"),
        pl.when(pl.col("audience") == "retargeting_visitors")
        .then(pl.lit("NWR | Retargeting | Conversions"))
        .otherwise(pl.lit("NWR | Prospecting | Conversions"))
        .alias("Campaign name"),
        audience_label.alias("Ad set name"),
        pl.col("creative_id").alias("Ad name"),
        pl.col("ad_id").alias("Ad ID"),
        pl.col("placement").replace_strict(PLACEMENT_LABELS).alias("Placement"),
        pl.col("impressions").alias("Impressions"),
        pl.col("reach").alias("Reach"),
        pl.col("clicks").alias("Link clicks"),
        pl.when(pl.col("impressions") > 0)
        .then((pl.col("clicks") / pl.col("impressions") * 100).round(6))
        .alias("CTR (link click-through rate)"),
        pl.col("spend").alias("Amount spent (USD)"),
        pl.col("conversions").alias("Results"),
        pl.lit(RESULT_INDICATOR).alias("Result indicator"),
        pl.when(pl.col("conversions") > 0)
        .then((pl.col("spend") / pl.col("conversions")).round(2))
        .alias("Cost per result"),
        pl.col("date").dt.strftime("%Y-%m").alias("_month"),
    )


def write_creatives_and_performance(project_dir: Path, seed: int) -> dict[str, int]:
    """Write raw/creatives/creatives.csv and raw/performance/meta_ads_manager_YYYY-MM.csv."""
    creatives = plan_creatives(seed)
    creatives_dir = project_dir / "raw" / "creatives"
    creatives_dir.mkdir(parents=True, exist_ok=True)
    creatives.write_csv(creatives_dir / "creatives.csv")
    rows = ads_manager_rows(creatives, simulate_daily(seed, creatives))
    performance_dir = project_dir / "raw" / "performance"
    performance_dir.mkdir(parents=True, exist_ok=True)
    months = rows.partition_by("_month", as_dict=True, maintain_order=True)
    for (month,), part in sorted(months.items()):
        part.drop("_month").write_csv(
            performance_dir / f"meta_ads_manager_{month}.csv", float_precision=None
        )
    return {
        "creatives": creatives.height,
        "performance_rows": rows.height,
        "performance_files": len(months),
    }
