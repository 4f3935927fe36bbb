"""Concept candidates as escaped HTML cards: thumbnail, score, prefilter reasons, predicted
CTR with its interval, and where the review stands (who decided what, and why).

Shared by the review board (JupyterLab and web app) and the static `concept_review` report.
Thumbnails are small JPEGs cached under cache/concept_thumbnails (keyed by the image's
sha256) and embedded as data URIs, so nothing is fetched and reports open offline.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
from pathlib import Path

import polars as pl
from PIL import Image, ImageOps

from creative_workbench.atomic import atomic_write_bytes
from creative_workbench.config import Project
from creative_workbench.pipeline.concept_decisions import ConceptReview

THUMB_LONG_SIDE = 240
JPEG_QUALITY = 78
NO_MATHS = "tex2jax_ignore mathjax_ignore"
BRIEF_COLUMNS = (
    "angle",
    "offer",
    "cta",
    "placement",
    "headline",
    "ctr_pred",
    "ctr_lower",
    "ctr_upper",
)
STATE_LABELS = {
    "pending": ("pending", "#5f6b73", "#eef1f3"),
    "auto_discarded": ("auto-discarded", "#8a4b08", "#fdf0e1"),
    "approved": ("approved", "#1d6b35", "#e3f4e8"),
    "changes": ("approved with changes", "#2f5d8a", "#e4eef8"),
    "discarded": ("discarded", "#9b1c1c", "#fbe6e6"),
}
CARD_STYLE = (
    "border:1px solid #d5dbe0;border-radius:6px;padding:8px 10px;margin:0;font-size:12.5px;"
    "background:#fff;color:#1d2428;overflow-wrap:anywhere"
)
SELECTED_STYLE = "box-shadow:0 0 0 3px #2f5d8a"
GRID_STYLE = "display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:10px"
MUTED = "color:#5f6b73"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def candidate_rows(review: ConceptReview) -> pl.DataFrame:
    """Every candidate with its state and its brief's columns, best score first."""
    states = review.states()
    briefs = review.briefs
    if "brief_id" in briefs.columns and "brief_id" in states.columns and not states.is_empty():
        keep = ["brief_id", *(c for c in BRIEF_COLUMNS if c in briefs.columns)]
        states = states.join(
            briefs.select(keep).unique("brief_id", keep="first"), on="brief_id", how="left"
        )
    if "score" in states.columns:
        states = states.sort(["score", "candidate_id"], descending=[True, False], nulls_last=True)
    return states


