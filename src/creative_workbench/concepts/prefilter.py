"""The automatic prefilter: the repeatable part of discarding most generations.

Each candidate is measured once (perceptual hash, sharpness, exposure, palette share) and
then judged against its brief's placement: aspect, resolution, brand palette (CIEDE2000,
the QA gate's own function), blur, exposure and, where the prompt asks for words, the text
OCR reads. Every check adds a plain-English reason; a failing check multiplies the score by
its penalty. Near-duplicates (pHash Hamming distance) form clusters whose best candidate is
kept. `PrefilterSettings` (concepts/settings.py) holds every default.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import imagehash
import numpy as np
from PIL import Image

from creative_workbench.colour import palette_share
from creative_workbench.concepts.settings import PrefilterSettings
from creative_workbench.placements import Placement

QUOTED = re.compile(r"[\"“”]([^\"“”]{2,80})[\"“”]")
# pHash looks at a 32×32 copy; shrinking to 64×64 first (area average) is far cheaper than
# imagehash's own Lanczos resize from the full analysis copy and gives the same structure.
PHASH_INPUT = 64
ASPECT_NAMES = {"9:16": 9 / 16, "4:5": 4 / 5, "1:1": 1.0, "16:9": 16 / 9, "2:3": 2 / 3}


@dataclass(frozen=True)
class Measures:
    """What the prefilter measures on one image's analysis copy."""

    phash: str
    sharpness: float
    exposure_mean: float
    clipped_share: float
    palette_share: float
    off_palette: str | None


@dataclass
class Verdict:
    """A candidate's score (0-1), its reasons, and the checks it failed (flag, reason)."""

    score: float = 1.0
    reasons: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def add(self, ok: bool, flag: str, reason: str, penalty: float) -> None:
        self.reasons.append(reason)
        if not ok:
            self.score *= penalty
            self.failed.append((flag, reason))


def measure(rgb: np.ndarray, palette_hex: Sequence[str], tolerance: float) -> Measures:
    """pHash, sharpness (Laplacian variance), exposure and palette share of an RGB copy."""
    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    sharpness = float(cv2.Laplacian(grey, cv2.CV_64F).var())
    clipped = float(np.mean((grey <= 2) | (grey >= 253)))
    thumb = cv2.resize(grey, (PHASH_INPUT, PHASH_INPUT), interpolation=cv2.INTER_AREA)
    phash = str(imagehash.phash(Image.fromarray(thumb)))
    share, worst = 1.0, None
    if palette_hex:
        measured = palette_share(rgb, palette_hex, tolerance)
        share, worst = measured.on_palette, measured.worst_hex(tolerance)
    return Measures(phash, sharpness, float(grey.mean()) / 255, clipped, share, worst)


def quality_factor(measures: Measures, settings: PrefilterSettings) -> float:
    """A small continuous part of the score (palette share, sharpness), so that the best of
    several passing near-duplicates can be told apart."""
    sharp = min(1.0, measures.sharpness / max(4 * settings.min_sharpness, 1e-9))
    quality = (min(1.0, measures.palette_share) + sharp) / 2
    return 1 - settings.quality_weight * (1 - quality)


def aspect_name(width: int, height: int) -> str:
    """The nearest common aspect name (9:16, 4:5, 1:1, 16:9, 2:3) or W:H when none is close."""
    ratio = width / height
    name = min(ASPECT_NAMES, key=lambda n: abs(math.log(ASPECT_NAMES[n] / ratio)))
    return name if abs(math.log(ASPECT_NAMES[name] / ratio)) < 0.03 else f"{width}:{height}"


def _ratio(text: str) -> float:
    width, height = text.split(":")
    return float(width) / float(height)


def check_aspect(
    verdict: Verdict,
    size: tuple[int, int],
    aspects: Sequence[str],
    where: str,
    settings: PrefilterSettings,
) -> None:
    """Does the image's aspect match one of ASPECTS (from the brief or its placement)?"""
    width, height = size
    ratio = width / height
    ok = any(abs(math.log(_ratio(a) / ratio)) <= settings.aspect_tolerance for a in aspects)
    shown = aspect_name(width, height)
    verdict.add(
        ok,
        "aspect",
        f"aspect {shown} fits {where}"
        if ok
        else f"aspect {shown} does not fit {where} ({', '.join(aspects)})",
        settings.penalty_aspect,
    )


def check_resolution(
    verdict: Verdict, size: tuple[int, int], placement: Placement, settings: PrefilterSettings
) -> None:
    """Is the short side big enough for the placement (a share of its recommended size)?"""
    needed = math.ceil(min(placement.recommended_resolution) * settings.min_side_share)
    if placement.min_resolution is not None:
        needed = max(needed, min(placement.min_resolution))
    short = min(size)
    rec = "×".join(map(str, placement.recommended_resolution))
    verdict.add(
        short >= needed,
        "resolution",
        f"{size[0]}×{size[1]} is enough for {placement.label} (needs {needed} px short side)"
        if short >= needed
        else f"{size[0]}×{size[1]} is too small for {placement.label}: short side {short} px "
        f"< {needed} px ({settings.min_side_share:.0%} of the recommended {rec})",
        settings.penalty_resolution,
    )


