"""Market metrics over canonical (optionally labelled) ads: share of voice, cadence,
longevity, platform mix and the brand × label competitive matrix.

Commercial ads publish no performance, so days active (longevity) is the proxy for what
works: advertisers keep paying for ads that earn their keep. Every metric is computed
relative to an `as_of` date (the end of the analysis window, by default the latest date in
the data, never the wall clock) so the same data always gives the same answer. All
functions accept eager or lazy frames and are vectorised expressions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TypeVar

import polars as pl

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)
DAY_US = 86_400_000_000


def ads_only(ads: Frame) -> Frame:
    """Ad rows (spend-report page totals left out)."""
    return ads.filter(pl.col("record_kind") == "ad")


def labelled_only(ads: Frame) -> Frame:
    """Rows the labeller covers: all rows unless a `labelled` column says otherwise (ads in
    a language the labeller does not read are False and left out of label shares)."""
    if "labelled" in ads.collect_schema().names():
        return ads.filter(pl.col("labelled").fill_null(True))
    return ads


def _capture(ads: pl.DataFrame | pl.LazyFrame) -> pl.Expr:
    """Each row's capture moment (null when unknown or when there is no such column)."""
    if "captured_at" in ads.collect_schema().names():
        return pl.col("captured_at")
    return pl.lit(None, pl.Datetime("us", "UTC"))


def data_end(ads: pl.DataFrame | pl.LazyFrame) -> datetime:
    """The latest start, stop or capture date in the data: the default `as_of`."""
    value = (
        ads.lazy()
        .select(
            pl.max_horizontal(
                pl.col("start_time").max(), pl.col("stop_time").max(), _capture(ads).max()
            )
        )
        .collect()
        .item()
    )
    if value is None:
        raise ValueError("no ads: cannot place an analysis window")
    return value


