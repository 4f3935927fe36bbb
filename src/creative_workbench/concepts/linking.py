"""Link an imported image to its brief from what its tool embedded, else from its file name.

In order: a brief id anywhere in ComfyUI's graphs (its SaveImage filename_prefix first); a
brief id in, or the prompt text matching, Automatic1111's `parameters`; Midjourney's file
name words matching a brief's prompt; a brief id in the file name. Anything else stays
unlinked, with a note saying why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from creative_workbench.concepts.metadata import Embedded

BRIEF_ID = re.compile(r"(?<![A-Za-z0-9])(B\d{3,5})(?![0-9])")
WORD = re.compile(r"[a-z0-9]+")
# Columns whose words describe a brief when it has no `prompt` column.
TEXT_COLUMNS = ("prompt", "headline", "hook", "hooks", "angle", "offer", "cta", "visual")


@dataclass(frozen=True)
class Link:
    """Which brief an image belongs to (None: unlinked), how that was found, and why."""

    brief_id: str | None
    source: str  # comfyui | a1111 | midjourney | filename | none
    note: str = ""


@dataclass(frozen=True)
class BriefIndex:
    """The briefs' ids and their words, for id lookups and prompt matching."""

    ids: frozenset[str]
    words: dict[str, frozenset[str]]

    @classmethod
    def from_table(cls, briefs: pl.DataFrame) -> BriefIndex:
        """Index a briefs table (brief_id plus any of TEXT_COLUMNS)."""
        if briefs.is_empty() or "brief_id" not in briefs.columns:
            return cls(frozenset(), {})
        text_columns = ["prompt"] if "prompt" in briefs.columns else []
        text_columns = text_columns or [c for c in TEXT_COLUMNS if c in briefs.columns]
        words: dict[str, frozenset[str]] = {}
        for row in briefs.select("brief_id", *text_columns).iter_rows(named=True):
            parts = [_flatten(row[c]) for c in text_columns]
            words[str(row["brief_id"])] = frozenset(tokens(" ".join(parts)))
        return cls(frozenset(words), words)


def _flatten(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(_flatten(v) for v in value)
    return str(value)


def tokens(text: str) -> list[str]:
    """Lower-case words of TEXT (letters and digits)."""
    return WORD.findall(text.lower())


def ids_in(texts: Iterable[str], known: frozenset[str]) -> list[str]:
    """Known brief ids mentioned in TEXTS, in order of first mention."""
    found: dict[str, None] = {}
    for text in texts:
        for match in BRIEF_ID.findall(text):
            if match in known:
                found.setdefault(match)
    return list(found)


def best_prompt_match(
    text: str, index: BriefIndex, min_overlap: float
) -> tuple[str | None, float, str]:
    """The brief whose words hold at least MIN_OVERLAP of TEXT's words, if one stands out."""
    words = set(tokens(text))
    if not words or not index.words:
        return None, 0.0, "no prompt words"
    scored = sorted(
        ((len(words & w) / len(words), b) for b, w in index.words.items()), reverse=True
    )
    (best, brief), runner_up = scored[0], scored[1][0] if len(scored) > 1 else 0.0
    if best < min_overlap:
        return None, best, f"prompt matches no brief (best {brief}, {best:.0%} of words)"
    if best - runner_up < 0.05:
        return None, best, f"prompt matches {brief} and {scored[1][1]} equally"
    return brief, best, f"prompt words {best:.0%} in brief {brief}"


def _by_id(found: Sequence[str], source: str, where: str) -> Link | None:
    if len(found) == 1:
        return Link(found[0], source, f"brief id in {where}")
    if len(found) > 1:
        return Link(None, "none", f"{where} names several briefs ({', '.join(found)})")
    return None


def link_image(embedded: Embedded, file_stem: str, index: BriefIndex, min_overlap: float) -> Link:
    """The brief an image belongs to, from its metadata first, then its file name."""
    notes: list[str] = []
    if embedded.tool == "comfyui":
        link = _by_id(ids_in(embedded.names, index.ids), "comfyui", "ComfyUI filename_prefix")
        link = link or _by_id(ids_in([embedded.blob], index.ids), "comfyui", "ComfyUI graph")
        if link is not None and link.brief_id is not None:
            return link
        notes.append(link.note if link else "ComfyUI graph names no brief")
    elif embedded.tool in ("a1111", "midjourney"):
        label = "A1111 parameters" if embedded.tool == "a1111" else "Midjourney file name"
        link = _by_id(ids_in([embedded.prompt, embedded.blob], index.ids), embedded.tool, label)
        if link is not None and link.brief_id is not None:
            return link
        brief, _, note = best_prompt_match(embedded.prompt, index, min_overlap)
        if brief is not None:
            return Link(brief, embedded.tool, note)
        notes.append(link.note if link else note)
    link = _by_id(ids_in([file_stem], index.ids), "filename", "file name")
    if link is not None and link.brief_id is not None:
        return link
    notes.append(link.note if link is not None else "no known brief id in the file name")
    if embedded.tool == "none":
        notes.insert(0, "no generation metadata")
    return Link(None, "none", "; ".join(notes))