class ConceptThumbnails:
    """Small JPEG previews of a project's candidate images, made once and kept on disk."""

    def __init__(self, project: Project, long_side: int = THUMB_LONG_SIDE) -> None:
        self.root = project.root.resolve()
        self.folder = project.cache_dir / "concept_thumbnails"
        self.long_side = long_side
        self._memory: dict[str, str] = {}

    def cached(self, row: dict) -> str | None:
        """ROW's preview if it needs no image decoding (in memory or on disk), else None."""
        return self.data_uri(row, make=False)

    def data_uri(self, row: dict, *, make: bool = True) -> str | None:
        """ROW's preview as a data: URI ('' when the file is missing, outside the project or
        unreadable); with MAKE false, None when the preview would have to be made first."""
        path = self._path(row)
        if path is None:
            return ""
        key = str(row.get("sha256") or "") or _file_key(path)
        if key not in self._memory:
            cached = self.folder / f"{key[:32]}-{self.long_side}.jpg"
            if not cached.is_file():
                if not make:
                    return None
                data = preview_jpeg(path, self.long_side)
                if data is None:
                    self._memory[key] = ""
                    return ""
                atomic_write_bytes(cached, data)
            encoded = base64.b64encode(cached.read_bytes()).decode("ascii")
            self._memory[key] = "data:image/jpeg;base64," + encoded
        return self._memory[key]

    def _path(self, row: dict) -> Path | None:
        name = row.get("file")
        if not name:
            return None
        path = (self.root / str(name)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path


def _file_key(path: Path) -> str:
    stat = path.stat()
    return hashlib.sha256(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()


def preview_jpeg(path: Path, long_side: int = THUMB_LONG_SIDE) -> bytes | None:
    """A JPEG preview of PATH at most LONG_SIDE pixels; None for a corrupt, truncated or
    oversized (decompression-bomb) image."""
    try:
        with Image.open(path) as image:
            image.draft("RGB", (long_side, long_side))  # JPEG: decode at a reduced scale
            picture = ImageOps.exif_transpose(image).convert("RGB")
            picture.thumbnail((long_side, long_side))
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=JPEG_QUALITY)
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def percent(value: object) -> str:
    """0.0123 -> '1.23 %' ('—' for missing)."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.2f} %"


def ctr_text(row: dict) -> str:
    """'predicted CTR 1.20 % (0.80–1.70 %)', or a plain 'no CTR prediction'."""
    if row.get("ctr_pred") is None:
        return "no CTR prediction"
    interval = ""
    if row.get("ctr_lower") is not None and row.get("ctr_upper") is not None:
        interval = f" ({percent(row['ctr_lower'])[:-2]}–{percent(row['ctr_upper'])})"
    return f"predicted CTR {percent(row['ctr_pred'])}{interval}"


def state_badge(state: str) -> str:
    """A coloured badge naming STATE."""
    label, colour, background = STATE_LABELS.get(state, (state, "#5f6b73", "#eef1f3"))
    return (
        f"<span class='wb-state' data-state='{_e(state)}' style='color:{colour};"
        f"background:{background};border-radius:10px;padding:1px 8px;font-weight:600'>"
        f"{_e(label)}</span>"
    )


def decision_line(row: dict) -> str:
    """Who decided what and why ('' while nobody has decided)."""
    if not row.get("who"):
        if row.get("state") == "auto_discarded":
            return f"<div style='{MUTED}'>prefilter: {_e(row.get('discard_reason'))}</div>"
        return ""
    note = f" · note: {_e(row['note'])}" if row.get("note") else ""
    count = int(row.get("decisions") or 1)
    earlier = f" · {count - 1} earlier" if count > 1 else ""
    return (
        f"<div class='wb-decision' style='margin-top:4px'>{_e(row.get('decision'))} by "
        f"<b>{_e(row.get('who'))}</b> {_e((row.get('at') or '')[:16])}: "
        f"“{_e(row.get('reason'))}”{note}<span style='{MUTED}'>{earlier}</span></div>"
    )


def _listed(value: object) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def reasons_html(row: dict) -> str:
    """The prefilter's reasons as list items: problems (when the table lists them apart)
    in amber first, the checks that passed muted."""
    reasons, problems = _listed(row.get("reasons")), _listed(row.get("problems"))
    if "problems" not in row:  # the reasons alone: each one may be a problem
        problems, reasons = reasons, []
    shown = [(r, True) for r in problems] + [(r, False) for r in reasons if r not in problems]
    return "".join(
        f"<li class='{'wb-problem' if bad else 'wb-reason'}' "
        f"style='color:{'#8a4b08' if bad else '#5f6b73'}'>{_e(text)}</li>"
        for text, bad in shown
    )


def concept_card_html(
    row: dict, thumbnail: str = "", *, selected: bool = False, loading: bool = False
) -> str:
    """One candidate as an escaped HTML card (LOADING: its preview is still being made)."""
    placeholder = "<span class='wb-loading'>preview loading…</span>" if loading else "no preview"
    picture = (
        f'<img src="{_e(thumbnail)}" alt="{_e(row.get("file"))}" '
        'style="width:100%;height:180px;object-fit:contain;background:#f1f3f5">'
        if thumbnail
        else "<div style='height:180px;background:#f1f3f5;display:flex;align-items:center;"
        f"justify-content:center;{MUTED}'>{placeholder}</div>"
    )
    chips = reasons_html(row)
    brief = " · ".join(
        str(row[k]) for k in ("angle", "offer", "placement") if row.get(k) not in (None, "")
    )
    score = row.get("score")
    size = f"{row.get('width')}×{row.get('height')}" if row.get("width") else ""
    style = CARD_STYLE + (";" + SELECTED_STYLE if selected else "")
    return (
        f'<div class="wb-concept {NO_MATHS}" data-candidate-id="{_e(row.get("candidate_id"))}" '
        f'data-state="{_e(row.get("state"))}" style="{style}">{picture}'
        f"<div style='display:flex;justify-content:space-between;margin-top:4px'>"
        f"<b>{_e(row.get('candidate_id'))}</b>{state_badge(str(row.get('state')))}</div>"
        f"<div style='{MUTED}'>score {'—' if score is None else f'{float(score):.2f}'}"
        f" · {_e(size)} · brief {_e(row.get('brief_id') or 'unlinked')}</div>"
        f"<div style='font-weight:600'>{_e(row.get('headline'))}</div>"
        f"<div style='{MUTED}'>{_e(brief)}</div>"
        f"<div>{_e(ctr_text(row))}</div>"
        f"<ul style='margin:2px 0;padding-left:16px'>{chips}</ul>"
        f"{decision_line(row)}"
        f"<div style='color:#8a949c;font-size:11px'>{_e(row.get('file'))}</div></div>"
    )


def cards_grid_html(cards: list[str]) -> str:
    """Cards in a responsive grid."""
    return f'<div class="wb-grid {NO_MATHS}" style="{GRID_STYLE}">{"".join(cards)}</div>'
