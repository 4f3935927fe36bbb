"""Offline OCR with RapidOCR's bundled ONNX models; one engine per process."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

OCR_LONG_SIDE = 480


@dataclass(frozen=True)
class TextBox:
    """Text found in a frame: its box (x, y, w, h) in fractions of the frame."""

    text: str
    score: float
    box: tuple[float, float, float, float]


@lru_cache(maxsize=1)
def engine():
    """The process's RapidOCR engine (built once; models ship inside the wheel)."""
    from rapidocr_onnxruntime import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(
        det_limit_side_len=OCR_LONG_SIDE,
        det_limit_type="max",
        intra_op_num_threads=1,
        inter_op_num_threads=1,
        print_verbose=False,
    )


def _fraction_box(points, width: int, height: int) -> tuple[float, float, float, float]:
    corners = np.asarray(points, dtype=float)
    x0, y0 = corners.min(axis=0)
    x1, y1 = corners.max(axis=0)
    return (max(0.0, x0 / width), max(0.0, y0 / height), (x1 - x0) / width, (y1 - y0) / height)


def read_text(rgb: np.ndarray) -> list[TextBox]:
    """Recognise the text lines of an RGB frame (already downscaled by the caller)."""
    height, width = rgb.shape[:2]
    result, _ = engine()(np.ascontiguousarray(rgb[:, :, ::-1]), use_cls=False)
    return [
        TextBox(str(text), float(score), _fraction_box(points, width, height))
        for points, text, score in (result or [])
    ]


def detect_text(rgb: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Boxes of text in an RGB frame, detection only (no recognition: cheaper)."""
    height, width = rgb.shape[:2]
    result, _ = engine()(
        np.ascontiguousarray(rgb[:, :, ::-1]), use_det=True, use_cls=False, use_rec=False
    )
    return [_fraction_box(points, width, height) for points in (result or [])]
