"""What the explorer shows: filters, sort order, variant grouping and paging, as pure polars.

`explore(ads, query)` is the whole explorer minus the widgets, so it is what tests and the
benchmark call. ADS is the output of `prepare.prepare_ads`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from creative_workbench.reports.explorer.prepare import ROW
from creative_workbench.research.market import filter_ads

PAGE_SIZES = (24, 48, 96)
DEFAULT_PAGE_SIZE = PAGE_SIZES[0]
MEMBERS_SHOWN = 12
SORTS: dict[str, list[tuple[str, bool]]] = {
    "longest running": [("days_active", True), ("start_time", True)],
    "newest": [("start_time", True), ("days_active", True)],
    "live now": [("is_active", True), ("days_active", True), ("start_time", True)],
}
DEFAULT_SORT = "longest running"
# A facet is a filter on one label; the first of its columns present in the table is used.
FACETS: dict[str, tuple[str, ...]] = {
    "angle": ("angles", "primary_angle"),
    "offer": ("offers", "offer"),
    "topic": ("topic_label", "topic"),
    "format": ("format",),
    "language": ("language",),
    "cta": ("cta",),
    "platform": ("platforms",),
}
NO_LABEL = {"none", ""}
# What filters and sorts read; the wide rest of a row is gathered only for the cards shown.
BASE_COLUMNS = (
    ROW,
    "ad_id",
    "brand",
    "start_time",
    "stop_time",
    "platforms",
    "days_active",
    "is_active",
    "search_text",
    "variant_key",
    "has_question",
    "has_numbers",
    "emoji_count",
)


def facet_column(schema: pl.Schema, facet: str) -> str | None:
    """The column FACET reads in a table with SCHEMA, or None when the table lacks it."""
    return next((c for c in FACETS[facet] if c in schema), None)


def facet_options(ads: pl.DataFrame) -> dict[str, list[str]]:
    """For each facet the table has, its values (lists exploded), most common first."""
    options = {}
    for facet in FACETS:
        column = facet_column(ads.schema, facet)
        if column is None:
            continue
        values = ads.get_column(column)
        if isinstance(values.dtype, pl.List):
            values = values.explode()
        counts = values.drop_nulls().cast(pl.Utf8).value_counts(sort=True)
        options[facet] = [v for v in counts.get_column(column).to_list() if v not in NO_LABEL]
    return options


def trait_filters(schema: pl.Schema) -> dict[str, pl.Expr]:
    """Hook and copy traits the table can filter on, by display name."""
    traits: dict[str, pl.Expr] = {}
    if "has_question" in schema:
        traits["question"] = pl.col("has_question")
    if "has_numbers" in schema:
        traits["numbers"] = pl.col("has_numbers")
    if "emoji_count" in schema:
        traits["emoji"] = pl.col("emoji_count") > 0
    for column, dtype in schema.items():
        if column.startswith("hook_") and dtype == pl.Boolean:
            traits[column.removeprefix("hook_").replace("_", " ")] = pl.col(column)
    return traits


@dataclass(frozen=True)
class ExplorerQuery:
    """One state of the explorer's controls."""

    brands: tuple[str, ...] = ()
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    traits: tuple[str, ...] = ()
    min_days: int = 0
    start: date | str | None = None
    end: date | str | None = None
    search: str = ""
    live_only: bool = False
    ad_ids: tuple[str, ...] | None = None
    sort: str = DEFAULT_SORT
    group_variants: bool = True
    page: int = 0
    page_size: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class ExplorerPage:
    """One page of cards: each card is an ad standing for its group of variants."""

    matching_ads: int
    total_cards: int
    page: int
    pages: int
    page_size: int
    cards: pl.DataFrame
    members: pl.DataFrame

    def variants_of(self, key: str) -> pl.DataFrame:
        """The shown variants of the card whose variant_key is KEY."""
        return self.members.filter(pl.col("variant_key") == key)


def _facet_expr(schema: pl.Schema, facet: str, values: tuple[str, ...]) -> pl.Expr | None:
    column = facet_column(schema, facet)
    if column is None or not values:
        return None
    wanted = list(values)
    if isinstance(schema[column], pl.List):
        return pl.col(column).list.eval(pl.element().cast(pl.Utf8).is_in(wanted)).list.any()
    return pl.col(column).cast(pl.Utf8).is_in(wanted)


