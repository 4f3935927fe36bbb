"""The ipywidgets explorer: filters, sort, paging and selectable cards (needs a live kernel).

Everything it shows comes from `query.explore`; this module only maps controls to an
`ExplorerQuery` and the resulting page to card widgets. `focus` is what a click on a matrix
or white-space cell calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import polars as pl

from creative_workbench.reports.explorer.cards import ad_card_html
from creative_workbench.reports.explorer.prepare import prepare_ads
from creative_workbench.reports.explorer.query import (
    DEFAULT_PAGE_SIZE,
    PAGE_SIZES,
    SORTS,
    ExplorerPage,
    ExplorerQuery,
    ExplorerTable,
    explore,
    facet_options,
    trait_filters,
)

if TYPE_CHECKING:
    from creative_workbench.reports.explorer.thumbnails import ThumbnailCache

ANY = "(any)"
FACET_LABELS = {
    "angle": "Angle",
    "offer": "Offer",
    "topic": "Topic",
    "format": "Format",
    "language": "Language",
    "cta": "CTA",
    "platform": "Platform",
}
CARD_MIN_WIDTH = "280px"


class CardSlot:
    """One place on the page: a select box above an ad card."""

    def __init__(self) -> None:
        import ipywidgets as widgets

        self.ad_id: str | None = None
        self.select = widgets.Checkbox(value=False, description="select", indent=False)
        self.card = widgets.HTML()
        self.widget = widgets.VBox([self.select, self.card])
        self.widget.add_class("wb-slot")

    def show(self, ad_id: str, markup: str) -> None:
        self.ad_id = ad_id
        self.select.value = False
        self.card.value = markup
        self.widget.layout.display = None

    def hide(self) -> None:
        self.ad_id = None
        self.select.value = False
        self.widget.layout.display = "none"


class AdsExplorer:
    """Filter, sort and page labelled ads as cards; select cards to put on a board."""

    def __init__(
        self,
        labelled: pl.DataFrame,
        *,
        thumbnails: ThumbnailCache | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> None:
        import ipywidgets as widgets

        self.table = ExplorerTable(prepare_ads(labelled))
        self.ads = self.table.ads
        self.thumbnails = thumbnails
        self.only_ad_ids: tuple[str, ...] | None = None
        self.page_number = 0
        self.current: ExplorerPage | None = None
        self.listeners: list[Callable[[ExplorerPage], None]] = []
        self._holding = False
        options = facet_options(self.ads)
        brands = sorted(self.ads.get_column("brand").unique().to_list()) if self.ads.height else []
        self.brands = widgets.SelectMultiple(options=brands, description="Brands", rows=5)
        self.facets = {
            facet: widgets.Dropdown(options=[ANY, *values], description=FACET_LABELS[facet])
            for facet, values in options.items()
        }
        self.traits = widgets.SelectMultiple(
            options=list(trait_filters(self.ads.schema)), description="Hook traits", rows=3
        )
        self.min_days = widgets.BoundedIntText(value=0, min=0, max=100_000, description="Min days")
        self.start = widgets.DatePicker(description="From")
        self.end = widgets.DatePicker(description="To")
        self.search = widgets.Text(description="Search", placeholder="words in the copy")
        self.live_only = widgets.Checkbox(value=False, description="Live now only")
        self.sort = widgets.Dropdown(options=list(SORTS), description="Sort")
        self.group = widgets.Checkbox(value=True, description="Group variants")
        self.page_size = widgets.Dropdown(
            options=sorted({*PAGE_SIZES, page_size}), value=page_size, description="Per page"
        )
        self.previous = widgets.Button(description="◀ Previous")
        self.next = widgets.Button(description="Next ▶")
        self.summary = widgets.HTML()
        self.summary.add_class("wb-summary")
        self.slots: list[CardSlot] = []
        self.grid = widgets.GridBox(
            layout=widgets.Layout(
                grid_template_columns=f"repeat(auto-fill, minmax({CARD_MIN_WIDTH}, 1fr))",
                grid_gap="12px",
            )
        )
        for control in self.filter_controls():
            control.observe(self._on_filter, names="value")
        self.page_size.observe(self._on_filter, names="value")
        self.previous.on_click(lambda _b: self.go_to(self.page_number - 1))
        self.next.on_click(lambda _b: self.go_to(self.page_number + 1))
        self.controls = widgets.HBox(
            [
                widgets.VBox([self.brands, self.traits]),
                widgets.VBox([*self.facets.values()]),
                widgets.VBox(
                    [
                        self.min_days,
                        self.start,
                        self.end,
                        self.search,
                        self.live_only,
                        self.sort,
                        self.group,
                    ]
                ),
            ],
            layout=widgets.Layout(flex_flow="row wrap"),
        )
        pager = widgets.HBox([self.previous, self.next, self.page_size, self.summary])
        self.widget = widgets.VBox([self.controls, pager, self.grid])
        self.widget.add_class("wb-explorer")
        self.refresh()

    def filter_controls(self) -> list:
        """Every control whose change starts again from page one."""
        return [
            self.brands,
            *self.facets.values(),
            self.traits,
            self.min_days,
            self.start,
            self.end,
            self.search,
            self.live_only,
            self.sort,
            self.group,
        ]

    def query(self) -> ExplorerQuery:
        """The query the controls describe."""
        return ExplorerQuery(
            brands=tuple(self.brands.value),
            facets={f: (box.value,) for f, box in self.facets.items() if box.value != ANY},
            traits=tuple(self.traits.value),
            min_days=int(self.min_days.value or 0),
            start=self.start.value,
            end=self.end.value,
            search=self.search.value,
            live_only=self.live_only.value,
            ad_ids=self.only_ad_ids,
            sort=self.sort.value,
            group_variants=self.group.value,
            page=self.page_number,
            page_size=int(self.page_size.value),
        )

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Change several controls, then refresh once."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
        self.page_number = 0
        self.refresh()

    def _on_filter(self, _change=None) -> None:
        if not self._holding:
            self.page_number = 0
            self.refresh()

    def go_to(self, page: int) -> None:
        """Show page PAGE (0-based; clamped to the pages there are)."""
        self.page_number = max(0, page)
        self.refresh()

    def reset(self) -> None:
        """Clear every filter (sort, grouping and page size stay)."""
        with self.holding():
            self.brands.value = ()
            for box in self.facets.values():
                box.value = ANY
            self.traits.value = ()
            self.min_days.value = 0
            self.start.value = None
            self.end.value = None
            self.search.value = ""
            self.live_only.value = False
            self.only_ad_ids = None

    def focus(
        self, brand: str | None = None, dimension: str | None = None, label: str | None = None
    ) -> ExplorerPage:
        """Show the ads of one matrix or white-space cell: BRAND's ads carrying LABEL."""
        with self.holding():
            self.reset()
            if brand is not None and brand in self.brands.options:
                self.brands.value = (brand,)
            if dimension in self.facets and label is not None:
                box = self.facets[dimension]
                if label not in box.options:  # a label nobody uses: show that nothing matches
                    box.options = [*box.options, label]
                box.value = label
        return self.current

    def refresh(self) -> ExplorerPage:
        """Recompute the page from the controls and redraw the cards."""
        page = explore(self.table, self.query())
        self.page_number = page.page
        self.current = page
        while len(self.slots) < page.cards.height:
            self.slots.append(CardSlot())
            self.grid.children = [*self.grid.children, self.slots[-1].widget]
        for slot, row in zip(self.slots, page.cards.iter_rows(named=True), strict=False):
            slot.show(row["ad_id"], self.card_html(row, page))
        for slot in self.slots[page.cards.height :]:
            slot.hide()
        self.previous.disabled = page.page == 0
        self.next.disabled = page.page >= page.pages - 1
        self.summary.value = summary_text(page)
        for listener in self.listeners:
            listener(page)
        return page

    def card_html(self, row: dict, page: ExplorerPage) -> str:
        """The card of ROW with its thumbnails and its variants."""
        pictures = self.thumbnails.for_ad(row) if self.thumbnails else ()
        count = int(row.get("variants") or 1)
        members = page.variants_of(row["variant_key"]).iter_rows(named=True) if count > 1 else ()
        return ad_card_html(row, thumbnails=pictures, variants=count, members=members)

    def selected_ad_ids(self) -> list[str]:
        """Ads whose card is selected on the current page."""
        return [s.ad_id for s in self.slots if s.ad_id is not None and s.select.value]

    def shown_ad_ids(self) -> list[str]:
        """Ads whose card is on the current page."""
        return [s.ad_id for s in self.slots if s.ad_id is not None]

    def show_only(self, ad_ids: tuple[str, ...] | None) -> None:
        """Restrict the explorer to AD_IDS (a board's ads), or lift that with None."""
        self.only_ad_ids = ad_ids
        self.page_number = 0
        self.refresh()


def summary_text(page: ExplorerPage) -> str:
    """'Cards 1–24 of 609 (2,522 matching ads) · page 1 of 26' (numbers only: no escaping)."""
    if page.total_cards == 0:
        return "<span class='wb-count' data-count='0'>No matching ads</span>"
    first = page.page * page.page_size + 1
    last = first + page.cards.height - 1
    return (
        f"<span class='wb-count' data-count='{page.total_cards}'>"
        f"cards {first:,}–{last:,} of {page.total_cards:,} "
        f"({page.matching_ads:,} matching ad{'' if page.matching_ads == 1 else 's'}) · "
        f"page {page.page + 1} of {page.pages}</span>"
    )
