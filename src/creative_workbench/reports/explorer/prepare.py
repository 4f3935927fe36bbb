"""The explorer's table: labelled ads plus variant groups, library links and a search column.

Research labels evolve (a `lang` column may appear, label columns may be renamed), so
everything here checks which columns are present instead of assuming them.
"""

from __future__ import annotations

import polars as pl

from creative_workbench.research.market import data_end, with_activity

VARIANT_TEXT_CHARS = 120
ROW = "row_nr"  # position in the prepared table: queries sort narrow columns, then gather
DERIVED = (ROW, "variant_key", "variants_total", "library_url", "search_text")
UNKNOWN = "unknown"

# Public Ad Library pages per source. Meta's API snapshot URL carries an access token, so it
# is never shown; the public page is built from the archive id instead.
LIBRARY_URLS: dict[str, tuple[str, tuple[str, ...]]] = {
    "meta_api": ("https://www.facebook.com/ads/library/?id={}", ("raw_id",)),
    "tiktok": ("https://library.tiktok.com/ads/detail/?ad_id={}", ("raw_id",)),
    "google_atc": (
        "https://adstransparency.google.com/advertiser/{}/creative/{}",
        ("page_id", "raw_id"),
    ),
}


def _normalised(expr: pl.Expr) -> pl.Expr:
    """Text with case, digits, punctuation and spacing ironed out: near-duplicates collide."""
    return (
        expr.fill_null("")
        .str.to_lowercase()
        .str.replace_all(r"\d+([.,]\d+)?", "#")
        .str.replace_all(r"[^\p{L}\p{N}#]+", " ")
        .str.strip_chars()
    )


def variant_key(columns: list[str]) -> pl.Expr:
    """Brand plus the normalised hook (or the copy's opening when there is no hook)."""
    text = pl.col("copy") if "copy" in columns else pl.col("body")
    opening = _normalised(text.str.slice(0, VARIANT_TEXT_CHARS))
    hook = _normalised(pl.col("hook")) if "hook" in columns else pl.lit("")
    core = pl.when(hook != "").then(hook).otherwise(opening)
    return pl.concat_str([pl.col("brand"), core], separator="\x1f")


def library_url(columns: list[str]) -> pl.Expr:
    """The ad's public library page, or the source's own public page URL, else null."""
    url = pl.lit(None, pl.Utf8)
    if "source" in columns:
        for name, (template, fields) in LIBRARY_URLS.items():
            if all(f in columns for f in fields):
                built = pl.format(template, *[pl.col(f) for f in fields])
                url = pl.when(pl.col("source") == name).then(built).otherwise(url)
    if "snapshot_url" in columns:
        public = pl.col("snapshot_url").str.contains(r"^https?://") & ~pl.col(
            "snapshot_url"
        ).str.contains("access_token=", literal=True)
        url = pl.coalesce(url, pl.when(public).then(pl.col("snapshot_url")))
    return url


def language_expr(columns: list[str]) -> pl.Expr | None:
    """One language per ad: research's `lang` when present, else the source's first."""
    if "lang" in columns:
        return pl.col("lang").cast(pl.Utf8)
    if "languages" in columns:
        return pl.col("languages").list.first()
    return None


def prepare_ads(labelled: pl.DataFrame) -> pl.DataFrame:
    """LABELLED ads ready to explore: ads only, activity, variant groups, links, search text."""
    ads = labelled.drop(DERIVED, strict=False)  # preparing twice gives the same table
    if "record_kind" in ads.columns:
        ads = ads.filter(pl.col("record_kind") == "ad")
    if ("days_active" not in ads.columns or "is_active" not in ads.columns) and ads.height:
        ads = with_activity(ads, data_end(ads))
    columns = ads.columns
    text = pl.col("copy") if "copy" in columns else pl.col("body")
    extra = [
        variant_key(columns).alias("variant_key"),
        library_url(columns).alias("library_url"),
        pl.concat_str(
            [pl.col(c).fill_null("") for c in ("brand", "hook") if c in columns] + [text],
            separator="\n",
        )
        .fill_null("")
        .str.to_lowercase()
        .alias("search_text"),
    ]
    language = language_expr(columns)
    if language is not None:
        extra.append(language.fill_null(UNKNOWN).alias("language"))
    if "ad_format" in columns:
        extra.append(pl.col("ad_format").fill_null(UNKNOWN).alias("format"))
    out = ads.with_columns(extra)
    return out.with_columns(pl.len().over("variant_key").alias("variants_total")).with_row_index(
        ROW
    )
