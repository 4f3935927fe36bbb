"""QA's text reading with the one OCR engine (creative_workbench.ocr_engine).

The neural detector only sees the part of the frame that can hold text: a cheap OpenCV edge
test finds the band with strong local contrast first (on a plain end card that is a fraction
of the frame), and that crop goes to detection and recognition at the same scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from creative_workbench.ocr_engine import engine

EDGE_LEVEL = 24
CROP_MARGIN_PX = 12
MIN_CROP_PX = 64
DET_STRIDE = 32
# Cropping pays only when it removes a real share of the frame.
MAX_CROP_SHARE = 0.75

Region = tuple[int, int, int, int]


@dataclass(frozen=True)
class TextBox:
    """Text found in a frame: its box (x, y, w, h) in fractions of the frame."""

    text: str
    score: float
    box: tuple[float, float, float, float]


def text_region(rgb: np.ndarray) -> Region | None:
    """Pixel box (x0, y0, x1, y1) around everything with text-like contrast; None when flat.

    Morphological gradient of the grey frame above EDGE_LEVEL marks edges of glyphs, logos and
    shapes; the box around them (plus a margin) is where text can be.
    """
    height, width = rgb.shape[:2]
    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    edges = cv2.morphologyEx(grey, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    rows = np.flatnonzero((edges > EDGE_LEVEL).any(axis=1))
    cols = np.flatnonzero((edges > EDGE_LEVEL).any(axis=0))
    if rows.size == 0:
        return None
    x0, x1 = _span(cols[0], cols[-1] + 1, width)
    y0, y1 = _span(rows[0], rows[-1] + 1, height)
    return x0, y0, x1, y1


def _span(start: int, stop: int, size: int) -> tuple[int, int]:
    """Widen [START, STOP) by the margin to a multiple of the detector's stride (no rescale)."""
    start, stop = max(0, start - CROP_MARGIN_PX), min(size, stop + CROP_MARGIN_PX)
    wanted = max(MIN_CROP_PX, -(-(stop - start) // DET_STRIDE) * DET_STRIDE)
    if wanted >= size:
        return 0, size
    start = max(0, min(start - (wanted - (stop - start)) // 2, size - wanted))
    return int(start), int(start + wanted)


def _crop(rgb: np.ndarray) -> tuple[np.ndarray, int, int] | None:
    """The text-bearing crop as BGR with its offset; None when the frame holds no edges."""
    region = text_region(rgb)
    if region is None:
        return None
    height, width = rgb.shape[:2]
    x0, y0, x1, y1 = region
    if (x1 - x0) * (y1 - y0) > MAX_CROP_SHARE * width * height:
        x0, y0, x1, y1 = 0, 0, width, height
    return np.ascontiguousarray(rgb[y0:y1, x0:x1, ::-1]), x0, y0


def _fraction_box(
    points, width: int, height: int, dx: int = 0, dy: int = 0
) -> tuple[float, float, float, float]:
    corners = np.asarray(points, dtype=float) + np.array([dx, dy], dtype=float)
    x0, y0 = corners.min(axis=0)
    x1, y1 = corners.max(axis=0)
    return (max(0.0, x0 / width), max(0.0, y0 / height), (x1 - x0) / width, (y1 - y0) / height)


def read_text(rgb: np.ndarray) -> list[TextBox]:
    """Recognise the text lines of an RGB frame (already downscaled by the caller)."""
    height, width = rgb.shape[:2]
    crop = _crop(rgb)
    if crop is None:
        return []
    bgr, dx, dy = crop
    result, _ = engine()(bgr, use_cls=False)
    return [
        TextBox(str(text), float(score), _fraction_box(points, width, height, dx, dy))
        for points, text, score in (result or [])
    ]


def detect_text(rgb: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Boxes of text in an RGB frame, detection only (no recognition: cheaper)."""
    height, width = rgb.shape[:2]
    crop = _crop(rgb)
    if crop is None:
        return []
    bgr, dx, dy = crop
    result, _ = engine()(bgr, use_det=True, use_cls=False, use_rec=False)
    return [_fraction_box(points, width, height, dx, dy) for points in (result or [])]
