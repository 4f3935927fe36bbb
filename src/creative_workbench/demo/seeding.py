"""Deterministic randomness for the demo: one independent generator per build step."""

from __future__ import annotations

import zlib
from datetime import date, timedelta

import numpy as np

BASE_REFERENCE_DATE = date(2026, 9, 30)


def rng_for(seed: int, step: str) -> np.random.Generator:
    """A generator for STEP that depends only on SEED and the step's name."""
    return np.random.default_rng([int(seed), zlib.crc32(step.encode("utf-8"))])


def reference_date(seed: int) -> date:
    """The demo's 'today': a fixed date shifted by the seed, never the wall clock."""
    return BASE_REFERENCE_DATE + timedelta(days=int(seed) % 31)
