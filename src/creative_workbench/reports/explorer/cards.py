"""Ad cards as escaped HTML: thumbnails, copy, labels with evidence, library link, variants.

Ad copy comes from outside: every piece of it is escaped, so copy containing markup or
`<script>` shows as text. Cards carry MathJax's ignore classes, so a price such as
"$180 ... $109" stays text in JupyterLab and Voilà instead of being typeset as maths.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import datetime

from creative_workbench.reports.explorer.thumbnails import Thumbnail
from creative_workbench.research.lexicon import ANGLE_NAMES, OFFER_NAMES

NO_MATHS = "tex2jax_ignore mathjax_ignore"
COPY_CHARS = 600
CARD_STYLE = (
    "border:1px solid #d5dbe0;border-radius:6px;padding:8px 12px;margin:0;"
    "font-size:13px;background:#fff;color:#1d2428;overflow-wrap:anywhere"
)
CHIP_STYLE = (
    "display:inline-block;background:#eef3f8;border-radius:10px;padding:1px 8px;"
    "margin:2px 4px 2px 0;font-size:12px"
)
GRID_STYLE = "display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:12px"
MUTED = "color:#5f6b73"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def evidence_chips(row: dict) -> str:
    """Each label the rules gave the ad, with the phrase that triggered it."""
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
    return "".join(f'<span style="{CHIP_STYLE}">{_e(c)}</span>' for c in chips)


def _date(value: object) -> str:
    return f"{value:%Y-%m-%d}" if isinstance(value, datetime) else "—"


def meta_line(row: dict) -> str:
    """Brand, start date, days active, live or stopped, platforms, format (escaped)."""
    parts = [row.get("brand") or "—", f"since {_date(row.get('start_time'))}"]
    if row.get("days_active") is not None:
        parts.append(f"{row['days_active']} days")
    if row.get("is_active") is not None:
        parts.append("live" if row["is_active"] else f"stopped {_date(row.get('stop_time'))}")
    if row.get("platforms"):
        parts.append(", ".join(str(p) for p in row["platforms"]))
    if row.get("format") or row.get("ad_format"):
        parts.append(str(row.get("format") or row.get("ad_format")))
    return _e(" · ".join(str(p) for p in parts))


def label_line(row: dict) -> str:
    """Primary angle, offer, topic and language, as far as the table has them (escaped)."""
    parts = []
    for key, name in (
        ("primary_angle", "angle"),
        ("offer", "offer"),
        ("topic_label", "topic"),
        ("language", "language"),
    ):
        value = row.get(key)
        if value not in (None, "", "none"):
            parts.append(f"{name}: {value}")
    return _e(" · ".join(parts))


def thumbnails_html(thumbnails: Sequence[Thumbnail]) -> str:
    """The card's pictures side by side (data URIs: nothing is fetched)."""
    if not thumbnails:
        return ""
    width = 100 // len(thumbnails)
    images = "".join(
        f'<img src="{_e(t.data_uri)}" alt="{_e(t.label)}" title="{_e(t.label)}" '
        f'style="width:{width}%;max-height:220px;object-fit:contain;background:#f1f3f5">'
        for t in thumbnails
    )
    return f'<div class="wb-thumbs" style="display:flex;gap:4px;margin-bottom:6px">{images}</div>'


def library_link(row: dict) -> str:
    """A link to the ad's public library page, when there is one."""
    url = row.get("library_url")
    if not url or not str(url).startswith(("https://", "http://")):
        return ""
    return (
        f'<a class="wb-library" href="{_e(url)}" target="_blank" rel="noopener noreferrer">'
        "Ad Library page ↗</a>"
    )


def variants_html(count: int, members: Iterable[dict]) -> str:
    """'N variants' with the set behind it (date, days, link, opening words) in a disclosure."""
    if count <= 1:
        return ""
    items = []
    for member in members:
        opening = (member.get("copy") or member.get("body") or "")[:90]
        link = library_link(member)
        items.append(
            f"<li>{_e(_date(member.get('start_time')))} · {_e(member.get('days_active'))} days"
            f" · {_e(opening)} {link} <span style='{MUTED}'>{_e(member.get('ad_id'))}</span></li>"
        )
    shown = len(items)
    more = f"<li style='{MUTED}'>and {count - shown} more</li>" if count > shown else ""
    return (
        f'<details class="wb-variants"><summary>{count} variants</summary>'
        f"<ul style='padding-left:18px;margin:4px 0'>{''.join(items)}{more}</ul></details>"
    )


def ad_card_html(
    row: dict,
    *,
    thumbnails: Sequence[Thumbnail] = (),
    variants: int = 1,
    members: Iterable[dict] = (),
    copy_chars: int | None = COPY_CHARS,
    note: str = "",
) -> str:
    """One ad as an escaped HTML card (NOTE: a strategist's note on it, e.g. from a board)."""
    text = row.get("copy") or row.get("body") or ""
    if copy_chars is not None and len(text) > copy_chars:
        text = text[:copy_chars].rstrip() + "…"
    copy_html = _e(text).replace("\n", "<br>")
    return (
        f'<div class="wb-card {NO_MATHS}" data-ad-id="{_e(row.get("ad_id"))}" '
        f'style="{CARD_STYLE}">{thumbnails_html(thumbnails)}'
        f'<div style="{MUTED}">{meta_line(row)}</div>'
        f"<div class='wb-hook' style='font-weight:600;margin:4px 0'>{_e(row.get('hook'))}</div>"
        f"<div class='wb-copy'>{copy_html}</div>"
        f"<div style='{MUTED};margin-top:4px'>{label_line(row)}</div>"
        f"<div style='margin-top:6px'>{evidence_chips(row)}</div>"
        f"<div>{library_link(row)}</div>{variants_html(variants, members)}{_note_html(note)}"
        f"<div style='color:#8a949c;font-size:11px'>{_e(row.get('ad_id'))}</div></div>"
    )


def _note_html(note: str) -> str:
    if not note:
        return ""
    return (
        "<div class='wb-note' style='margin-top:6px;border-left:3px solid #2f5d8a;"
        f"padding-left:6px'>{_e(note).replace(chr(10), '<br>')}</div>"
    )


def cards_grid_html(cards: Iterable[str]) -> str:
    """Cards in a responsive grid."""
    return f'<div class="wb-grid {NO_MATHS}" style="{GRID_STYLE}">{"".join(cards)}</div>'
