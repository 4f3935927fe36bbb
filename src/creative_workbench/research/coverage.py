"""How much of each brand's copy the labeller could read, so white space is judged only
where the labels are trustworthy.

Coverage of a dimension for a brand is the share of its labelled ads whose value is known:
any angle for angles (an ad with no angle is usually one the rules could not read), a CTA
other than `unknown` (sources without a button field often leave it unknown), a stated
format. Offers are always known (no offer is an answer). A brand is judged on a dimension
only when its coverage reaches MIN_COVERAGE; otherwise the dimension is unknown for it.
Ads the labeller does not cover (column `labelled` False, e.g. an unsupported language)
are left out and counted per language.
"""

from __future__ import annotations

import polars as pl

from creative_workbench.research.market import ads_only, labelled_only

MIN_COVERAGE = 0.5  # share of a brand's ads with a known value before it is judged
MIN_BRAND_ADS = 2  # ads carrying a label before a brand counts as using it
TOP_BRANDS = 15  # brands shown by name in tables and charts; the rest are one "others" row
UNKNOWN_CTA = "unknown"
DIMENSION_COLUMNS = {"angle": "angles", "cta": "cta", "offer": "offers", "format": "ad_format"}


def _names(frame: pl.DataFrame | pl.LazyFrame) -> list[str]:
    return frame.collect_schema().names()


def known(dimension: str) -> pl.Expr:
    """True where the ad's value for DIMENSION is known (see the module docstring)."""
    column = DIMENSION_COLUMNS[dimension]
    if dimension == "angle":
        return pl.col(column).list.len().fill_null(0) > 0
    if dimension == "cta":
        return pl.col(column).is_not_null() & (pl.col(column) != UNKNOWN_CTA)
    if dimension == "offer":
        return pl.lit(True)
    return pl.col(column).is_not_null()


def dimensions_in(frame: pl.DataFrame | pl.LazyFrame) -> list[str]:
    """The dimensions whose column FRAME has."""
    names = _names(frame)
    return [d for d, column in DIMENSION_COLUMNS.items() if column in names]


def brand_coverage(labelled: pl.DataFrame, min_coverage: float = MIN_COVERAGE) -> pl.DataFrame:
    """Per brand: ads, ads not labelled, and per dimension the share of labelled ads with a
    known value (`<dim>_known`) and whether the brand is judged on it (`<dim>_judged`)."""
    ads = ads_only(labelled)
    flag = pl.col("labelled").fill_null(True) if "labelled" in ads.columns else pl.lit(True)
    dims = dimensions_in(ads)
    table = (
        ads.with_columns(flag.alias("_labelled"))
        .group_by("brand")
        .agg(
            pl.len().alias("ads"),
            (~pl.col("_labelled")).sum().alias("not_labelled"),
            *((known(d) & pl.col("_labelled")).sum().alias(f"_{d}") for d in dims if d != "offer"),
        )
        .with_columns((pl.col("ads") - pl.col("not_labelled")).alias("_base"))
    )
    shares = []
    for d in dims:
        if d == "offer":
            continue
        share = pl.when(pl.col("_base") > 0).then(pl.col(f"_{d}") / pl.col("_base"))
        shares += [
            share.alias(f"{d}_known"),
            (share >= min_coverage).fill_null(False).alias(f"{d}_judged"),
        ]
    return (
        table.with_columns(shares)
        .drop("_base", *(f"_{d}" for d in dims if d != "offer"))
        .sort(["ads", "brand"], descending=[True, False])
    )


def dimension_status(labelled: pl.DataFrame, min_coverage: float = MIN_COVERAGE) -> pl.DataFrame:
    """Per dimension: share of labelled ads with a known value, brands judged and brands
    unknown, and a status (`judged`, `partly unknown` or `unknown`)."""
    ads = labelled_only(ads_only(labelled))
    coverage = brand_coverage(ads, min_coverage)
    rows = []
    for d in dimensions_in(ads):
        judged = coverage.height if d == "offer" else int(coverage[f"{d}_judged"].sum())
        known_share = ads.select(known(d).mean()).item() if ads.height else None
        unknown = coverage.height - judged
        status = "judged" if unknown == 0 else ("unknown" if judged == 0 else "partly unknown")
        rows.append(
            {
                "dimension": d,
                "ads_known": known_share,
                "brands_judged": judged,
                "brands_unknown": unknown,
                "status": status,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "dimension": pl.Utf8,
            "ads_known": pl.Float64,
            "brands_judged": pl.Int64,
            "brands_unknown": pl.Int64,
            "status": pl.Utf8,
        },
    )


def not_labelled(labelled: pl.DataFrame) -> pl.DataFrame:
    """Ads left out because the labeller does not cover them, per language."""
    ads = ads_only(labelled)
    if "labelled" not in ads.columns:
        return pl.DataFrame(schema={"reason": pl.Utf8, "ads": pl.UInt32, "brands": pl.UInt32})
    language = pl.col("language") if "language" in ads.columns else pl.lit(None, pl.Utf8)
    return (
        ads.filter(~pl.col("labelled").fill_null(True))
        .group_by(
            pl.format("not labelled: language {}", language.fill_null("unknown")).alias("reason")
        )
        .agg(pl.len().alias("ads"), pl.col("brand").n_unique().alias("brands"))
        .sort(["ads", "reason"], descending=[True, False])
    )
