"""Brand checks: dominant colours against the palette (CIEDE2000) and the logo by template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from creative_workbench.colour import palette_share, rgb_hex
from creative_workbench.config import QAThresholds
from creative_workbench.qa.decode import SampledFrame
from creative_workbench.qa.findings import Finding, finding

LOGO_MAX_WIDTH_PCT = 60.0
LOGO_SCALES = 10
# Smaller templates match texture and text by chance; below this a logo counts as not found.
MIN_TEMPLATE_PX = 24
MIN_TEMPLATE_HEIGHT_PX = 10
MASK_MIN_TRANSPARENT = 0.1


@dataclass(frozen=True)
class LogoHit:
    """Where the logo was found in one frame: box (x, y, w, h) in fractions of the frame."""

    time: float
    score: float
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class LogoTemplate:
    """A logo file as a grey template with its alpha mask, cropped to the visible part."""

    grey: np.ndarray
    mask: np.ndarray

    @property
    def aspect(self) -> float:
        return self.grey.shape[1] / self.grey.shape[0]

    @property
    def needs_mask(self) -> bool:
        """Mask only when a real share of the box is transparent (masked matching is slow)."""
        return float(np.mean(self.mask == 0)) > MASK_MIN_TRANSPARENT


@lru_cache(maxsize=16)
def load_logo(path: str) -> LogoTemplate:
    """Read a logo file (alpha becomes the matching mask)."""
    with Image.open(path) as image:
        rgba = np.asarray(image.convert("RGBA"))
    alpha = rgba[:, :, 3]
    ys, xs = np.nonzero(alpha > 16)
    if ys.size == 0:
        alpha = np.full(alpha.shape, 255, np.uint8)
        ys, xs = np.nonzero(alpha)
    crop = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
    grey = cv2.cvtColor(np.ascontiguousarray(rgba[crop][:, :, :3]), cv2.COLOR_RGB2GRAY)
    return LogoTemplate(grey, (alpha[crop] > 127).astype(np.uint8) * 255)


def palette_finding(
    frames: Sequence[SampledFrame], palette_hex: Sequence[str], thresholds: QAThresholds
) -> tuple[Finding, list[float]]:
    """Share of dominant colour on palette across frames; the off-palette frame times."""
    tolerance = thresholds.palette_delta_e
    per_frame, off_times, off_hex = [], [], []
    for frame in frames:
        measured = palette_share(frame.rgb, palette_hex, tolerance)
        per_frame.append(measured.on_palette)
        if measured.on_palette < thresholds.palette_min_share:
            off_times.append(frame.time)
            off_hex.append(measured.worst_hex(tolerance) or rgb_hex(measured.colours[0]))
    overall = float(np.mean(per_frame)) if per_frame else 0.0
    ok = overall >= thresholds.palette_min_share
    where = ", ".join(f"{t:.1f} s" for t in off_times[:6]) or None
    shown = ", ".join(dict.fromkeys(off_hex))
    message = (
        f"{overall:.0%} of the dominant colour is on the brand palette."
        if ok
        else f"Only {overall:.0%} of the dominant colour is on palette; off-palette "
        f"colours {shown}."
    )
    return finding(
        "brand.palette",
        ok,
        f"{overall:.0%} on palette (ΔE00 ≤ {tolerance:g})",
        f"≥ {thresholds.palette_min_share:.0%} on palette",
        message,
        where=where,
    ), off_times


def _scales(frame_width: int, template: LogoTemplate, min_pct: float) -> np.ndarray:
    low = max(
        MIN_TEMPLATE_PX, MIN_TEMPLATE_HEIGHT_PX * template.aspect, min_pct / 100 * frame_width
    )
    high = LOGO_MAX_WIDTH_PCT / 100 * frame_width
    return np.geomspace(low, max(low, high), LOGO_SCALES) / template.grey.shape[1]


def match_logo(
    grey: np.ndarray, template: LogoTemplate, scales: Sequence[float]
) -> tuple[float, tuple[int, int, int, int], float]:
    """Best (score, pixel box, scale) of TEMPLATE in GREY across SCALES."""
    best = (-1.0, (0, 0, 0, 0), 0.0)
    for scale in scales:
        w = round(template.grey.shape[1] * scale)
        h = round(template.grey.shape[0] * scale)
        if (
            w < MIN_TEMPLATE_PX
            or h < MIN_TEMPLATE_HEIGHT_PX
            or w > grey.shape[1]
            or h > grey.shape[0]
        ):
            continue
        templ = cv2.resize(template.grey, (w, h), interpolation=cv2.INTER_AREA)
        mask = None
        if template.needs_mask:
            mask = cv2.resize(template.mask, (w, h), interpolation=cv2.INTER_NEAREST)
        if templ.std() < 1:
            continue
        scores = cv2.matchTemplate(grey, templ, cv2.TM_CCOEFF_NORMED, mask=mask)
        if mask is not None:  # masked scores are undefined (NaN/inf) on flat windows
            scores = np.nan_to_num(scores, nan=-1.0, posinf=-1.0, neginf=-1.0)
        _, score, _, (x, y) = cv2.minMaxLoc(scores)
        if score > best[0]:
            best = (float(score), (x, y, w, h), float(scale))
    return best


def sweep_logo(
    grey: np.ndarray, template: LogoTemplate, scales: Sequence[float]
) -> tuple[float, tuple[int, int, int, int], float]:
    """Best (score, pixel box, scale) of TEMPLATE in GREY across SCALES, coarse to fine.

    Scales whose template stays recognisable at half resolution are compared on a half-size
    frame (a quarter of the work); only the best of them is matched again at full resolution,
    and the full-resolution score is what counts.
    """
    height, width = template.grey.shape
    coarse = [
        s
        for s in scales
        if width * s / 2 >= MIN_TEMPLATE_PX and height * s / 2 >= MIN_TEMPLATE_HEIGHT_PX
    ]
    best = match_logo(grey, template, [s for s in scales if s not in coarse])
    if coarse:
        half = cv2.resize(
            grey, (grey.shape[1] // 2, grey.shape[0] // 2), interpolation=cv2.INTER_AREA
        )
        found = match_logo(half, template, np.asarray(coarse) / 2)
        if found[0] > -1.0:
            full = match_logo(grey, template, [found[2] * 2])
            if full[0] > best[0]:
                best = full
    return best


def find_logos(
    frames: Sequence[SampledFrame], logo_paths: Sequence[Path], thresholds: QAThresholds
) -> list[LogoHit | None]:
    """Per frame, the logo hit at or above the match threshold (None when absent).

    The full scale sweep runs on a few frames; once a scale is known, the other frames are
    matched near that scale only.
    """
    templates = distinct_templates([load_logo(str(p)) for p in logo_paths])
    hits: list[LogoHit | None] = [None] * len(frames)
    if not templates or not frames:
        return hits
    greys = [cv2.cvtColor(f.rgb, cv2.COLOR_RGB2GRAY) for f in frames]
    width = greys[0].shape[1]
    known: dict[int, float] = {}
    probes = _probe_frames(len(frames))
    order = sorted(range(len(frames)), key=lambda i: (i not in probes, i))
    for index in order:
        for t_index, template in enumerate(templates):
            if t_index in known and index not in probes:
                scales = known[t_index] * np.array([0.85, 1.0, 1.18])
            else:
                scales = _scales(width, template, thresholds.logo_min_width_pct)
            score, (x, y, w, h), scale = (
                match_logo(greys[index], template, scales)
                if len(scales) <= 3
                else sweep_logo(greys[index], template, scales)
            )
            if len(scales) > 3 and score > 0.3:  # refine between the sweep's steps
                finer = match_logo(greys[index], template, scale * np.array([0.92, 1.08]))
                if finer[0] > score:
                    score, (x, y, w, h), scale = finer
            if score >= thresholds.logo_match_threshold:
                known.setdefault(t_index, scale)
                grey = greys[index]
                box = (x / grey.shape[1], y / grey.shape[0], w / grey.shape[1], h / grey.shape[0])
                current = hits[index]
                if current is None or score > current.score:
                    hits[index] = LogoHit(frames[index].time, score, box)
    return hits


def distinct_templates(templates: list[LogoTemplate]) -> list[LogoTemplate]:
    """Drop logo files that are smaller copies of another (same shape): keep the largest."""
    kept: list[LogoTemplate] = []
    for template in sorted(templates, key=lambda t: -t.grey.size):
        if not any(abs(k.aspect / template.aspect - 1) < 0.03 for k in kept):
            kept.append(template)
    return kept


def _probe_frames(count: int) -> set[int]:
    return {count // 2, count - 1}


def logo_findings(
    hits: Sequence[LogoHit | None], thresholds: QAThresholds, has_logo_files: bool, video: bool
) -> list[Finding]:
    """brand.logo (present, big enough) and, for video, brand.early."""
    if not has_logo_files:
        return [
            Finding(
                "brand.logo",
                "warn",
                "no logo file",
                "logo in brand guide",
                None,
                "The brand guide names no logo file, so the logo cannot be checked.",
            )
        ]
    found = [h for h in hits if h is not None]
    min_pct = thresholds.logo_min_width_pct
    if not found:
        result = [
            Finding(
                "brand.logo",
                "fail",
                "not found",
                f"logo ≥ {min_pct:g}% of frame width",
                None,
                "The brand logo was not found in any sampled frame (or it "
                "is too small to recognise).",
            )
        ]
    else:
        largest = max(found, key=lambda h: h.box[2])
        width_pct = largest.box[2] * 100
        result = [
            finding(
                "brand.logo",
                width_pct >= min_pct,
                f"found (match {largest.score:.2f}, {width_pct:.0f}% wide)",
                f"logo ≥ {min_pct:g}% of frame width",
                "The logo is present."
                if width_pct >= min_pct
                else f"The logo is only {width_pct:.1f}% of the frame width.",
                where=f"{largest.time:.1f} s",
            )
        ]
    if video:
        first = min((h.time for h in found), default=None)
        early = first is not None and first <= thresholds.brand_early_s
        result.append(
            finding(
                "brand.early",
                early,
                "never" if first is None else f"first at {first:.1f} s",
                f"logo within {thresholds.brand_early_s:g} s",
                "The brand shows early."
                if early
                else f"The logo does not appear within the first {thresholds.brand_early_s:g} s.",
            )
        )
    return result
