"""A board exported to share: a CSV and a self-contained HTML page that opens offline.

The HTML page inlines its styles and thumbnails (data URIs), runs no script and forbids
every network fetch through its Content-Security-Policy; all outside text is escaped.
CSV cells that a spreadsheet would run as a formula are prefixed with a quote.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from creative_workbench.atomic import atomic_write_text
from creative_workbench.pipeline.boards import Board
from creative_workbench.reports.explorer.cards import NO_MATHS, ad_card_html, cards_grid_html
from creative_workbench.reports.explorer.thumbnails import ThumbnailCache

EXPORT_COLUMNS = [
    "ad_id",
    "brand",
    "start_time",
    "stop_time",
    "days_active",
    "is_active",
    "hook",
    "copy",
    "primary_angle",
    "offer",
    "cta",
    "topic_label",
    "language",
    "format",
    "library_url",
]
NOTE_COLUMNS = ("board_note", "added_at", "added_by")
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


@dataclass(frozen=True)
class ExportedBoard:
    """Where a board was written."""

    csv_path: Path
    html_path: Path


def board_table(board_ads: pl.DataFrame, ads: pl.DataFrame) -> pl.DataFrame:
    """The board's ads (in the order added) with their details; ads no longer in the data
    keep their id and note."""
    wanted = [c for c in EXPORT_COLUMNS if c in ads.columns]
    details = ads.select(wanted).unique("ad_id", keep="first")
    notes = board_ads.rename({"note": "board_note"})
    return notes.join(details, on="ad_id", how="left", maintain_order="left")


def board_csv(table: pl.DataFrame) -> str:
    """The board table as CSV text, with formula-like cells defused."""
    flat = table.select(c for c in table.columns if c in EXPORT_COLUMNS or c in NOTE_COLUMNS)
    flat = flat.with_columns(
        pl.when(pl.col(name).str.contains(_FORMULA_START.pattern))
        .then("'" + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in flat.schema.items()
        if dtype == pl.Utf8
    )
    return flat.write_csv()


def board_html(
    board: Board,
    table: pl.DataFrame,
    thumbnails: ThumbnailCache | None = None,
    ads: pl.DataFrame | None = None,
) -> str:
    """The board as one offline HTML page: header (name, note, tags), then its cards."""
    rows = table.to_dicts()
    full = {}
    if ads is not None and rows:
        wanted = ads.filter(pl.col("ad_id").is_in([r["ad_id"] for r in rows]))
        full = {r["ad_id"]: r for r in wanted.unique("ad_id").iter_rows(named=True)}
    cards = []
    for row in rows:
        detail = {**row, **full.get(row["ad_id"], {})}
        pictures = thumbnails.for_ad(detail) if thumbnails else ()
        cards.append(
            ad_card_html(
                detail, thumbnails=pictures, copy_chars=None, note=row.get("board_note") or ""
            )
        )
    tags = "".join(
        f"<span style='background:#eef3f8;border-radius:10px;padding:1px 8px;margin-right:4px'>"
        f"{html.escape(t)}</span>"
        for t in board.tags
    )
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = html.escape(board.name)
    note = html.escape(board.note).replace("\n", "<br>")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{title}</title></head>"
        "<body style='font-family:system-ui,sans-serif;margin:24px;background:#f7f9fa'>"
        f"<header class='{NO_MATHS}'><h1 class='wb-board-name'>{title}</h1>"
        f"<p>{note}</p><p>{tags}</p>"
        f"<p style='color:#5f6b73'>{len(rows)} ads · exported {made} · "
        f"board by {html.escape(board.created_by)}</p></header>"
        f"{cards_grid_html(cards)}</body></html>"
    )


def board_slug(name: str) -> str:
    """A file-name-safe form of a board name."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.").lower()
    return slug[:60] or "board"


def export_board(
    board: Board,
    board_ads: pl.DataFrame,
    ads: pl.DataFrame,
    folder: Path,
    thumbnails: ThumbnailCache | None = None,
) -> ExportedBoard:
    """Write BOARD as FOLDER/<slug>.csv and FOLDER/<slug>.html (atomically)."""
    table = board_table(board_ads, ads)
    stem = board_slug(board.name)
    csv_path = atomic_write_text(Path(folder) / f"{stem}.csv", board_csv(table))
    html_path = atomic_write_text(
        Path(folder) / f"{stem}.html", board_html(board, table, thumbnails, ads)
    )
    return ExportedBoard(csv_path, html_path)
