"""The NumPy IIR filters of the QA path against SciPy's (the reference they replace)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import signal

from creative_workbench.qa.iir import butter_bandpass, sosfilt
from creative_workbench.qa.loudness import TRUE_PEAK_FILTER, k_weighting


@pytest.mark.parametrize("rate", [8000, 44100, 48000, 96000, 192000])
def test_k_weighting_matches_scipy_sosfilt(rate: int) -> None:
    rng = np.random.default_rng(rate)
    x = rng.standard_normal((rate * 2 + 37, 3)).astype(np.float32)
    sos = k_weighting(rate)
    ours, _ = sosfilt(sos, x)
    reference = signal.sosfilt(sos, x.astype(np.float64), axis=0)
    assert ours.shape == x.shape
    assert np.max(np.abs(ours - reference)) < 1e-9 * np.max(np.abs(reference))


@pytest.mark.parametrize("chunk", [64, 1000, 777])
def test_chunks_carry_state(chunk: int) -> None:
    rng = np.random.default_rng(chunk)
    x = rng.standard_normal((20_011, 2))
    sos = k_weighting(48000)
    reference, final = signal.sosfilt(sos, x, axis=0, zi=np.zeros((2, 2, 2)))
    parts, state = [], None
    for start in range(0, x.shape[0], chunk):
        y, state = sosfilt(sos, x[start : start + chunk], zi=state)
        parts.append(y)
    assert np.allclose(np.concatenate(parts), reference, rtol=0, atol=1e-10)
    # The carried state is the sections' transposed-direct-form state (SciPy: section,
    # state, channel).
    assert np.allclose(state, final.transpose(2, 0, 1).reshape(2, 4), atol=1e-10)


def test_one_dimensional_and_empty_input() -> None:
    sos = k_weighting(48000)
    impulse = np.zeros(500)
    impulse[0] = 1.0
    y, _ = sosfilt(sos, impulse)
    assert y.shape == (500,)
    assert np.allclose(y, signal.sosfilt(sos, impulse), atol=1e-12)
    empty, state = sosfilt(sos, np.zeros((0, 2)))
    assert empty.shape == (0, 2) and state.shape == (2, 4)


@pytest.mark.parametrize(
    ("order", "band", "rate"),
    [
        (4, (300.0, 3400.0), 16000),
        (4, (300.0, 3400.0), 44100),
        (4, (300.0, 3400.0), 48000),
        (3, (300.0, 3400.0), 48000),
        (1, (20.0, 20000.0), 48000),  # a wide band: real poles
    ],
)
def test_butter_bandpass_is_scipys_design(order: int, band: tuple[float, float], rate: int) -> None:
    ours = butter_bandpass(order, *band, rate)
    reference = signal.butter(order, band, btype="bandpass", fs=rate, output="sos")
    assert ours.shape == reference.shape
    _, h_ours = signal.sosfreqz(ours, worN=1024, fs=rate)
    _, h_reference = signal.sosfreqz(reference, worN=1024, fs=rate)
    assert np.max(np.abs(h_ours - h_reference)) < 1e-10
    x = np.random.default_rng(rate).standard_normal(rate)
    assert np.allclose(sosfilt(ours, x)[0], signal.sosfilt(reference, x), atol=1e-10)


def test_true_peak_filter_is_firwin_kaiser() -> None:
    reference = signal.firwin(33, 0.25, window=("kaiser", 5.0))
    assert np.allclose(TRUE_PEAK_FILTER, reference, atol=1e-7)


def test_qa_checks_import_without_scipy() -> None:
    code = (
        "import sys; import creative_workbench.qa.gate, creative_workbench.qa.audio, "
        "creative_workbench.qa.loudness_meter; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
