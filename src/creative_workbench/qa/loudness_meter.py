"""EBU Mode readings of a track or a file: integrated, LRA, max momentary and short-term, true
peak (the minimum set of EBU R 128 / Tech 3341)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from creative_workbench.errors import MediaError
from creative_workbench.qa.loudness import BLOCK_S, SHORT_TERM_S, KEnergy, true_peak_dbtp
from creative_workbench.qa.loudness_range import loudness_range_lu


@dataclass(frozen=True)
class LoudnessReading:
    """What an audio engineer checks first; -inf loudness means nothing passed the gate."""

    integrated_lufs: float
    loudness_range_lu: float
    max_momentary_lufs: float
    max_short_term_lufs: float
    true_peak_dbtp: float

    def as_dict(self) -> dict[str, float | None]:
        """Rounded to 0.01 for JSON; None where a reading is -inf (silence)."""
        return {
            name: round(value, 2) if math.isfinite(value) else None
            for name, value in asdict(self).items()
        }


def reading_from(energy: KEnergy, samples: np.ndarray) -> LoudnessReading:
    """The reading from a track's K-weighted energy and its samples (for the true peak)."""
    return LoudnessReading(
        integrated_lufs=energy.integrated(),
        loudness_range_lu=loudness_range_lu(energy),
        max_momentary_lufs=energy.maximum(BLOCK_S),
        max_short_term_lufs=energy.maximum(SHORT_TERM_S),
        true_peak_dbtp=true_peak_dbtp(samples),
    )


def measure_samples(
    samples: np.ndarray, rate: int, channels: Iterable[str] | None = None
) -> LoudnessReading:
    """Measure float SAMPLES shaped (n, channels) at RATE Hz.

    CHANNELS are FFmpeg's channel names (FL, FR, FC, LFE, BL, BR, SL, ...); mono and stereo
    may omit them, more channels need them (the weights depend on the layout).
    """
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim == 1:
        samples = samples[:, None]
    return reading_from(KEnergy.of(samples, rate, channels), samples)


def measure_loudness(path: Path | str) -> LoudnessReading:
    """Decode the first audio stream of PATH and measure it; MediaError when it cannot."""
    import av

    from creative_workbench.qa.decode import decode_audio

    try:
        track = decode_audio(path)
        if track is None:
            raise MediaError("no audio stream to measure; pick a file with sound")
        return measure_samples(track.samples, track.sample_rate, track.layout_channels())
    except (av.error.FFmpegError, OSError, MediaError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise MediaError(f"{path}: {reason} (loudness needs a readable audio track)") from None
