"""End card: the CTA read by OCR against the expected one, its hold, and leftover CTAs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from creative_workbench.config import QAThresholds
from creative_workbench.qa.decode import SampledFrame
from creative_workbench.qa.findings import Finding, finding
from creative_workbench.qa.ocr import TextBox, read_text


def normalise(text: str) -> str:
    """Lower-case, accents and punctuation removed, whitespace collapsed; OCR '0'->'o' etc."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", " ", text.lower())
    return " ".join(text.split())


def similarity(expected: str, seen: str) -> float:
    """How well EXPECTED appears inside SEEN (0-1), tolerant of OCR slips and extra text."""
    want, have = normalise(expected).replace(" ", ""), normalise(seen).replace(" ", "")
    if not want or not have:
        return 0.0
    if want in have:
        return 1.0
    if len(have) <= len(want):
        return SequenceMatcher(None, want, have, autojunk=False).ratio()
    best = 0.0
    for size in {max(1, len(want) - 1), len(want), len(want) + 1}:
        for start in range(0, len(have) - size + 1):
            best = max(
                best,
                SequenceMatcher(None, want, have[start : start + size], autojunk=False).ratio(),
            )
    return best


@dataclass(frozen=True)
class EndCard:
    """The final picture, its text and how long it is held before the end."""

    frame: SampledFrame
    texts: list[TextBox]
    hold_s: float
    start_s: float


def read_end_card(
    frame: SampledFrame, start_s: float, duration: float, window_s: float, read: bool = True
) -> EndCard:
    """The end card: the final FRAME, on screen from START_S (found by the decode pass).

    The hold counts at most WINDOW_S before the end; OCR runs only when READ is set (a CTA or
    a safe zone to check), so files without either never load the OCR engine.
    """
    texts = read_text(frame.rgb) if read else []
    start = max(start_s, duration - window_s, 0.0)
    return EndCard(frame, texts, max(0.0, duration - start), start)


def end_card_findings(
    card: EndCard,
    expected_cta: str | None,
    other_ctas: Sequence[str],
    thresholds: QAThresholds,
    video: bool,
) -> list[Finding]:
    """end_card.cta, end_card.leftover and (video) end_card.hold."""
    seen = " ".join(t.text for t in card.texts)
    where = f"{card.frame.time:.1f} s"
    found: list[Finding] = []
    if video:
        held = card.hold_s >= thresholds.end_card_min_hold_s
        found.append(
            finding(
                "end_card.hold",
                held,
                f"held {card.hold_s:.1f} s",
                f"≥ {thresholds.end_card_min_hold_s:g} s",
                "The end card is held long enough."
                if held
                else f"The end card is on screen only {card.hold_s:.1f} s.",
                where=f"{card.start_s:.1f} s - end",
            )
        )
    if not expected_cta:
        return found
    ratio = thresholds.cta_match_ratio
    score = similarity(expected_cta, seen)
    others = {c: similarity(c, seen) for c in other_ctas if normalise(c) != normalise(expected_cta)}
    leftover = max(others, key=lambda c: (others[c], len(c)), default=None)
    is_leftover = (
        leftover is not None
        and others[leftover] >= ratio
        and (score < ratio or (others[leftover] >= score and len(leftover) > len(expected_cta)))
    )
    ok = score >= ratio and not is_leftover
    shown = repr(seen[:60]) if seen else "no text"
    found.append(
        finding(
            "end_card.cta",
            ok,
            f"read {shown} (match {score:.2f})",
            repr(expected_cta),
            "The end card shows the expected CTA."
            if ok
            else f"The end card does not show the CTA {expected_cta!r}.",
            where=where,
        )
    )
    found.append(
        finding(
            "end_card.leftover",
            not is_leftover,
            f"matches {leftover!r}" if is_leftover else "no other version's CTA",
            f"only {expected_cta!r}",
            f"The end card still carries another version's CTA {leftover!r}."
            if is_leftover
            else "No leftover CTA from another version.",
            where=where,
        )
    )
    return found
