"""Benchmark: 1,000,000 competitor ads from Parquet through every per-ad label with its
evidence, the market metrics and the competitive matrix (polars), plus the topic model,
and a straightforward pandas implementation of the same label and metric steps.

Data: the demo market generator (creative_workbench.demo.market) run for several seeds,
read through the real Meta adapter, then scaled up to N ads by resampling rows with new
ids and shifted dates. Each timed step runs in a fresh child process so its peak memory
(ru_maxrss) is its own.

Usage: python benchmarks/bench_research.py [--ads 1000000] [--pandas-ads N] [--distinct-copy]

Both pipelines label each distinct copy once and gather the labels back to every ad. The
resampled demo data repeats each copy about ten times; --distinct-copy gives every ad its
own copy (the worst case). The pandas run defaults to every ad; with --pandas-ads N it
times the first N ads and scales its time linearly to the full count for the ratio.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import polars as pl

TOPIC_SAMPLE = 20_000


def generate(path: Path, n_ads: int, seeds: int = 40, *, distinct_copy: bool = False) -> dict:
    """Write N_ADS canonical ads to PATH (Parquet) from the demo market generator.

    Resampling repeats each demo ad's copy about ten times; DISTINCT_COPY appends a unique
    reference ("Ref 123456.") to every body, the worst case for labelling distinct copy once.
    """
    from creative_workbench.demo import market as demo_market
    from creative_workbench.ingest.records import QualityLog
    from creative_workbench.ingest.sources import read_source

    frames = []
    for seed in range(seeds):
        page = path.with_name(f"seed{seed}.json")
        records = demo_market.build_records(seed, demo_market.plan_ads(seed))
        page.write_text(json.dumps({"data": records}, default=str), "utf-8")
        frames.append(read_source("meta_api", page, QualityLog()))
        page.unlink()
    base = pl.concat(frames)
    rng = np.random.default_rng(0)
    picks = rng.integers(0, base.height, n_ads)
    shift = rng.integers(-60, 60, n_ads)
    scaled = (
        base[picks]
        .with_columns(
            pl.Series("raw_id", [f"{i:09d}" for i in range(n_ads)]),
            pl.col("start_time") + pl.Series(shift).cast(pl.Int64) * pl.duration(days=1),
            pl.col("stop_time") + pl.Series(shift).cast(pl.Int64) * pl.duration(days=1),
        )
        .with_columns((pl.col("source") + ":" + pl.col("raw_id")).alias("ad_id"))
    )
    if distinct_copy:
        scaled = scaled.with_columns(
            pl.concat_str(
                [pl.col("body").fill_null(""), pl.lit(" Ref "), pl.col("raw_id"), pl.lit(".")]
            )
        )
    scaled.write_parquet(path)
    return {
        "base_ads": base.height,
        "distinct_copies": scaled.select(
            pl.concat_str(["body", "title"], ignore_nulls=True).n_unique()
        ).item(),
    }


def run_polars(path: Path) -> dict:
    """Labels + evidence, market metrics and matrices with polars; then the topic model."""
    from creative_workbench.research import gaps, market, messaging, topics

    started = time.perf_counter()
    ads = pl.read_parquet(path)
    as_of = market.data_end(ads)
    labelled = market.with_activity(messaging.label_ads(ads), as_of)
    labelled_s = time.perf_counter() - started
    market.share_of_voice(labelled, as_of)
    market.weekly_share_of_voice(labelled, as_of)
    market.launch_cadence(labelled)
    market.longevity_summary(labelled, as_of)
    market.platform_mix(labelled)
    market.competitive_matrix(labelled, "angles")
    market.competitive_matrix(labelled, "cta")
    market.competitive_matrix(labelled, "offer")
    gaps.white_space(labelled, as_of)
    total_s = time.perf_counter() - started
    topic_started = time.perf_counter()
    model = topics.fit_topics(
        labelled["copy"], 8, brands=labelled["brand"], sample_size=TOPIC_SAMPLE
    )
    fit_s = time.perf_counter() - topic_started
    topics.assign_topics(labelled.select("ad_id", "copy"), model)
    topic_s = time.perf_counter() - topic_started
    return {
        "rows": labelled.height,
        "labels_s": labelled_s,
        "pipeline_s": total_s,
        "topic_fit_s": fit_s,
        "topic_total_s": topic_s,
        "topic_sample": model.sample_size,
        "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2,
    }


def run_pandas(path: Path, n_ads: int) -> dict:
    """The same label and metric steps written plainly in pandas (Python `re` per pattern):
    each distinct copy labelled once and merged back, weekly ad-days from +1/-1 day
    changes, as the polars pipeline does."""
    import warnings

    import pandas as pd

    warnings.simplefilter("ignore", UserWarning)

    from creative_workbench.research.lexicon import ANGLE_NAMES, CTA_PHRASES, OFFER_NAMES
    from creative_workbench.research.messaging import (
        ANGLE_PATTERNS,
        CTA_CLASSIFIERS,
        CTA_PATTERN,
        HOOK_PATTERN,
        OFFER_PATTERNS,
    )

    emoji = "[\U0001f300-\U0001faff\u2600-\u27bf]"
    flags = re.IGNORECASE

    def py(pattern: str) -> str:
        body = pattern.removeprefix("(?i)").replace("(?-u:\\b)", "\\b")
        return f"({body})"

    started = time.perf_counter()
    df = pd.read_parquet(path).head(n_ads)
    ads = df[df["record_kind"] == "ad"]
    copy_fields = ["body", "title", "description", "cta_raw"]
    df = ads[copy_fields].drop_duplicates().reset_index(drop=True)
    text = df[["body", "title", "description"]].apply(
        lambda row: "\n".join(v for v in row if isinstance(v, str)), axis=1
    )
    df["copy"] = text
    hook_source = df["body"].fillna(df["title"]).fillna("")
    hook = hook_source.str.extract(f"({HOOK_PATTERN})", expand=False).str.strip()
    for key, pattern in ANGLE_PATTERNS.items():
        df[f"angle_{key}_evidence"] = text.str.extract(py(pattern), flags, expand=False)
        df[f"_n_{key}"] = hook.fillna("").str.count(py(pattern), flags)
    for key, pattern in OFFER_PATTERNS.items():
        df[f"offer_{key}_evidence"] = text.str.extract(py(pattern), flags, expand=False)
    cta_text = df[["cta_raw", "title"]].fillna("").agg("\n".join, axis=1) + "\n" + text
    df["cta_evidence"] = cta_text.str.extract(py(CTA_PATTERN), flags, expand=False)
    df["cta"] = "none"
    for label in reversed(list(CTA_PHRASES)):
        hit = df["cta_evidence"].fillna("").str.contains(py(CTA_CLASSIFIERS[label]), flags=flags)
        df.loc[hit, "cta"] = label
    df["angles"] = df.apply(
        lambda row: [
            name
            for key, name in ANGLE_NAMES.items()
            if isinstance(row[f"angle_{key}_evidence"], str)
        ],
        axis=1,
    )
    counts = df[[f"_n_{key}" for key in ANGLE_NAMES]]
    names = list(ANGLE_NAMES.values())
    df["primary_angle"] = [
        names[i] if c.max() > 0 else (a[0] if a else "none")
        for i, c, a in zip(counts.values.argmax(axis=1), counts.values, df["angles"], strict=True)
    ]
    df["offers"] = df.apply(
        lambda row: [
            name
            for key, name in OFFER_NAMES.items()
            if isinstance(row[f"offer_{key}_evidence"], str)
        ],
        axis=1,
    )
    df["hook"] = hook
    df["copy_length"] = text.str.len()
    df["word_count"] = text.str.count(r"\S+")
    df["has_question"] = text.str.contains("?", regex=False)
    df["has_numbers"] = text.str.contains(r"\d")
    df["emoji_count"] = text.str.count(emoji)
    df = ads.merge(df, on=copy_fields, how="left")  # pandas matches null keys to null keys
    as_of = max(df["start_time"].max(), df["stop_time"].max())
    end = df["stop_time"].fillna(as_of).clip(upper=as_of)
    df["days_active"] = (end.dt.normalize() - df["start_time"].dt.normalize()).dt.days + 1
    labels_s = time.perf_counter() - started
    per_brand = df.groupby("brand").agg(ads=("ad_id", "size"), ad_days=("days_active", "sum"))
    per_brand["share_ads"] = per_brand["ads"] / per_brand["ads"].sum()
    first = df["start_time"].dt.normalize()
    last = end.dt.normalize().where(end.dt.normalize() >= first, first)
    changes = pd.concat(
        [
            pd.DataFrame({"brand": df["brand"], "day": first, "delta": 1}),
            pd.DataFrame({"brand": df["brand"], "day": last + timedelta(days=1), "delta": -1}),
        ]
    )
    daily = changes.groupby(["brand", "day"])["delta"].sum()
    active = (
        daily.unstack("brand").asfreq("D").fillna(0).cumsum().stack().rename("active").reset_index()
    )
    active["week"] = active["day"] - pd.to_timedelta(active["day"].dt.weekday, unit="D")
    weekly = active.groupby(["week", "brand"])["active"].sum()
    weekly = weekly[weekly > 0].to_frame("days")
    weekly["share"] = weekly["days"] / weekly.groupby(level=0)["days"].transform("sum")
    df.groupby([df["start_time"].dt.to_period("W"), "brand"]).size()
    df.groupby("brand")["days_active"].describe()
    df.explode("platforms").groupby(["brand", "platforms"]).size()
    exploded = df.explode("angles")
    pd.crosstab(exploded["brand"], exploded["angles"], normalize=False).div(
        df.groupby("brand").size(), axis=0
    )
    pd.crosstab(df["brand"], df["cta"], normalize="index")
    return {
        "rows": len(df),
        "labels_s": labels_s,
        "pipeline_s": time.perf_counter() - started,
        "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2,
    }


def _child(mode: str, path: Path, n_ads: int) -> dict:
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            mode,
            "--path",
            str(path),
            "--pandas-ads",
            str(n_ads),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if output.returncode:
        raise SystemExit(f"{mode} step failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ads", type=int, default=1_000_000)
    parser.add_argument("--pandas-ads", type=int, default=1_000_000)
    parser.add_argument("--distinct-copy", action="store_true")
    parser.add_argument("--child", choices=["polars", "pandas"])
    parser.add_argument("--path", type=Path)
    args = parser.parse_args()
    if args.child == "polars":
        print(json.dumps(run_polars(args.path)))
        return
    if args.child == "pandas":
        print(json.dumps(run_pandas(args.path, args.pandas_ads)))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ads.parquet"
        started = time.perf_counter()
        info = generate(path, args.ads, distinct_copy=args.distinct_copy)
        print(
            f"generated {args.ads:,} ads ({info['distinct_copies']:,} distinct copies, "
            f"from {info['base_ads']:,} demo ads) in {time.perf_counter() - started:.1f} s"
        )
        fast = _child("polars", path, args.ads)
        print(
            f"polars: labels+evidence {fast['labels_s']:.2f} s; labels + market metrics + "
            f"matrices + white space {fast['pipeline_s']:.2f} s for {fast['rows']:,} ads; "
            f"peak RSS {fast['peak_rss_gb']:.2f} GB"
        )
        print(
            f"topic model: fit on a sample of {fast['topic_sample']:,} ads "
            f"{fast['topic_fit_s']:.2f} s, fit + applied to all {fast['topic_total_s']:.2f} s"
        )
        slow = _child("pandas", path, args.pandas_ads)
        scale = fast["rows"] / slow["rows"]
        print(
            f"pandas: labels {slow['labels_s']:.2f} s; same steps {slow['pipeline_s']:.2f} s "
            f"for {slow['rows']:,} ads; peak RSS {slow['peak_rss_gb']:.2f} GB"
        )
        ratio = slow["pipeline_s"] * scale / fast["pipeline_s"]
        note = "" if scale == 1 else f" (pandas time scaled ×{scale:.1f} to {fast['rows']:,} ads)"
        print(f"speed-up polars vs pandas: {ratio:.1f}×{note} (target ≥ 5×)")
        print(
            f"targets: ≤ 10 s -> {'met' if fast['pipeline_s'] <= 10 else 'MISSED'}; "
            f"≤ 4 GB -> {'met' if fast['peak_rss_gb'] <= 4 else 'MISSED'}; topic model "
            f"≤ 20 s -> {'met' if fast['topic_total_s'] <= 20 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