def to_utc_datetime(
    value: date | datetime | str | None, *, end_of_day: bool = False
) -> datetime | None:
    """A report parameter (ISO text, date or datetime) as a UTC datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = (
            datetime.fromisoformat(value)
            if "T" in value or " " in value
            else date.fromisoformat(value)
        )
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    moment = time(23, 59, 59) if end_of_day else time(0)
    return datetime.combine(value, moment, tzinfo=UTC)


def filter_ads(
    ads: Frame,
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    competitors: list[str] | None = None,
    platforms: list[str] | None = None,
) -> Frame:
    """Rows active in [start, end] for the named brands and platforms (case-insensitive)."""
    begin, finish = to_utc_datetime(start), to_utc_datetime(end, end_of_day=True)
    out = ads
    if finish is not None:
        out = out.filter(pl.col("start_time") <= finish)
    if begin is not None:
        out = out.filter(pl.col("stop_time").is_null() | (pl.col("stop_time") >= begin))
    if competitors:
        wanted = [c.strip().lower() for c in competitors]
        out = out.filter(pl.col("brand").str.to_lowercase().is_in(wanted))
    if platforms:
        wanted_platforms = [p.strip().upper() for p in platforms]
        out = out.filter(
            pl.col("platforms").list.eval(pl.element().is_in(wanted_platforms)).list.any()
        )
    return out


def with_activity(ads: Frame, as_of: datetime) -> Frame:
    """Add end_time, days_active and is_active.

    A still-running ad ends at its file's capture date (`captured_at`) when known, else at
    AS_OF: a page captured in June says nothing about August. is_active: running when its
    file was captured, and that capture is not before AS_OF's day.
    """
    horizon = pl.min_horizontal(pl.coalesce(_capture(ads), pl.lit(as_of)), pl.lit(as_of))
    end_time = pl.min_horizontal(pl.coalesce(pl.col("stop_time"), horizon), pl.lit(as_of))
    running = pl.col("stop_time").is_null() & (horizon.dt.date() >= pl.lit(as_of).dt.date())
    return ads.with_columns(
        end_time.alias("end_time"),
        ((end_time.dt.date() - pl.col("start_time").dt.date()).dt.total_days() + 1)
        .clip(lower_bound=1)
        .cast(pl.Int32)
        .alias("days_active"),
        (running | (pl.col("stop_time") >= pl.lit(as_of))).fill_null(False).alias("is_active"),
    )


def share_of_voice(ads: Frame, as_of: datetime) -> pl.DataFrame:
    """Per brand: ads, active ad-days and reach bounds, each with its share of the market.

    reach_upper is null for a brand when any of its reach buckets is open at the top;
    reach_lower and share_reach_lower are null (unknown, not 0) when none of its ads states
    reach.
    """
    active = with_activity(ads_only(ads), as_of)
    per_brand = active.group_by("brand").agg(
        pl.len().alias("ads"),
        pl.col("days_active").sum().alias("ad_days"),
        pl.when(pl.col("reach_lower").is_not_null().any())
        .then(pl.col("reach_lower").sum())
        .alias("reach_lower"),
        pl.when(pl.col("reach_lower").is_not_null() & pl.col("reach_upper").is_null())
        .then(1)
        .otherwise(0)
        .sum()
        .alias("_open"),
        pl.when(pl.col("reach_upper").is_not_null().any())
        .then(pl.col("reach_upper").sum())
        .alias("reach_upper"),
        pl.col("reach_lower").is_not_null().sum().alias("ads_with_reach"),
    )
    return (
        per_brand.with_columns(
            (pl.col("ads") / pl.col("ads").sum()).alias("share_ads"),
            (pl.col("ad_days") / pl.col("ad_days").sum()).alias("share_ad_days"),
            pl.when(pl.col("reach_lower").sum() > 0)
            .then(pl.col("reach_lower") / pl.col("reach_lower").sum())
            .alias("share_reach_lower"),
            pl.when(pl.col("_open") > 0)
            .then(None)
            .otherwise(pl.col("reach_upper"))
            .alias("reach_upper"),
        )
        .drop("_open")
        .sort("ad_days", descending=True)
        .lazy()
        .collect()
    )


def spend_share(
    ads: Frame, rates: dict[str, float] | None = None, currency: str = "USD"
) -> pl.DataFrame:
    """Spend bounds per brand and currency with shares within each currency.

    An amount in currency C is converted to CURRENCY only when RATES gives C (amount × rate);
    others stay in their own currency. Open top buckets keep spend_upper null.
    """
    rates = {k.upper(): v for k, v in (rates or {}).items()}
    rate = (
        pl.col("currency")
        .str.to_uppercase()
        .replace_strict(rates, default=None, return_dtype=pl.Float64)
    )
    converted = ads.filter(pl.col("spend_lower").is_not_null()).with_columns(
        pl.when(rate.is_not_null())
        .then(pl.lit(currency))
        .otherwise(pl.col("currency").fill_null("unknown"))
        .alias("spend_currency"),
        (pl.col("spend_lower") * rate.fill_null(1.0)).alias("spend_lower"),
        (pl.col("spend_upper") * rate.fill_null(1.0)).alias("spend_upper"),
    )
    grouped = converted.group_by("brand", "spend_currency").agg(
        pl.col("spend_lower").sum(),
        pl.when(pl.col("spend_upper").null_count() > 0)
        .then(None)
        .otherwise(pl.col("spend_upper").sum())
        .first()
        .alias("spend_upper"),
        pl.len().alias("rows"),
    )
    return (
        grouped.with_columns(
            (pl.col("spend_lower") / pl.col("spend_lower").sum().over("spend_currency")).alias(
                "share_spend_lower"
            ),
        )
        .sort(["spend_currency", "spend_lower"], descending=[False, True])
        .lazy()
        .collect()
    )


def weekly_share_of_voice(ads: Frame, as_of: datetime) -> pl.DataFrame:
    """Active ad-days per brand and ISO week, and each brand's share within the week.

    Counted without expanding ads into weeks: each ad adds +1 on its first day and -1 the
    day after its last, a running sum per brand gives the ads active each day, and the
    days are summed per week (work grows with ads + brand-days, not ads × weeks).
    """
    spans = (
        with_activity(ads_only(ads), as_of)
        .select(
            "brand",
            pl.col("start_time").dt.date().alias("first"),
            pl.col("end_time").dt.date().alias("last"),
        )
        .with_columns(pl.max_horizontal("first", "last").alias("last"))
    )
    changes = (
        pl.concat(
            [
                spans.select("brand", pl.col("first").alias("day"), pl.lit(1).alias("delta")),
                spans.select(
                    "brand",
                    (pl.col("last") + pl.duration(days=1)).alias("day"),
                    pl.lit(-1).alias("delta"),
                ),
            ]
        )
        .group_by("brand", "day")
        .agg(pl.col("delta").sum().cast(pl.Int64))
        .lazy()
        .collect(engine="in-memory")
    )
    days = (
        changes.group_by("brand")
        .agg(pl.date_ranges(pl.col("day").min(), pl.col("day").max(), "1d").first().alias("day"))
        .explode("day")
        .join(changes, on=["brand", "day"], how="left")
        .sort("brand", "day")
        .with_columns(pl.col("delta").fill_null(0).cum_sum().over("brand").alias("active"))
    )
    per_week = (
        days.group_by(pl.col("day").dt.truncate("1w").alias("week"), "brand")
        .agg(pl.col("active").sum().alias("ad_days"))
        .filter(pl.col("ad_days") > 0)
    )
    return per_week.with_columns(
        (pl.col("ad_days") / pl.col("ad_days").sum().over("week")).alias("share")
    ).sort("week", "brand")


def launch_cadence(ads: Frame) -> pl.DataFrame:
    """New ads per brand per ISO week (weeks with no launch show 0)."""
    launched = (
        ads_only(ads)
        .group_by(pl.col("start_time").dt.date().dt.truncate("1w").alias("week"), "brand")
        .agg(pl.len().alias("launches"))
        .lazy()
        .collect()
    )
    if launched.is_empty():
        return launched
    weeks = pl.DataFrame(
        {"week": pl.date_range(launched["week"].min(), launched["week"].max(), "1w", eager=True)}
    )
    grid = weeks.join(launched.select("brand").unique(), how="cross")
    return (
        grid.join(launched, on=["week", "brand"], how="left")
        .with_columns(pl.col("launches").fill_null(0))
        .sort("week", "brand")
    )


def longevity_summary(ads: Frame, as_of: datetime) -> pl.DataFrame:
    """Per brand: median and 75th-percentile days active, share running 30+ days, active now.

    Still-running ads are counted up to AS_OF (right-censored), so medians are lower bounds.
    """
    active = with_activity(ads_only(ads), as_of)
    return (
        active.group_by("brand")
        .agg(
            pl.len().alias("ads"),
            pl.col("days_active").median().alias("median_days"),
            pl.col("days_active").quantile(0.75, "nearest").alias("p75_days"),
            pl.col("days_active").max().alias("max_days"),
            (pl.col("days_active") >= 30).mean().alias("share_30d_plus"),
            pl.col("is_active").sum().alias("active_now"),
        )
        .sort(["median_days", "brand"], descending=[True, False])
        .lazy()
        .collect()
    )


def platform_mix(ads: Frame) -> pl.DataFrame:
    """Ads per brand and publisher platform, and the platform's share of the brand's ads."""
    exploded = (
        ads_only(ads)
        .select("brand", pl.col("platforms").fill_null([]))
        .with_columns(
            pl.when(pl.col("platforms").list.len() == 0)
            .then(pl.lit(["UNKNOWN"]))
            .otherwise(pl.col("platforms"))
            .alias("platform")
        )
        .explode("platform")
    )
    totals = ads_only(ads).group_by("brand").agg(pl.len().alias("brand_ads"))
    return (
        exploded.group_by("brand", "platform")
        .agg(pl.len().alias("ads"))
        .join(totals, on="brand")
        .with_columns((pl.col("ads") / pl.col("brand_ads")).alias("share"))
        .sort("brand", "ads", descending=[False, True])
        .lazy()
        .collect()
    )


def label_shares(labelled: Frame, column: str) -> pl.DataFrame:
    """Long table (brand, label, ads, share of the brand's ads) for a label column.

    List columns (angles, offers) count an ad once per label it carries. Ads the labeller
    does not cover (`labelled` False) are left out.
    """
    labelled = labelled_only(labelled)
    schema = (
        labelled.lazy().collect_schema() if isinstance(labelled, pl.LazyFrame) else labelled.schema
    )
    values = labelled.select("brand", pl.col(column).alias("label"))
    if isinstance(schema[column], pl.List):
        values = values.explode("label")
    totals = labelled.group_by("brand").agg(pl.len().alias("brand_ads"))
    return (
        values.filter(pl.col("label").is_not_null())
        .with_columns(pl.col("label").cast(pl.Utf8))
        .group_by("brand", "label")
        .agg(pl.len().alias("ads"))
        .join(totals, on="brand")
        .with_columns((pl.col("ads") / pl.col("brand_ads")).alias("share"))
        .sort("brand", "label")
        .lazy()
        .collect()
    )


def competitive_matrix(
    labelled: Frame, column: str = "angles", labels: list[str] | None = None
) -> pl.DataFrame:
    """Brand × label matrix: share of each brand's ads carrying each label (0 when unused)."""
    long = label_shares(labelled, column)
    wide = long.pivot(on="label", index="brand", values="share").fill_null(0.0)
    for label in labels or []:
        if label not in wide.columns:
            wide = wide.with_columns(pl.lit(0.0).alias(label))
    ordered = labels or sorted(c for c in wide.columns if c != "brand")
    return wide.select("brand", *ordered).sort("brand")