def check_palette(
    verdict: Verdict, measures: Measures, tolerance: float, settings: PrefilterSettings
) -> None:
    """Enough of the dominant colour on the brand palette (ΔE00 within the tolerance)?"""
    share = measures.palette_share
    ok = share >= settings.palette_min_share
    factor = settings.penalty_palette + (1 - settings.penalty_palette) * min(
        1.0, share / max(settings.palette_min_share, 1e-9)
    )
    verdict.add(
        ok,
        "palette",
        f"{share:.0%} of the dominant colour is on the brand palette (ΔE00 ≤ {tolerance:g})"
        if ok
        else f"off-palette: only {share:.0%} of the dominant colour is on the brand palette "
        f"(needs {settings.palette_min_share:.0%}; largest off-palette colour "
        f"{measures.off_palette or '?'})",
        factor,
    )


def check_sharpness_exposure(
    verdict: Verdict, measures: Measures, settings: PrefilterSettings
) -> None:
    """Blur (variance of the Laplacian) and exposure (mean luminance, clipped share)."""
    sharp = measures.sharpness >= settings.min_sharpness
    verdict.add(
        sharp,
        "blur",
        f"sharp (Laplacian variance {measures.sharpness:.0f})"
        if sharp
        else f"blurry: Laplacian variance {measures.sharpness:.0f} < {settings.min_sharpness:g}",
        settings.penalty_blur,
    )
    mean, clipped = measures.exposure_mean, measures.clipped_share
    problems = []
    if mean < settings.dark_mean:
        problems.append(f"too dark (mean luminance {mean:.0%})")
    if mean > settings.bright_mean:
        problems.append(f"too bright (mean luminance {mean:.0%})")
    if clipped > settings.max_clipped:
        problems.append(f"{clipped:.0%} of pixels clipped to black or white")
    verdict.add(
        not problems,
        "exposure",
        f"exposure fine (mean luminance {mean:.0%}, {clipped:.0%} clipped)"
        if not problems
        else "badly exposed: " + ", ".join(problems),
        settings.penalty_exposure,
    )


def expected_text(prompt: str) -> list[str]:
    """Words a prompt asks to appear in the image: its quoted phrases."""
    return [m.strip() for m in QUOTED.findall(prompt) if m.strip()]


def _letters(text: str) -> str:
    """Lower-case letters and digits only (OCR often drops or adds spaces)."""
    return "".join(re.findall(r"[a-z0-9]+", text.lower()))


def text_similarity(expected: str, found: str) -> float:
    """How closely FOUND holds EXPECTED: the best match over windows of the same length."""
    target, text = _letters(expected), _letters(found)
    if not target:
        return 1.0
    if target in text:
        return 1.0
    size = len(target)
    windows = [text[i : i + size] for i in range(max(1, len(text) - size + 1))]
    return max(difflib.SequenceMatcher(None, target, w).ratio() for w in windows)


def check_text(
    verdict: Verdict, expected: Sequence[str], found: str | None, settings: PrefilterSettings
) -> None:
    """Where the prompt asks for words, does OCR read them (spelled closely enough)?"""
    if not expected or found is None:
        return
    for phrase in expected:
        similarity = text_similarity(phrase, found)
        ok = similarity >= settings.text_min_similarity
        if ok:
            reason = f'text "{phrase}" reads correctly'
        elif not found.strip():
            reason = f'expected text "{phrase}" not found by OCR'
        else:
            reason = (
                f'text "{phrase}" is misspelled or unreadable: OCR reads "{found[:60]}" '
                f"({similarity:.0%} alike)"
            )
        verdict.add(ok, "text", reason, settings.penalty_text)


def _bits(phashes: Sequence[str]) -> np.ndarray:
    """(n, 64) 0/1 matrix of 64-bit hex pHashes."""
    raw = np.array([np.frombuffer(bytes.fromhex(h), np.uint8) for h in phashes])
    return np.unpackbits(raw.reshape(len(phashes), -1), axis=1).astype(np.int32)


def hamming_matrix(phashes: Sequence[str]) -> np.ndarray:
    """Pairwise Hamming distances between 64-bit hex pHashes."""
    bits = _bits(phashes)
    return bits.shape[1] - (bits @ bits.T + (1 - bits) @ (1 - bits).T)


def close_pairs(phashes: Sequence[str], max_distance: int, block: int = 1024) -> np.ndarray:
    """(i, j) index pairs, i < j, within MAX_DISTANCE bits (memory bounded by BLOCK rows)."""
    bits = _bits(phashes)
    pairs = []
    for start in range(0, len(bits), block):
        part = bits[start : start + block]
        distance = bits.shape[1] - (part @ bits.T + (1 - part) @ (1 - bits).T)
        i, j = np.nonzero(distance <= max_distance)
        i = i + start
        pairs.append(np.column_stack([i[i < j], j[i < j]]))
    return np.concatenate(pairs) if pairs else np.zeros((0, 2), int)


def near_duplicate_clusters(phashes: Sequence[str], max_distance: int) -> list[int]:
    """Cluster label per hash: linked when within MAX_DISTANCE bits (single linkage)."""
    count = len(phashes)
    if count == 0:
        return []
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in close_pairs(phashes, max_distance):
        parent[root(int(i))] = root(int(j))
    roots: dict[int, int] = {}
    return [roots.setdefault(root(i), len(roots)) for i in range(count)]
