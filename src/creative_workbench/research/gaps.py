"""White space: angles, CTAs, offers and formats the competitors under-use, ranked, with the
example ads that do use them as evidence.

A label is judged only over the brands whose copy the labeller could read on its dimension
(coverage.brand_coverage: at least MIN_COVERAGE of the brand's ads have a known value) and
over those brands' known ads; a dimension no brand reaches is unknown, not empty
(coverage.dimension_status), so unreadable copy is never reported as "nobody does this".
The market's typical label share is the mean share over the dimension's vocabulary (the
named angles, the core CTAs plus any other CTA seen, the offers and formats; "none" and
"unknown" excluded). A label is white space when its market share is below that typical
share; its gap score is `(1 - market_share / typical_share) × (1 - brands_using /
brands_judged)`, where a brand "uses" a label when at least MIN_BRAND_ADS of its ads (and
at least `use_threshold` of them) carry it. Whether white space is an opportunity or a
trap (nobody does it because it does not work) is the strategist's call. The longevity of
the few ads that do use a label is shown as a hint.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from creative_workbench.research.coverage import (
    MIN_BRAND_ADS,
    MIN_COVERAGE,
    UNKNOWN_CTA,
    brand_coverage,
    dimensions_in,
    known,
)
from creative_workbench.research.lexicon import ANGLE_NAMES, OFFER_NAMES
from creative_workbench.research.market import ads_only, labelled_only, with_activity

FORMATS = ["image", "video", "carousel"]
CORE_CTAS = ["Shop now", "Learn more", "Sign up", "Download", "Book now", "Get offer"]
DIMENSIONS: dict[str, tuple[str, list[str]]] = {
    "angle": ("angles", list(ANGLE_NAMES.values())),
    "cta": ("cta", CORE_CTAS),
    "offer": ("offers", list(OFFER_NAMES.values())),
    "format": ("ad_format", FORMATS),
}
EVIDENCE_COLUMNS = {
    "angle": {name: f"angle_{key}_evidence" for key, name in ANGLE_NAMES.items()},
    "offer": {name: f"offer_{key}_evidence" for key, name in OFFER_NAMES.items()},
}
NOT_LABELS = ["none", UNKNOWN_CTA]
_NEEDED = {
    "ad_id",
    "brand",
    "days_active",
    "hook",
    "copy",
    "cta_evidence",
    "record_kind",
    *(column for column, _ in DIMENSIONS.values()),
    *(column for columns in EVIDENCE_COLUMNS.values() for column in columns.values()),
}


def label_rows(labelled: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """(_row, ad_id, brand, days_active, label) rows for one dimension; _row is the ad's
    position in LABELLED, so its other columns are gathered without a join."""
    column, _ = DIMENSIONS[dimension]
    rows = labelled.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"),
        "ad_id",
        "brand",
        "days_active",
        pl.col(column).alias("label"),
    )
    if isinstance(rows.schema["label"], pl.List):
        rows = rows.explode("label")
    return rows.filter(pl.col("label").is_not_null() & ~pl.col("label").is_in(NOT_LABELS))


def white_space(
    labelled: pl.DataFrame,
    as_of: datetime,
    *,
    use_threshold: float = 0.05,
    min_ads: int = MIN_BRAND_ADS,
    min_coverage: float = MIN_COVERAGE,
    examples: int = 3,
) -> pl.DataFrame:
    """Under-used labels ranked by gap score, with example ads and their longevity.

    Args:
        labelled: labelled ads (messaging.label_ads output); rows with `labelled` False
            (languages the labeller does not cover) are left out.
        as_of: end of the analysis window (for days active; capture dates cut it shorter).
        use_threshold: share of a brand's ads from which the brand counts as using a label
            (and never fewer than MIN_ADS ads).
        min_ads: ads carrying a label before a brand counts as using it.
        min_coverage: share of a brand's ads with a known value before it is judged on a
            dimension (coverage.brand_coverage); dimensions no brand reaches are left out
            (coverage.dimension_status marks them unknown).
        examples: example ads kept per label (longest-running first).
    """
    frame = labelled_only(ads_only(labelled.lazy()))
    columns = dict.fromkeys([*frame.collect_schema().names(), "days_active"])
    ads = (
        with_activity(frame, as_of)
        .select(c for c in columns if c in _NEEDED)
        .collect(engine="in-memory")
    )
    if ads.height == 0:
        return pl.DataFrame()
    coverage = brand_coverage(ads, min_coverage)
    market_median = float(ads.get_column("days_active").median())
    frames = []
    for dimension in dimensions_in(ads):
        judged = (
            coverage.get_column("brand")
            if dimension == "offer"
            else coverage.filter(pl.col(f"{dimension}_judged")).get_column("brand")
        )
        if judged.is_empty():
            continue
        scope = ads.filter(pl.col("brand").is_in(judged.implode()) & known(dimension))
        frames.append(
            _dimension_gaps(scope, dimension, min_ads, use_threshold).with_columns(
                pl.lit(market_median).alias("market_median_days"),
                pl.lit(judged.len()).alias("brands_judged"),
                pl.lit(coverage.height - judged.len()).alias("brands_unknown"),
            )
        )
    if not frames:
        return pl.DataFrame()
    ranked = (
        pl.concat(frames, how="diagonal")
        .filter(pl.col("market_share") < pl.col("typical_share"))
        .sort(["gap_score", "market_share"], descending=[True, False])
        .with_row_index("rank", offset=1)
    )
    evidence = gap_examples(ads, ranked, examples)
    summary = evidence.group_by("dimension", "label").agg(
        pl.format("{} ({}d): {}", "brand", "days_active", pl.coalesce("evidence", "hook")).alias(
            "examples"
        )
    )
    return (
        ranked.join(summary, on=["dimension", "label"], how="left")
        .with_columns(pl.col("examples").fill_null([]))
        .select(
            "rank",
            "dimension",
            "label",
            "gap_score",
            "market_share",
            "typical_share",
            "ads",
            "brands_using",
            "brands_judged",
            "brands_unknown",
            "top_brand",
            "top_brand_share",
            "users_median_days",
            "market_median_days",
            "examples",
        )
        .sort("rank")
    )


def _dimension_gaps(
    scope: pl.DataFrame, dimension: str, min_ads: int, use_threshold: float
) -> pl.DataFrame:
    """Market share, brands using and gap score of every label of DIMENSION over SCOPE
    (the known ads of the brands judged on it)."""
    _, vocabulary = DIMENSIONS[dimension]
    brands = scope.get_column("brand").n_unique()
    brand_sizes = scope.group_by("brand").agg(pl.len().alias("brand_ads"))
    rows = label_rows(scope, dimension)
    needed = pl.max_horizontal(pl.lit(min_ads), (pl.col("brand_ads") * use_threshold).ceil())
    per_brand = (
        rows.group_by("label", "brand")
        .agg(pl.len().alias("n"))
        .join(brand_sizes, on="brand")
        .with_columns(
            (pl.col("n") / pl.col("brand_ads")).alias("brand_share"),
            (pl.col("n") >= needed).alias("uses"),
        )
    )
    usage = per_brand.group_by("label").agg(
        pl.col("n").sum().alias("ads"),
        pl.col("uses").sum().alias("brands_using"),
        pl.col("brand").sort_by("brand_share", descending=True).first().alias("top_brand"),
        pl.col("brand_share").max().alias("top_brand_share"),
    )
    labels = sorted(
        set(vocabulary) | set(usage.get_column("label").to_list()),
        key=lambda v: (v not in vocabulary, vocabulary.index(v) if v in vocabulary else 0, v),
    )
    table = (
        pl.DataFrame({"label": labels})
        .join(usage, on="label", how="left")
        .with_columns(
            pl.lit(dimension).alias("dimension"),
            pl.col("ads").fill_null(0),
            pl.col("brands_using").fill_null(0).cast(pl.Int64),
            pl.col("top_brand_share").fill_null(0.0),
        )
        .with_columns((pl.col("ads") / scope.height).alias("market_share"))
    )
    typical = table.get_column("market_share").mean()
    longevity = rows.group_by("label").agg(
        pl.col("days_active").median().alias("users_median_days")
    )
    return table.join(longevity, on="label", how="left").with_columns(
        pl.lit(typical).alias("typical_share"),
        (
            (1 - pl.col("market_share") / typical).clip(lower_bound=0)
            * (1 - pl.col("brands_using") / brands)
        ).alias("gap_score"),
    )


def gap_examples(ads: pl.DataFrame, ranked: pl.DataFrame, examples: int = 3) -> pl.DataFrame:
    """Example ads for each white-space label: longest-running first, with the evidence."""
    parts = []
    for dimension in DIMENSIONS:
        wanted = ranked.filter(pl.col("dimension") == dimension).get_column("label").to_list()
        if not wanted:
            continue
        picked = (
            label_rows(ads, dimension)
            .filter(pl.col("label").is_in(wanted))
            .filter(pl.col("days_active").rank("min", descending=True).over("label") <= examples)
            .sort(["label", "days_active", "ad_id"], descending=[False, True, False])
            .group_by("label", maintain_order=True)
            .head(examples)
        )
        details = ads.select("hook", "copy", *_evidence_cols(ads, dimension))[picked["_row"]]
        evidence = _evidence_expr(dimension, ads)
        parts.append(
            pl.concat([picked, details], how="horizontal")
            .with_columns(evidence.alias("evidence"), pl.lit(dimension).alias("dimension"))
            .select(
                "dimension", "label", "ad_id", "brand", "days_active", "evidence", "hook", "copy"
            )
        )
    if not parts:
        return pl.DataFrame(
            schema={
                "dimension": pl.Utf8,
                "label": pl.Utf8,
                "ad_id": pl.Utf8,
                "brand": pl.Utf8,
                "days_active": pl.Int32,
                "evidence": pl.Utf8,
                "hook": pl.Utf8,
                "copy": pl.Utf8,
            }
        )
    return pl.concat(parts, how="vertical_relaxed")


def _evidence_cols(ads: pl.DataFrame, dimension: str) -> list[str]:
    if dimension in EVIDENCE_COLUMNS:
        return list(EVIDENCE_COLUMNS[dimension].values())
    return ["cta_evidence"] if dimension == "cta" and "cta_evidence" in ads.columns else []


def _evidence_expr(dimension: str, ads: pl.DataFrame) -> pl.Expr:
    if dimension in EVIDENCE_COLUMNS:
        expr = pl.lit(None, pl.Utf8)
        for name, column in EVIDENCE_COLUMNS[dimension].items():
            expr = pl.when(pl.col("label") == name).then(pl.col(column)).otherwise(expr)
        return expr
    if dimension == "cta" and "cta_evidence" in ads.columns:
        return pl.col("cta_evidence")
    return pl.lit(None, pl.Utf8)
