"""Competitor ads of the demo market, written as saved Meta Ad Library API response pages."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from creative_workbench.demo import copy
from creative_workbench.demo.competitors import (
    AGE_RANGES,
    COMPETITORS,
    EU_COUNTRIES,
    ISSUE_BODIES,
    ISSUE_BRAND,
    ISSUE_BYLINE,
    US_REGIONS,
    Competitor,
)
from creative_workbench.demo.seeding import reference_date, rng_for

FORMATS = ("image", "video", "carousel")
PAGE_SIZE = 100
SPEND_BUCKETS = (
    (0, 99),
    (100, 199),
    (200, 299),
    (300, 399),
    (400, 499),
    (500, 999),
    (1000, 4999),
    (5000, 9999),
    (10000, None),
)
IMPRESSION_BUCKETS = (
    (0, 999),
    (1000, 4999),
    (5000, 9999),
    (10000, 14999),
    (15000, 19999),
    (20000, 24999),
    (25000, 29999),
    (30000, 34999),
    (35000, 39999),
    (40000, 44999),
    (45000, 49999),
    (50000, 59999),
    (60000, 69999),
    (70000, 79999),
    (80000, 89999),
    (90000, 99999),
    (100000, 124999),
    (125000, 149999),
    (150000, 174999),
    (175000, 199999),
    (200000, 249999),
    (250000, 299999),
    (300000, 349999),
    (350000, 399999),
    (400000, 449999),
    (450000, 499999),
    (500000, 599999),
    (600000, 699999),
    (700000, 799999),
    (800000, 899999),
    (900000, 999999),
    (1000000, None),
)


def _bounds(buckets: tuple, value: float) -> dict[str, str]:
    for lower, upper in buckets:
        if upper is None or value <= upper:
            out = {"lower_bound": str(lower)}
            if upper is not None:
                out["upper_bound"] = str(upper)
            return out
    raise AssertionError("bucket lists end with an open bucket")


def _ad_ids(rng: np.random.Generator, count: int) -> np.ndarray:
    gaps = rng.integers(1, 10**11, size=count)
    return rng.permutation(10**15 * 2 + np.cumsum(gaps))


def _eu_fields(rng: np.random.Generator) -> dict:
    picked = rng.choice(len(EU_COUNTRIES), size=int(rng.integers(1, 3)), replace=False)
    reach = int(rng.lognormal(9.5, 1.0))
    breakdown = []
    for index in sorted(picked):
        shares = rng.dirichlet(np.ones(len(AGE_RANGES)))
        rows = [
            {
                "age_range": age,
                "male": int(reach * s * 0.48),
                "female": int(reach * s * 0.5),
                "unknown": int(reach * s * 0.02),
            }
            for age, s in zip(AGE_RANGES, shares, strict=True)
        ]
        breakdown.append({"country": EU_COUNTRIES[index][0], "age_gender_breakdowns": rows})
    return {
        "eu_total_reach": reach,
        "target_ages": [str(rng.choice(["18", "25"])), str(rng.choice(["54", "65+"]))],
        "target_gender": str(rng.choice(["All", "All", "Women", "Men"])),
        "target_locations": [
            {
                "name": EU_COUNTRIES[i][1],
                "num_obfuscated": 0,
                "type": "countries",
                "excluded": False,
            }
            for i in sorted(picked)
        ],
        "age_country_gender_reach_breakdown": breakdown,
    }


def _issue_fields(rng: np.random.Generator) -> dict:
    spend = float(rng.lognormal(6.0, 1.4))
    impressions = spend * float(rng.uniform(60, 140))
    demo = rng.dirichlet(np.ones(len(AGE_RANGES) * 3))
    regions = rng.dirichlet(np.ones(len(US_REGIONS)))
    genders = ("female", "male", "unknown")
    return {
        "bylines": ISSUE_BYLINE,
        "currency": "USD",
        "spend": _bounds(SPEND_BUCKETS, spend),
        "impressions": _bounds(IMPRESSION_BUCKETS, impressions),
        "estimated_audience_size": _bounds(
            (
                (1000, 10000),
                (10001, 50000),
                (50001, 100000),
                (100001, 500000),
                (500001, 1000000),
                (1000001, None),
            ),
            impressions * 3,
        ),
        "demographic_distribution": [
            {"percentage": f"{share:.6f}", "age": AGE_RANGES[i // 3], "gender": genders[i % 3]}
            for i, share in enumerate(demo)
        ],
        "delivery_by_region": [
            {"percentage": f"{share:.6f}", "region": region}
            for region, share in zip(US_REGIONS, regions, strict=True)
        ],
    }


def _platforms(rng: np.random.Generator) -> list[str]:
    extra = [
        p
        for p, rate in (("audience_network", 0.25), ("messenger", 0.15), ("threads", 0.10))
        if rng.random() < rate
    ]
    base = [["facebook", "instagram"], ["instagram"], ["facebook"]][
        int(rng.choice(3, p=[0.7, 0.2, 0.1]))
    ]
    return base + extra


def _plain_ad(rng: np.random.Generator, brand: Competitor, plan: dict) -> dict:
    cards = int(rng.integers(2, 6)) if plan["ad_format"] == "carousel" else 1
    products = [str(p) for p in rng.choice(brand.products, size=cards)]
    bodies = [
        copy.compose_body(rng, plan["angle"], plan["cta"], plan["offer"], product, plan["emoji"])
        for product in products
    ]
    if plan["markup"]:
        bodies[0] = f"<b>New:</b> {bodies[0]} Shoes & socks, sorted."
    return {
        "ad_creative_bodies": bodies,
        "ad_creative_link_titles": [copy.link_title(rng, plan["cta"], p) for p in products],
        "ad_creative_link_descriptions": [str(rng.choice(copy.DESCRIPTIONS)) for _ in products],
        "ad_creative_link_captions": [brand.domain],
    }


def plan_ads(seed: int) -> pl.DataFrame:
    """One row per competitor ad: brand, planted angle/CTA/offer/format, dates, flags."""
    rng = rng_for(seed, "market.plan")
    today = reference_date(seed)
    total = 2400 + int(rng.integers(0, 200))
    shares = np.array([b.share for b in COMPETITORS]) * rng.uniform(0.93, 1.07, len(COMPETITORS))
    brand_idx = rng.choice(len(COMPETITORS), size=total, p=shares / shares.sum())
    frames = []
    for index, brand in enumerate(COMPETITORS):
        n = int((brand_idx == index).sum())
        quality = rng.normal(0, 1, n)
        start_age = rng.integers(0, 365, n)
        run_days = np.clip(np.exp(2.6 + 0.9 * quality + rng.normal(0, 0.5, n)), 1, 365)
        frames.append(
            pl.DataFrame(
                {
                    "page_name": [brand.name] * n,
                    "angle": rng.choice(copy.ANGLES, size=n, p=brand.angle_mix),
                    "cta": rng.choice(copy.CTAS, size=n, p=brand.cta_mix),
                    "offer": rng.choice(copy.OFFERS, size=n, p=brand.offer_mix),
                    "ad_format": rng.choice(FORMATS, size=n, p=brand.format_mix),
                    "emoji": rng.random(n) < brand.emoji_rate,
                    "quality": quality,
                    "start": [today - timedelta(days=int(a)) for a in start_age],
                    "run_days": run_days.astype(int),
                    "created_lag": rng.integers(0, 6, n),
                    "eu": rng.random(n) < 0.35,
                    "issue": (rng.random(n) < 0.10)
                    if brand.name == ISSUE_BRAND
                    else np.zeros(n, bool),
                }
            )
        )
    plan = pl.concat(frames).with_columns(
        ad_id=pl.Series(_ad_ids(rng, total).astype(str)),
        markup=pl.lit(False),
    )
    markup_rows = rng.choice(total, size=4, replace=False)
    plan = plan.with_columns(
        markup=pl.int_range(pl.len()).is_in(markup_rows.tolist()),
        angle=pl.when(pl.col("issue"))
        .then(pl.lit("values_sustainability"))
        .otherwise(pl.col("angle")),
        cta=pl.when(pl.col("issue")).then(pl.lit("Learn more")).otherwise(pl.col("cta")),
        offer=pl.when(pl.col("issue")).then(pl.lit("none")).otherwise(pl.col("offer")),
        stop=pl.col("start") + pl.duration(days=pl.col("run_days")),
    )
    return plan.with_columns(
        active=pl.col("stop") >= pl.lit(today),
    ).sort(["start", "ad_id"], descending=True)


def build_records(seed: int, plan: pl.DataFrame) -> list[dict]:
    """Meta Ad Library API (ads_archive) records for every planned ad."""
    rng = rng_for(seed, "market.copy")
    brands = {b.name: b for b in COMPETITORS}
    records = []
    for row in plan.iter_rows(named=True):
        brand = brands[row["page_name"]]
        start: date = row["start"]
        record: dict = {
            "id": row["ad_id"],
            "ad_creation_time": (start - timedelta(days=row["created_lag"])).isoformat(),
        }
        if row["issue"]:
            record |= {
                "ad_creative_bodies": [str(rng.choice(ISSUE_BODIES))],
                "ad_creative_link_titles": ["Protect public trails"],
                "ad_creative_link_captions": ["trailaccessfund.org"],
            }
        else:
            record |= _plain_ad(rng, brand, row)
        record |= {
            "ad_delivery_start_time": start.isoformat(),
            "ad_snapshot_url": f"https://www.facebook.com/ads/library/?id={row['ad_id']}",
            "languages": ["en"],
            "page_id": brand.page_id,
            "page_name": brand.name,
            "publisher_platforms": _platforms(rng),
        }
        if not row["active"]:
            record["ad_delivery_stop_time"] = row["stop"].isoformat()
        if row["eu"]:
            record |= _eu_fields(rng)
        if row["issue"]:
            record |= _issue_fields(rng)
        records.append(dict(sorted(record.items())))
    return records


def _cursor(seed: int, position: int) -> str:
    return base64.urlsafe_b64encode(f"ads_archive:{seed}:{position}".encode()).decode()


def write_pages(records: list[dict], folder: Path, seed: int) -> list[Path]:
    """Write RECORDS as ads_archive response pages meta_ads_page_NNN.json into FOLDER."""
    folder.mkdir(parents=True, exist_ok=True)
    page_ids = ",".join(b.page_id for b in COMPETITORS)
    paths = []
    for number, begin in enumerate(range(0, len(records), PAGE_SIZE), start=1):
        chunk = records[begin : begin + PAGE_SIZE]
        before, after = _cursor(seed, begin), _cursor(seed, begin + len(chunk))
        paging: dict = {"cursors": {"before": before, "after": after}}
        if begin + PAGE_SIZE < len(records):
            paging["next"] = (
                "https://graph.facebook.com/v25.0/ads_archive?ad_type=ALL"
                "&ad_reached_countries=%5B%22US%22%2C%22DE%22%5D"
                f"&search_page_ids={page_ids}&limit={PAGE_SIZE}&after={after}"
            )
        path = folder / f"meta_ads_page_{number:03d}.json"
        path.write_text(
            json.dumps({"data": chunk, "paging": paging}, ensure_ascii=False, indent=1), "utf-8"
        )
        paths.append(path)
    return paths


def ads_truth(plan: pl.DataFrame) -> pl.DataFrame:
    """The planted labels of every ad, for checking research extraction."""
    return plan.select(
        "ad_id",
        "page_name",
        "angle",
        "cta",
        "offer",
        "ad_format",
        "issue",
        "emoji",
        "markup",
        "active",
        pl.col("start").alias("start_date"),
        pl.col("run_days"),
    )


def write_media(
    records: list[dict], plan: pl.DataFrame, folder: Path, seed: int, per_brand: int = 9
) -> list[Path]:
    """Render PER_BRAND image/carousel ads of each brand as raw/media/<ad id>.png."""
    from creative_workbench.demo.media import competitor_image

    folder.mkdir(parents=True, exist_ok=True)
    rng = rng_for(seed, "market.media")
    by_id = {r["id"]: r for r in records}
    paths = []
    for brand in COMPETITORS:
        candidates = (
            plan.filter(
                (pl.col("page_name") == brand.name)
                & ~pl.col("issue")
                & pl.col("ad_format").is_in(["image", "carousel"])
            )
            .get_column("ad_id")
            .sort()
            .to_list()
        )
        for ad_id in rng.choice(candidates, size=min(per_brand, len(candidates)), replace=False):
            record = by_id[str(ad_id)]
            headline = record["ad_creative_link_titles"][0]
            path = folder / f"{ad_id}.png"
            competitor_image(headline, brand.name, brand.palette).save(path)
            paths.append(path)
    return paths


def write_market(project_dir: Path, seed: int) -> dict[str, int]:
    """Write raw/ads pages, raw/media images and demo_truth/ads_truth.csv for SEED."""
    plan = plan_ads(seed)
    records = build_records(seed, plan)
    pages = write_pages(records, project_dir / "raw" / "ads", seed)
    images = write_media(records, plan, project_dir / "raw" / "media", seed)
    truth_dir = project_dir / "demo_truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    ads_truth(plan).write_csv(truth_dir / "ads_truth.csv")
    return {"ads": len(records), "pages": len(pages), "images": len(images)}
