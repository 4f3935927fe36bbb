"""Reading labelled ads: escaped HTML cards, a filter function, and the ipywidgets explorer.

Ad copy comes from outside: every piece of it is escaped before it reaches HTML, so copy
containing markup or `<script>` shows as text.
"""

from __future__ import annotations

import html
from datetime import date

import polars as pl

from creative_workbench.research.lexicon import ANGLE_NAMES, OFFER_NAMES
from creative_workbench.research.market import filter_ads

ANY = "(any)"
_CARD = (
    "border:1px solid #d5dbe0;border-radius:6px;padding:8px 12px;margin:8px 0;"
    "font-size:13px;background:#fff"
)
_CHIP = (
    "display:inline-block;background:#eef3f8;border-radius:10px;padding:1px 8px;"
    "margin:2px 4px 2px 0;font-size:12px"
)


def search_ads(
    labelled: pl.DataFrame,
    *,
    brands: list[str] | None = None,
    platforms: list[str] | None = None,
    angle: str | None = None,
    cta: str | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
    search: str = "",
) -> pl.DataFrame:
    """Ads matching every given filter; SEARCH is a case-insensitive literal text match."""
    out = filter_ads(labelled, start=start, end=end, competitors=brands, platforms=platforms)
    if angle and angle != ANY:
        out = out.filter(pl.col("angles").list.contains(angle))
    if cta and cta != ANY:
        out = out.filter(pl.col("cta") == cta)
    if search.strip():
        needle = search.strip().lower()
        out = out.filter(pl.col("copy").str.to_lowercase().str.contains(needle, literal=True))
    sort_by = [c for c in ("days_active", "start_time") if c in out.columns]
    return out.sort(sort_by, descending=True) if sort_by else out


def _evidence_chips(row: dict) -> str:
    chips = []
    for key, name in ANGLE_NAMES.items():
        evidence = row.get(f"angle_{key}_evidence")
        if evidence:
            chips.append(f"{name}: “{evidence}”")
    for key, name in OFFER_NAMES.items():
        evidence = row.get(f"offer_{key}_evidence")
        if evidence:
            chips.append(f"offer {name}: “{evidence}”")
    if row.get("cta_evidence"):
        chips.append(f"CTA {row.get('cta')}: “{row['cta_evidence']}”")
    return "".join(f'<span style="{_CHIP}">{html.escape(c)}</span>' for c in chips)


def ad_card_html(row: dict) -> str:
    """One ad as an escaped HTML card: brand, dates, hook, copy, labels with evidence."""
    started = row.get("start_time")
    when = f"{started:%Y-%m-%d}" if started else "—"
    days = row.get("days_active")
    meta = [row.get("brand") or "—", f"since {when}"]
    if days is not None:
        meta.append(f"{days} days active")
    if row.get("platforms"):
        meta.append(", ".join(row["platforms"]))
    meta.append(f"primary: {row.get('primary_angle', '—')}")
    copy_text = html.escape(row.get("copy") or row.get("body") or "").replace("\n", "<br>")
    return (
        f'<div style="{_CARD}"><div style="color:#5f6b73">'
        f"{html.escape(' · '.join(str(m) for m in meta))}</div>"
        f"<div style='font-weight:600;margin:4px 0'>{html.escape(row.get('hook') or '')}</div>"
        f"<div>{copy_text}</div><div style='margin-top:6px'>{_evidence_chips(row)}</div>"
        f"<div style='color:#8a949c;font-size:11px'>{html.escape(str(row.get('ad_id')))}</div>"
        "</div>"
    )


def ads_cards_html(ads: pl.DataFrame, limit: int = 20) -> str:
    """Up to LIMIT ads as cards, with a count of how many matched."""
    cards = "".join(ad_card_html(row) for row in ads.head(limit).iter_rows(named=True))
    shown = min(limit, ads.height)
    return f"<p>{shown} of {ads.height} matching ads</p>{cards}"


def top_ads_per_angle(labelled: pl.DataFrame, per_angle: int = 2) -> dict[str, pl.DataFrame]:
    """For each angle, its longest-running ads (primary angle first): the ones that stayed."""
    out = {}
    for name in ANGLE_NAMES.values():
        carrying = labelled.filter(pl.col("angles").list.contains(name)).with_columns(
            (pl.col("primary_angle") == name).alias("_primary")
        )
        if carrying.is_empty():
            continue
        out[name] = (
            carrying.sort(["_primary", "days_active", "ad_id"], descending=[True, True, False])
            .head(per_angle)
            .drop("_primary")
        )
    return out


def build_explorer(labelled: pl.DataFrame):
    """An ipywidgets explorer over LABELLED ads (needs a live kernel, i.e. JupyterLab)."""
    import ipywidgets as widgets

    brands = sorted(labelled.get_column("brand").unique().to_list())
    platforms = sorted(labelled.get_column("platforms").explode().drop_nulls().unique().to_list())
    brand_box = widgets.SelectMultiple(options=brands, description="Brands", rows=5)
    platform_box = widgets.SelectMultiple(options=platforms, description="Platforms", rows=5)
    angle_box = widgets.Dropdown(options=[ANY, *ANGLE_NAMES.values()], description="Angle")
    ctas = sorted(labelled.get_column("cta").unique().to_list())
    cta_box = widgets.Dropdown(options=[ANY, *ctas], description="CTA")
    start_box = widgets.DatePicker(description="From")
    end_box = widgets.DatePicker(description="To")
    search_box = widgets.Text(description="Search", placeholder="words in the copy")
    limit_box = widgets.IntSlider(value=20, min=5, max=200, step=5, description="Show")
    output = widgets.HTML()

    def refresh(_change=None) -> None:
        found = search_ads(
            labelled,
            brands=list(brand_box.value),
            platforms=list(platform_box.value),
            angle=angle_box.value,
            cta=cta_box.value,
            start=start_box.value,
            end=end_box.value,
            search=search_box.value,
        )
        output.value = ads_cards_html(found, limit_box.value)

    for control in (
        brand_box,
        platform_box,
        angle_box,
        cta_box,
        start_box,
        end_box,
        search_box,
        limit_box,
    ):
        control.observe(refresh, names="value")
    refresh()
    filters = widgets.HBox(
        [
            widgets.VBox([brand_box, platform_box]),
            widgets.VBox([angle_box, cta_box, start_box, end_box, search_box, limit_box]),
        ]
    )
    return widgets.VBox([filters, output])
