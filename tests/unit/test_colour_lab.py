"""The palette measure's colour maths against scikit-image's (the reference it replaces)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from skimage.color import deltaE_ciede2000
from skimage.color import lab2rgb as skimage_lab2rgb
from skimage.color import rgb2lab as skimage_rgb2lab

from creative_workbench.colour_lab import delta_e_ciede2000, lab2rgb, rgb2lab


def test_rgb2lab_matches_scikit_image() -> None:
    rgb = np.random.default_rng(1).random((500, 1, 3))
    edges = np.array([[[0, 0, 0]], [[1, 1, 1]], [[0.04045, 0.5, 0.01]]], dtype=float)
    rgb = np.concatenate([rgb, edges])
    assert np.allclose(rgb2lab(rgb), skimage_rgb2lab(rgb), atol=1e-10)


def test_lab2rgb_matches_scikit_image_and_round_trips() -> None:
    lab = np.random.default_rng(2).uniform([0, -60, -60], [100, 60, 60], (500, 1, 3))
    reference = skimage_lab2rgb(lab)  # out-of-gamut values clipped the same way
    assert np.allclose(lab2rgb(lab), reference, atol=1e-10)
    rgb = np.random.default_rng(3).random((200, 1, 3))
    assert np.allclose(lab2rgb(rgb2lab(rgb)), rgb, atol=1e-9)


def test_ciede2000_matches_scikit_image_and_sharma_data() -> None:
    rng = np.random.default_rng(2)
    lab1 = rgb2lab(rng.random((400, 3)))
    lab2 = rgb2lab(rng.random((400, 3)))
    greys = np.array([[50.0, 0.0, 0.0], [70.0, 0.0, 0.0]])  # zero chroma: the hue special case
    lab1, lab2 = np.vstack([lab1, greys]), np.vstack([lab2, greys[::-1]])
    assert np.allclose(delta_e_ciede2000(lab1, lab2), deltaE_ciede2000(lab1, lab2), atol=1e-10)
    # Sharma, Wu and Dalal (2005), test pairs 1 and 7 of the CIEDE2000 data set.
    pairs = np.array([[50.0, 2.6772, -79.7751], [50.0, 0.0, 0.0]])
    others = np.array([[50.0, 0.0, -82.7485], [50.0, -1.0, 2.0]])
    assert np.allclose(delta_e_ciede2000(pairs, others), [2.0425, 2.3669], atol=1e-4)


def test_palette_distance_does_not_load_scipy() -> None:
    code = (
        "import sys, numpy as np; from creative_workbench.colour import palette_distance;"
        " palette_distance(np.array([[10, 200, 30]]), ['#112233']);"
        " print(sorted(m for m in sys.modules if m.split('.')[0] in {'scipy', 'skimage'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
