"""The one offline OCR engine (RapidOCR, its ONNX models bundled in the wheel), for every stage
that reads text in pictures: research's text coverage, QA's end cards and safe zones, the
concept prefilter. Built once per process, single-threaded (checkers run in parallel)."""

from __future__ import annotations

import logging
from functools import lru_cache

OCR_LONG_SIDE = 480  # detection works on at most this long side
# Recognition pads each line to at least this width (RapidOCR's default, 320, wastes work on
# short CTA lines; longer lines still get their full width).
REC_MIN_WIDTH = 160


@lru_cache(maxsize=1)
def engine():
    """The process's RapidOCR engine."""
    from rapidocr_onnxruntime import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(
        det_limit_side_len=OCR_LONG_SIDE,
        det_limit_type="max",
        rec_img_shape=[3, 48, REC_MIN_WIDTH],
        intra_op_num_threads=1,
        inter_op_num_threads=1,
        print_verbose=False,
    )
