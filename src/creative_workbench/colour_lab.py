"""sRGB to and from CIELAB (D65, 2 degree observer) and the CIEDE2000 colour difference, in
NumPy: the one CIELAB implementation, below research, concepts and QA.

The same formulas and constants as scikit-image's rgb2lab, lab2rgb and deltaE_ciede2000
(results equal to float rounding; tests/unit/test_colour_lab.py): importing skimage.color
loads SciPy, which costs a QA checker process about half a second of CPU per palette check.
"""

from __future__ import annotations

import numpy as np

XYZ_FROM_RGB = np.array(
    [
        [0.412453, 0.357580, 0.180423],
        [0.212671, 0.715160, 0.072169],
        [0.019334, 0.119193, 0.950227],
    ]
)
D65_WHITE = np.array([0.95047, 1.0, 1.08883])  # scikit-image's D65 / 2 degree white point


def rgb2lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB of sRGB values in 0-1, channels last."""
    arr = np.array(rgb, dtype=np.float64)
    low = arr <= 0.04045
    arr = np.where(low, arr / 12.92, np.power((np.maximum(arr, 0.04045) + 0.055) / 1.055, 2.4))
    arr = arr @ XYZ_FROM_RGB.T / D65_WHITE
    cube = arr > 0.008856
    arr = np.where(cube, np.cbrt(arr), 7.787 * arr + 16.0 / 116.0)
    x, y, z = arr[..., 0], arr[..., 1], arr[..., 2]
    return np.stack([116.0 * y - 16.0, 500.0 * (x - y), 200.0 * (y - z)], axis=-1)


def lab2rgb(lab: np.ndarray) -> np.ndarray:
    """sRGB in 0-1 of CIELAB values, channels last (out-of-gamut colours clipped)."""
    arr = np.array(lab, dtype=np.float64)
    fy = (arr[..., 0] + 16.0) / 116.0
    f = np.stack([arr[..., 1] / 500.0 + fy, fy, np.maximum(fy - arr[..., 2] / 200.0, 0.0)], -1)
    xyz = np.where(f > 0.2068966, f**3, (f - 16.0 / 116.0) / 7.787) * D65_WHITE
    linear = xyz @ np.linalg.inv(XYZ_FROM_RGB).T
    high = linear > 0.0031308
    rgb = np.where(
        high, 1.055 * np.power(np.maximum(linear, 0.0031308), 1 / 2.4) - 0.055, linear * 12.92
    )
    return np.clip(rgb, 0.0, 1.0)


def _polar(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Radius and angle in [0, 2 pi)."""
    angle = np.arctan2(y, x)
    return np.hypot(x, y), angle + np.where(angle < 0.0, 2 * np.pi, 0)


def delta_e_ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 difference of two CIELAB arrays (channels last; kL = kC = kH = 1)."""
    lab1, lab2 = np.broadcast_arrays(np.asarray(lab1, float), np.asarray(lab2, float))
    l1, a1, b1 = np.moveaxis(lab1, -1, 0)[:3]
    l2, a2, b2 = np.moveaxis(lab2, -1, 0)[:3]
    c7 = (0.5 * (np.hypot(a1, b1) + np.hypot(a2, b2))) ** 7
    scale = 1 + 0.5 * (1 - np.sqrt(c7 / (c7 + 25**7)))
    c1, h1 = _polar(a1 * scale, b1)
    c2, h2 = _polar(a2 * scale, b2)
    lightness = 0.5 * (l1 + l2)
    tmp = (lightness - 50) ** 2
    l_term = (l2 - l1) / (1 + 0.015 * tmp / np.sqrt(20 + tmp))
    chroma = 0.5 * (c1 + c2)
    c_term = (c2 - c1) / (1 + 0.045 * chroma)
    h_diff, h_sum, cc = h2 - h1, h1 + h2, c1 * c2
    dh = h_diff - np.where(h_diff > np.pi, 2 * np.pi, 0) + np.where(h_diff < -np.pi, 2 * np.pi, 0)
    dh = np.where(cc == 0.0, 0.0, dh)
    dh_term = 2 * np.sqrt(cc) * np.sin(dh / 2)
    wrap = (cc != 0.0) & (np.abs(h_diff) > np.pi)
    hue = h_sum + np.where(wrap & (h_sum < 2 * np.pi), 2 * np.pi, 0)
    hue = hue - np.where(wrap & (h_sum >= 2 * np.pi), 2 * np.pi, 0)
    hue = 0.5 * np.where(cc == 0.0, hue * 2, hue)
    t = (
        1
        - 0.17 * np.cos(hue - np.deg2rad(30))
        + 0.24 * np.cos(2 * hue)
        + 0.32 * np.cos(3 * hue + np.deg2rad(6))
        - 0.20 * np.cos(4 * hue - np.deg2rad(63))
    )
    h_term = dh_term / (1 + 0.015 * chroma * t)
    c7 = chroma**7
    rotation = np.deg2rad(30) * np.exp(-(((np.rad2deg(hue) - 275) / 25) ** 2))
    r_term = -np.sin(2 * rotation) * 2 * np.sqrt(c7 / (c7 + 25**7)) * c_term * h_term
    return np.sqrt(np.maximum(l_term**2 + c_term**2 + h_term**2 + r_term, 0))