def filter_query(ads: pl.DataFrame, query: ExplorerQuery) -> pl.DataFrame:
    """Ads matching every filter of QUERY, in the order given."""
    platforms = list(query.facets.get("platform", ()))
    out = filter_ads(
        ads,
        start=query.start,
        end=query.end,
        competitors=list(query.brands) or None,
        platforms=platforms if "platforms" in ads.columns and platforms else None,
    )
    conditions = [
        _facet_expr(ads.schema, facet, values)
        for facet, values in query.facets.items()
        if facet != "platform"
    ]
    traits = trait_filters(ads.schema)
    conditions += [traits[t] for t in query.traits if t in traits]
    if query.min_days and "days_active" in ads.columns:
        conditions.append(pl.col("days_active") >= query.min_days)
    if query.live_only and "is_active" in ads.columns:
        conditions.append(pl.col("is_active"))
    if query.search.strip():
        needle = query.search.strip().lower()
        conditions.append(pl.col("search_text").str.contains(needle, literal=True))
    if query.ad_ids is not None:
        conditions.append(pl.col("ad_id").is_in(list(query.ad_ids)))
    conditions = [c for c in conditions if c is not None]
    return out.filter(pl.all_horizontal(conditions)) if conditions else out


def sort_ads(ads: pl.DataFrame, sort: str) -> pl.DataFrame:
    """ADS in the named sort order (ad id breaks ties)."""
    keys = [(c, d) for c, d in SORTS.get(sort, SORTS[DEFAULT_SORT]) if c in ads.columns]
    keys.append(("ad_id", False))
    return ads.sort([c for c, _ in keys], descending=[d for _, d in keys], nulls_last=True)


def matching_ads(ads: pl.DataFrame, query: ExplorerQuery) -> pl.DataFrame:
    """Ads matching every filter of QUERY, in its sort order."""
    return sort_ads(filter_query(ads, query), query.sort)


class ExplorerTable:
    """A prepared ads table plus its narrow query columns pre-sorted once per sort order,
    so a filter change only filters (sorting 100,000 rows each time would dominate)."""

    def __init__(self, ads: pl.DataFrame) -> None:
        self.ads = ads
        self.narrow = ads.select(working_columns(ads.schema))
        self._sorted: dict[str, pl.DataFrame] = {}

    def sorted(self, sort: str) -> pl.DataFrame:
        """The narrow columns in SORT order (computed on first use)."""
        if sort not in self._sorted:
            self._sorted[sort] = sort_ads(self.narrow, sort)
        return self._sorted[sort]


def working_columns(schema: pl.Schema) -> list[str]:
    """The narrow set of columns a query reads (facets, traits, sorts, ids)."""
    wanted = [*BASE_COLUMNS, *(c for cols in FACETS.values() for c in cols)]
    wanted += [c for c in schema if c.startswith("hook_")]
    return [c for c in dict.fromkeys(wanted) if c in schema]


def explore(table: ExplorerTable | pl.DataFrame, query: ExplorerQuery) -> ExplorerPage:
    """The page of cards QUERY asks for, variants grouped under their best-placed ad.

    TABLE is an ExplorerTable or a table from `prepare_ads`. Filtering and grouping run on
    narrow pre-sorted columns; only the rows of the page (and their variants) are gathered
    in full.
    """
    if not isinstance(table, ExplorerTable):
        table = ExplorerTable(table)
    ads = table.ads
    found = filter_query(table.sorted(query.sort), query)
    if query.group_variants:
        representatives = found.filter(pl.col("variant_key").is_first_distinct()).join(
            found.group_by("variant_key").agg(pl.len().alias("variants")),
            on="variant_key",
            how="left",
            maintain_order="left",
        )
    else:
        representatives = found.with_columns(pl.lit(1, pl.UInt32).alias("variants"))
    size = max(1, query.page_size)
    pages = max(1, math.ceil(representatives.height / size))
    page = min(max(0, query.page), pages - 1)
    shown = representatives.slice(page * size, size)
    cards = ads[shown.get_column(ROW)].with_columns(shown.get_column("variants"))
    members = ads.clear()
    if query.group_variants and shown.height:
        grouped = shown.filter(pl.col("variants") > 1).get_column("variant_key")
        rows = (
            found.filter(pl.col("variant_key").is_in(grouped.implode()))
            .group_by("variant_key", maintain_order=True)
            .head(MEMBERS_SHOWN)
            .get_column(ROW)
        )
        members = ads[rows]
    return ExplorerPage(
        matching_ads=found.height,
        total_cards=representatives.height,
        page=page,
        pages=pages,
        page_size=size,
        cards=cards,
        members=members,
    )
