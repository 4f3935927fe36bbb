"""BS.1770-4 / EBU Tech 3341 loudness: K-weighting, channel weights, windows and true peak.

One pass K-weights every channel and keeps a running sum of the channel-weighted power, so the
mean power of any window is one subtraction: integrated (gated 400 ms blocks), the momentary
(400 ms) and short-term (3 s) series, and their maxima over every sample position.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from creative_workbench.qa.iir import sosfilt

BLOCK_S = 0.4  # momentary window and BS.1770 gating block
SHORT_TERM_S = 3.0
HOP_S = 0.1  # gating-block step (75 % overlap) and the series' update rate (10 Hz)
OVERSAMPLE = 4
TRUE_PEAK_TAPS, TRUE_PEAK_KAISER_BETA = 33, 5.0
# BS.1770-4 K-weighting, stage 1 (head-related high shelf) and stage 2 (RLB high pass) as
# analogue prototypes (the parameters libebur128 and FFmpeg's ebur128 derive from the published
# filter); the bilinear transform in k_weighting gives BS.1770's 48 kHz coefficients to 1e-14
# and the same curve at any other rate.
SHELF_HZ, SHELF_GAIN_DB, SHELF_Q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
SHELF_MID_EXPONENT = 0.4996667741545416  # the shelf's mid-band gain is about sqrt(high gain)
HIGH_PASS_HZ, HIGH_PASS_Q = 38.13547087602444, 0.5003270373238773
LUFS_OFFSET = -0.691
# BS.1770-4 channel weights by FFmpeg channel name (Annex 3: 1.41 for ear-level channels at
# 60-120 degrees azimuth, else 1.0): side, back and wide surrounds 1.41, as FFmpeg's ebur128
# weighs BL/BR/BC (the surrounds of its 5.x, 6.x and 7.x layouts); LFE excluded; fronts,
# front-centre pairs, stereo downmix and elevated channels 1.0.
SURROUND_CHANNELS = frozenset({"SL", "SR", "BL", "BR", "BC", "SDL", "SDR", "WL", "WR"})
LFE_CHANNELS = frozenset({"LFE", "LFE2"})
SURROUND_GAIN = 1.41
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
CHUNK = 1 << 18  # samples filtered at a time: memory stays about one float64 per sample


def db(value: float) -> float:
    """Amplitude to dB (-inf for zero)."""
    return float(20 * np.log10(value)) if value > 0 else float("-inf")


def lufs(mean_power: np.ndarray | float) -> np.ndarray:
    """BS.1770 loudness of a K-weighted, channel-weighted mean power (-inf for zero)."""
    power = np.asarray(mean_power, dtype=float)
    out = np.full(power.shape, -np.inf)
    positive = power > 0
    out[positive] = LUFS_OFFSET + 10 * np.log10(power[positive])
    return out


def _true_peak_filter() -> np.ndarray:
    """33-tap Kaiser-windowed sinc low-pass at the original Nyquist, unity gain at DC: within
    0.1 dB of the EBU Tech 3341 true-peak cases and a third cheaper than resample_poly's
    default 81 taps. The window method as scipy.signal.firwin(33, 1 / 4, window=("kaiser",
    5.0)) computes it (same taps to float rounding), in NumPy."""
    offsets = np.arange(TRUE_PEAK_TAPS) - (TRUE_PEAK_TAPS - 1) / 2
    taps = np.sinc(offsets / OVERSAMPLE) * np.kaiser(TRUE_PEAK_TAPS, TRUE_PEAK_KAISER_BETA)
    return (taps / taps.sum()).astype(np.float32)


TRUE_PEAK_FILTER = _true_peak_filter()


@lru_cache(maxsize=8)
def k_weighting(rate: int) -> np.ndarray:
    """The BS.1770 K-weighting (high shelf, then high pass) at RATE as second-order sections."""
    k = np.tan(np.pi * SHELF_HZ / rate)
    high = 10 ** (SHELF_GAIN_DB / 20)
    mid = high**SHELF_MID_EXPONENT
    shelf_b = [
        high + mid * k / SHELF_Q + k * k,
        2 * (k * k - high),
        high - mid * k / SHELF_Q + k * k,
    ]
    shelf_a = [1 + k / SHELF_Q + k * k, 2 * (k * k - 1), 1 - k / SHELF_Q + k * k]
    k = np.tan(np.pi * HIGH_PASS_HZ / rate)
    pass_b = [1.0, -2.0, 1.0]  # BS.1770 leaves the high pass's numerator unnormalised
    pass_a = [1 + k / HIGH_PASS_Q + k * k, 2 * (k * k - 1), 1 - k / HIGH_PASS_Q + k * k]
    return np.asarray(
        [
            [*np.divide(shelf_b, shelf_a[0]), *np.divide(shelf_a, shelf_a[0])],
            [*pass_b, *np.divide(pass_a, pass_a[0])],
        ]
    )


def channel_weights(channel_names: Iterable[str]) -> np.ndarray:
    """BS.1770-4 weight per channel: surrounds 1.41, LFE and LFE2 0, every other channel 1.0."""
    return np.asarray(
        [
            SURROUND_GAIN if name in SURROUND_CHANNELS else 0.0 if name in LFE_CHANNELS else 1.0
            for name in channel_names
        ],
        dtype=float,
    )


def _names_for(samples: np.ndarray, channel_names: Iterable[str] | None) -> tuple[str, ...]:
    """The channel names to weight SAMPLES by (mono and stereo may go without)."""
    if channel_names is None:
        if samples.shape[1] > 2:
            raise ValueError(f"{samples.shape[1]} channels need their layout's channel names")
        return ("FL", "FR")[: samples.shape[1]]
    names = tuple(channel_names)
    if len(names) != samples.shape[1]:
        raise ValueError(f"{len(names)} channel names for {samples.shape[1]} channels")
    return names


@dataclass(frozen=True)
class KEnergy:
    """Running sum of the K-weighted, channel-weighted power of a track (a leading 0 first).

    The mean power of samples [start, stop) is (cumulative[stop] - cumulative[start]) / length.
    """

    cumulative: np.ndarray
    rate: int

    @classmethod
    def of(
        cls, samples: np.ndarray, rate: int, channel_names: Iterable[str] | None = None
    ) -> KEnergy:
        """K-weight SAMPLES (n, channels) and sum their power (CHANNEL_NAMES: FFmpeg's)."""
        gains = channel_weights(_names_for(samples, channel_names))
        weighted_channels = np.flatnonzero(gains)
        sos = k_weighting(rate)
        power = np.zeros(samples.shape[0])
        state = None
        for start in range(0, samples.shape[0] if weighted_channels.size else 0, CHUNK):
            chunk = samples[start : start + CHUNK, weighted_channels]
            weighted, state = sosfilt(sos, chunk, zi=state)
            power[start : start + CHUNK] = (weighted * weighted) @ gains[weighted_channels]
        return cls(np.concatenate([[0.0], np.cumsum(power)]), rate)

    @property
    def count(self) -> int:
        return self.cumulative.size - 1

    def window(self, seconds: float) -> int:
        return max(1, round(seconds * self.rate))

    def _mean(self, starts: np.ndarray, stops: np.ndarray, length: int) -> np.ndarray:
        energy = self.cumulative[stops] - self.cumulative[starts]
        return np.maximum(energy, 0.0) / length

    def block_power(self, window_s: float, hop_s: float = HOP_S) -> np.ndarray:
        """Mean power of every whole window of WINDOW_S starting at multiples of HOP_S."""
        length = self.window(window_s)
        if self.count < length:
            return np.zeros(0)
        starts = np.round(np.arange(0, self.count - length + 1, hop_s * self.rate)).astype(int)
        starts = starts[starts + length <= self.count]
        return self._mean(starts, starts + length, length)

    def series(self, window_s: float, hop_s: float = HOP_S) -> np.ndarray:
        """Loudness (LUFS, -inf for digital silence) of the windows of block_power."""
        return lufs(self.block_power(window_s, hop_s))

    def maximum(self, window_s: float) -> float:
        """Highest loudness of a WINDOW_S window over every sample position (exact, not on a
        grid: EBU Tech 3341 cases 10 and 13). Shorter tracks: the track over the window."""
        length = self.window(window_s)
        if self.count < length:
            return float(lufs(self.cumulative[-1] / length))
        ends = np.arange(length, self.count + 1)
        return float(lufs(self._mean(ends - length, ends, length).max()))

    def integrated(self) -> float:
        """BS.1770-4 gated loudness: 400 ms blocks at 75 % overlap, -70 LUFS absolute gate,
        then a gate 10 LU under the loudness of the blocks that passed."""
        power = self.block_power(BLOCK_S, HOP_S)
        kept = power[lufs(power) >= ABSOLUTE_GATE_LUFS]
        if kept.size == 0:
            return float("-inf")
        relative = float(lufs(kept.mean())) + RELATIVE_GATE_LU
        kept = kept[lufs(kept) > relative]
        return float(lufs(kept.mean())) if kept.size else float("-inf")


def loudness(
    samples: np.ndarray, rate: int, channel_names: Iterable[str] | None = None
) -> tuple[float, np.ndarray]:
    """Integrated loudness (LUFS) and momentary loudness every 100 ms (-120 for silence).

    CHANNEL_NAMES are FFmpeg's names for the layout (FL, FR, FC, LFE, BL, ...); without them
    mono and stereo are weighted 1.0 and more channels are an error.
    """
    energy = KEnergy.of(samples, rate, channel_names)
    momentary = energy.series(BLOCK_S)
    return energy.integrated(), np.where(np.isfinite(momentary), momentary, -120.0)


def true_peak_dbtp(samples: np.ndarray) -> float:
    """True peak in dBTP from 4x oversampling (BS.1770-4 Annex 2).

    Polyphase form of scipy.signal.resample_poly(samples, 4, 1, window=TRUE_PEAK_FILTER):
    phase 0 of this filter reproduces the samples, so only the three in-between phases are
    interpolated (same result, a sixth of the work).
    """
    if samples.size == 0:
        return float("-inf")
    data = samples.astype(np.float32, copy=False)
    peak = float(np.max(np.abs(data)))
    for phase in range(1, OVERSAMPLE):
        taps = TRUE_PEAK_FILTER[phase::OVERSAMPLE] * OVERSAMPLE
        for channel in range(data.shape[1]):
            interpolated = np.convolve(data[:, channel], taps)
            peak = max(peak, float(interpolated.max()), -float(interpolated.min()))
    return db(peak)
