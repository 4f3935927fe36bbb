"""Colour measures two stages share: dominant colours and CIEDE2000 distance to a palette.

The QA gate's palette check and the concepts prefilter both call `palette_share`, so a
deliverable and a directional concept are judged on the brand palette by the same rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from creative_workbench.brand_guide import hex_to_rgb
from creative_workbench.colour_lab import delta_e_ciede2000, rgb2lab

COLOUR_SAMPLE_SIDE = 64
DOMINANT_K = 5


@dataclass(frozen=True)
class PaletteShare:
    """Dominant colours of an image, their pixel shares, ΔE00 to the palette, share on it."""

    colours: np.ndarray
    shares: np.ndarray
    distances: np.ndarray
    on_palette: float

    def worst_hex(self, tolerance: float) -> str | None:
        """The largest off-palette dominant colour as hex (None when all are on palette)."""
        off = np.where(self.distances > tolerance, self.shares, 0.0)
        if not off.any():
            return None
        return rgb_hex(self.colours[int(np.argmax(off))])


def rgb_hex(colour: Sequence[float] | np.ndarray) -> str:
    """An RGB triple (0-255) as #rrggbb."""
    return "#{:02x}{:02x}{:02x}".format(*np.clip(np.round(colour), 0, 255).astype(int))


def dominant_colours(rgb: np.ndarray, k: int = DOMINANT_K) -> list[tuple[np.ndarray, float]]:
    """The K dominant colours of a frame (k-means on a small copy) with their pixel shares."""
    height, width = rgb.shape[:2]
    scale = COLOUR_SAMPLE_SIDE / max(height, width)
    small = cv2.resize(
        rgb,
        (max(1, round(width * scale)), max(1, round(height * scale))),
        interpolation=cv2.INTER_AREA,
    )
    pixels = small.reshape(-1, 3).astype(np.float32)
    k = min(k, len(np.unique(pixels, axis=0)))
    cv2.setRNGSeed(7)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
    _, labels, centres = cv2.kmeans(pixels, k, None, criteria, 2, cv2.KMEANS_PP_CENTERS)
    shares = np.bincount(labels.ravel(), minlength=k) / labels.size
    return [(centres[i], float(shares[i])) for i in np.argsort(-shares)]


def palette_distance(colours: np.ndarray, palette_hex: Sequence[str]) -> np.ndarray:
    """CIEDE2000 distance from each RGB colour (n, 3) to its nearest palette colour."""
    palette = np.asarray([hex_to_rgb(h) for h in palette_hex], dtype=np.float64) / 255
    lab_c = rgb2lab(np.asarray(colours, dtype=np.float64).reshape(-1, 1, 3) / 255)
    lab_p = rgb2lab(palette.reshape(1, -1, 3))
    lab_c = np.broadcast_to(lab_c, (lab_c.shape[0], palette.shape[0], 3))
    lab_p = np.broadcast_to(lab_p, lab_c.shape)
    return delta_e_ciede2000(lab_c, lab_p).min(axis=1)


def palette_share(rgb: np.ndarray, palette_hex: Sequence[str], tolerance: float) -> PaletteShare:
    """Share of RGB's dominant colour within TOLERANCE (ΔE00) of a palette colour."""
    found = dominant_colours(rgb)
    colours = np.asarray([c for c, _ in found], dtype=np.float64)
    shares = np.asarray([s for _, s in found], dtype=np.float64)
    distances = palette_distance(colours, palette_hex)
    return PaletteShare(colours, shares, distances, float(shares[distances <= tolerance].sum()))
