"""The competitive report's data-quality section: when each file was captured, how much of
each brand's copy the labeller could read, what is unknown (dimensions, languages, reach)
and the ingest warnings. Every cell is escaped (table_html)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from creative_workbench.ingest.ads import IngestResult
from creative_workbench.reports.notebook import table_html
from creative_workbench.research import coverage
from creative_workbench.research.market import ads_only
from creative_workbench.research.top_brands import others_label, top_brand_names

if TYPE_CHECKING:
    from creative_workbench.pipeline.flows.research import CompetitiveAnalysis

UNKNOWN = "unknown"


def unknown_or_number(value: Any) -> str:
    """A count or bound for a table: "unknown" for null (never 0)."""
    return UNKNOWN if value is None else f"{value:,.0f}"


def unknown_or_share(value: Any) -> str:
    """A share for a table: "unknown" for null."""
    return UNKNOWN if value is None else f"{value:.0%}"


# Formats for nb.table(market.share_of_voice(...)): reach nobody states reads "unknown".
SOV_FORMATS = {
    "reach_lower": unknown_or_number,
    "reach_upper": unknown_or_number,
    "share_reach_lower": unknown_or_share,
}


def capture_table(result: IngestResult) -> pl.DataFrame:
    """Per ad file: format, rows, capture date ("as of" for its still-running ads) and
    where the date came from."""
    files = result.files
    if "captured_at" not in files.columns:  # a cache written before capture dates
        files = files.with_columns(
            pl.lit(None, pl.Date).alias("captured_at"), pl.lit(UNKNOWN).alias("captured_from")
        )
    return files.select(
        "file",
        "format",
        "rows",
        pl.col("captured_at").cast(pl.Utf8).fill_null(f"{UNKNOWN} (window end used)"),
        "captured_from",
    ).sort(pl.col("captured_from") != UNKNOWN, "file")  # unknown dates first


def coverage_table(
    labelled: pl.DataFrame,
    *,
    top: int = coverage.TOP_BRANDS,
    min_coverage: float = coverage.MIN_COVERAGE,
) -> pl.DataFrame:
    """Label coverage per brand (top TOP by ads, then one "others" row): share of labelled
    ads with any angle and with a known CTA; "unknown" marks a dimension the brand is not
    judged on (below MIN_COVERAGE)."""
    table = coverage.brand_coverage(labelled, min_coverage)
    label = others_label(ads_only(labelled), top)
    if label is not None:
        keep = top_brand_names(labelled, top)
        grouped = labelled.with_columns(
            pl.when(pl.col("brand").is_in(keep))
            .then(pl.col("brand"))
            .otherwise(pl.lit(label))
            .alias("brand")
        )
        rest = coverage.brand_coverage(grouped, min_coverage).filter(pl.col("brand") == label)
        table = pl.concat([table.filter(pl.col("brand").is_in(keep)), rest])
    shown = [table.get_column("brand"), table.get_column("ads"), table.get_column("not_labelled")]
    for dimension, title in (("angle", "any angle"), ("cta", "known CTA"), ("format", "format")):
        if f"{dimension}_known" not in table.columns:
            continue
        text = [
            _coverage_cell(share, judged)
            for share, judged in table.select(f"{dimension}_known", f"{dimension}_judged").rows()
        ]
        shown.append(pl.Series(title, text, pl.Utf8))
    return pl.DataFrame(shown)


def _coverage_cell(share: float | None, judged: bool) -> str:
    if share is None:
        return UNKNOWN
    return f"{share:.0%}" if judged else f"{UNKNOWN} ({share:.0%} read)"


def unknowns_table(labelled: pl.DataFrame) -> pl.DataFrame:
    """What the analysis cannot see: dimensions not judged for some brands, ads not labelled
    (per language) and brands whose reach no ad states."""
    status = coverage.dimension_status(labelled)
    rows = [
        {
            "what": f"{row['dimension']}: {row['status']}",
            "ads": None,
            "brands": row["brands_unknown"],
            "note": f"known for {unknown_or_share(row['ads_known'])} of labelled ads; "
            f"{row['brands_judged']} brand(s) judged, {row['brands_unknown']} not",
        }
        for row in status.iter_rows(named=True)
        if row["status"] != "judged"
    ]
    for row in coverage.not_labelled(labelled).iter_rows(named=True):
        rows.append(
            {
                "what": row["reason"],
                "ads": row["ads"],
                "brands": row["brands"],
                "note": "left out of label shares and white space",
            }
        )
    ads = ads_only(labelled)
    if "reach_lower" in ads.columns:
        no_reach = ads.group_by("brand").agg(pl.col("reach_lower").is_not_null().any().alias("r"))
        count = no_reach.filter(~pl.col("r")).height
        if count:
            rows.append(
                {
                    "what": "reach: unknown",
                    "ads": ads.filter(pl.col("reach_lower").is_null()).height,
                    "brands": count,
                    "note": "the source states no reach (shown as unknown, not 0)",
                }
            )
    return pl.DataFrame(
        rows, schema={"what": pl.Utf8, "ads": pl.Int64, "brands": pl.Int64, "note": pl.Utf8}
    )


def quality_section(analysis: CompetitiveAnalysis, max_rows: int = 30) -> str:
    """The whole data-quality section as escaped HTML."""
    from creative_workbench.reports.competitive import quality_html

    unknowns = unknowns_table(analysis.labelled)
    parts = [
        "<h3>Files and capture dates</h3>",
        "<p>A still-running ad counts only up to its file's capture date.</p>",
        table_html(capture_table(analysis.ingest), max_rows=max_rows),
        "<h3>Label coverage per brand</h3>",
        f"<p>Share of each brand's labelled ads the labeller could read. A brand is judged in "
        f"white space only where at least {coverage.MIN_COVERAGE:.0%} are read; below that "
        "the dimension is unknown for it, not empty.</p>",
        table_html(coverage_table(analysis.labelled), max_rows=coverage.TOP_BRANDS + 1),
        "<h3>Unknowns</h3>",
        table_html(unknowns)
        if unknowns.height
        else "<p>Nothing unknown: every dimension is judged for every brand.</p>",
        "<h3>Warnings</h3>",
        quality_html(analysis.ingest, max_rows=max_rows),
    ]
    return "".join(parts)
