"""Synthetic soundtracks for the demo deliverables: a music bed, a voice-like track, mastering.

Everything is generated at 48 kHz stereo as float32 in [-1, 1]. Clean mixes are mastered to
-14 LUFS integrated (pyloudnorm, ITU-R BS.1770-4) with a 4x-oversampled true peak kept under
-3 dBTP, so they stay under -1 dBTP after AAC encoding (which adds up to about 1.5 dB of
overshoot on these signals).
"""

from __future__ import annotations

import numpy as np
import pyloudnorm
from scipy import signal

SAMPLE_RATE = 48_000
TARGET_LUFS = -14.0
LOUD_LUFS = -6.0
PEAK_CEILING_DBTP = -3.0
CHORDS = (
    (220.0, 277.18, 329.63),
    (196.0, 246.94, 293.66),
    (174.61, 220.0, 261.63),
    (196.0, 246.94, 329.63),
)
FORMANTS = (
    (730, 1090, 2440),
    (270, 2290, 3010),
    (530, 1840, 2480),
    (570, 840, 2410),
    (300, 870, 2240),
    (660, 1720, 2410),
)


def music_bed(rng: np.random.Generator, duration_s: float) -> np.ndarray:
    """A pad-and-bass loop with a soft kick at 120 bpm; shape (2, samples)."""
    n = round(duration_s * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    bar = 2.0
    chord_index = (t // bar).astype(int) % len(CHORDS)
    roots = np.asarray(CHORDS)[chord_index]
    pad = np.zeros((2, n))
    for voice in range(3):
        phase = 2 * np.pi * np.cumsum(roots[:, voice]) / SAMPLE_RATE
        for harmonic, weight in ((1, 1.0), (2, 0.35), (3, 0.15)):
            for channel, detune in ((0, 1.0), (1, 1.003)):
                pad[channel] += weight * np.sin(harmonic * phase * detune + voice)
    pad *= 0.08 * (0.85 + 0.15 * np.sin(2 * np.pi * 0.25 * t))
    bass_phase = 2 * np.pi * np.cumsum(roots[:, 0] / 4) / SAMPLE_RATE
    bass = 0.22 * np.sin(bass_phase) * (0.6 + 0.4 * np.exp(-(t % 0.5) * 6))
    beat_t = t % 0.5
    kick = (
        0.35 * np.sin(2 * np.pi * (50 + 90 * np.exp(-beat_t * 30)) * beat_t) * np.exp(-beat_t * 14)
    )
    mix = pad + bass + kick
    mix += 0.004 * rng.standard_normal((2, n))
    return _fade(mix)


def voice_track(
    rng: np.random.Generator, duration_s: float, start_s: float, end_s: float
) -> np.ndarray:
    """A speech-like signal: syllables at 3-6 Hz of a formant-filtered harmonic source."""
    n = round(duration_s * SAMPLE_RATE)
    out = np.zeros(n)
    position = int(start_s * SAMPLE_RATE)
    stop = int(end_s * SAMPLE_RATE)
    while position < stop:
        words = int(rng.integers(3, 8))
        for _ in range(words):
            for _ in range(int(rng.integers(1, 4))):
                length = int(rng.uniform(1 / 6, 1 / 3) * SAMPLE_RATE)
                if position + length >= stop:
                    break
                out[position : position + length] += _syllable(rng, length)
                position += length
            position += int(rng.uniform(0.03, 0.09) * SAMPLE_RATE)
        position += int(rng.uniform(0.25, 0.45) * SAMPLE_RATE)
    return np.stack([out, out])


def _syllable(rng: np.random.Generator, length: int) -> np.ndarray:
    t = np.arange(length) / SAMPLE_RATE
    f0 = rng.uniform(110, 190) * (1 + 0.08 * np.sin(2 * np.pi * rng.uniform(1, 3) * t))
    phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
    source = sum(np.sin(k * phase) / k for k in range(1, 30))
    source += 0.02 * rng.standard_normal(length)
    voiced = np.zeros(length)
    for frequency in FORMANTS[int(rng.integers(len(FORMANTS)))]:
        b, a = signal.iirpeak(frequency, Q=6.0, fs=SAMPLE_RATE)
        voiced += signal.lfilter(b, a, source)
    envelope = np.sin(np.pi * np.arange(length) / length) ** 1.5
    return voiced * envelope


def _fade(mix: np.ndarray, seconds: float = 0.03) -> np.ndarray:
    ramp = np.linspace(0.0, 1.0, int(seconds * SAMPLE_RATE))
    mix[:, : ramp.size] *= ramp
    mix[:, -ramp.size :] *= ramp[::-1]
    return mix


def loudness_lufs(audio: np.ndarray) -> float:
    """Integrated loudness (LUFS) of a (2, samples) signal."""
    return float(pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(audio.T))


def true_peak_dbtp(audio: np.ndarray) -> float:
    """True peak in dBTP, measured on a 4x-oversampled copy."""
    upsampled = signal.resample_poly(audio, 4, 1, axis=-1)
    peak = float(np.max(np.abs(upsampled)))
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def master(audio: np.ndarray, target_lufs: float = TARGET_LUFS) -> np.ndarray:
    """Normalise to TARGET_LUFS; a soft limiter keeps the true peak under the ceiling."""
    out = audio * 10 ** ((target_lufs - loudness_lufs(audio)) / 20)
    ceiling = 10 ** (PEAK_CEILING_DBTP / 20)
    for _ in range(6):
        if true_peak_dbtp(out) <= PEAK_CEILING_DBTP:
            break
        out = ceiling * 0.92 * np.tanh(out / (ceiling * 0.92))
        out *= 10 ** ((target_lufs - loudness_lufs(out)) / 20)
    return out.astype(np.float32)


def too_loud(audio: np.ndarray) -> np.ndarray:
    """Drive the mix into a soft limiter until it measures about LOUD_LUFS.

    The limiter's ceiling (0.7, -3.1 dBFS) keeps the samples away from full scale (no clipped
    runs), but AAC encoding of such a dense signal overshoots, so the decoded file's true peak
    also exceeds -1 dBTP.
    """
    ceiling = 0.7
    drive = 10 ** ((LOUD_LUFS - loudness_lufs(audio)) / 20)
    out = audio
    for _ in range(10):
        out = ceiling * np.tanh(audio * drive / ceiling)
        error = LOUD_LUFS - loudness_lufs(out)
        if abs(error) < 0.2:
            break
        drive *= 10 ** (error / 20 * 2.0)
    return out.astype(np.float32)


def with_clipping(mix: np.ndarray, rng: np.random.Generator, bursts: int = 6) -> np.ndarray:
    """Master MIX, then overdrive short bursts into hard full-scale clipping.

    The bursts (250 Hz driven 20 dB into the rails) make flat runs at exactly +-1.0 that
    survive AAC encoding; the clean part is mastered
    quieter so the whole file still measures about -14 LUFS (only peaks and clipping fail).
    """
    length = int(0.015 * SAMPLE_RATE)
    t = np.arange(length) / SAMPLE_RATE
    n = mix.shape[1]
    starts = np.linspace(0.2 * n, 0.75 * n, bursts).astype(int) + rng.integers(0, 2000, bursts)
    target = TARGET_LUFS
    for _ in range(6):
        out = master(mix, target).astype(np.float64)
        for start in starts:
            out[:, start : start + length] += 10.0 * np.sin(2 * np.pi * 250 * t)
        out = np.clip(out, -1.0, 1.0)
        error = TARGET_LUFS - loudness_lufs(out)
        if abs(error) < 0.2:
            break
        target += error
    return out.astype(np.float32)
