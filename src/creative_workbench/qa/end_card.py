"""End card: the CTA read by OCR against the expected one, its hold, and leftover CTAs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import cv2
import numpy as np

from creative_workbench.config import QAThresholds
from creative_workbench.qa.decode import FrameSampler, SampledFrame
from creative_workbench.qa.findings import Finding, finding
from creative_workbench.qa.ocr import TextBox, read_text

SAME_FRAME_DIFF = 6.0
HOLD_PRECISION_S = 0.3


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


def frames_match(a: np.ndarray, b: np.ndarray) -> bool:
    """True when two frames show the same picture (mean grey difference on a small copy)."""
    small = (48, 48)
    grey_a = cv2.resize(cv2.cvtColor(a, cv2.COLOR_RGB2GRAY), small, interpolation=cv2.INTER_AREA)
    grey_b = cv2.resize(cv2.cvtColor(b, cv2.COLOR_RGB2GRAY), small, interpolation=cv2.INTER_AREA)
    return float(np.mean(cv2.absdiff(grey_a, grey_b))) < SAME_FRAME_DIFF


@dataclass(frozen=True)
class EndCard:
    """The final picture, its text and how long it is held before the end."""

    frame: SampledFrame
    texts: list[TextBox]
    hold_s: float
    start_s: float


def read_end_card(sampler: FrameSampler, duration: float, thresholds: QAThresholds) -> EndCard:
    """OCR the last frame and measure how long it has been on screen.

    Keyframes (one cheap decode each) narrow down where the last picture starts; the frames
    after the last differing keyframe are then scanned forward in HOLD_PRECISION_S steps, so
    the decoder never goes back over the same group of pictures.
    """
    last = sampler.at(max(0.0, duration - 0.02), tolerance_s=0.3)
    texts = read_text(last.rgb)
    if sampler.info.kind == "image":
        return EndCard(last, texts, 0.0, 0.0)
    window = max(thresholds.end_card_window_s, thresholds.end_card_min_hold_s)
    outer = max(0.0, duration - window)
    if frames_match(sampler.at(outer, 0.1).rgb, last.rgb):
        return EndCard(last, texts, duration - outer, outer)
    inner = last.time
    for keyframe in (k for k in sampler.keyframe_times() if outer < k < last.time):
        if frames_match(sampler.at(keyframe + 1e-3, 0.05).rgb, last.rgb):
            inner = keyframe
            break
        outer = keyframe
    probe = outer + HOLD_PRECISION_S
    while probe < inner:
        if frames_match(sampler.at(probe, 0.05).rgb, last.rgb):
            inner = probe
            break
        probe += HOLD_PRECISION_S
    return EndCard(last, texts, duration - inner, inner)


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
