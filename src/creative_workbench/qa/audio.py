"""Audio measurements (BS.1770-4 loudness, true peak, clipping, silence, speech) and checks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from creative_workbench.config import QAThresholds
from creative_workbench.placements import Placement
from creative_workbench.qa.decode import AudioTrack
from creative_workbench.qa.findings import Finding, finding, fmt_time_range
from creative_workbench.qa.iir import butter_bandpass, sosfilt
from creative_workbench.qa.loudness import (
    ABSOLUTE_GATE_LUFS,
    BLOCK_S,
    HOP_S,
    KEnergy,
    db,
)
from creative_workbench.qa.loudness_meter import LoudnessReading, reading_from

LEVEL_WINDOW_S = 0.05
SPEECH_BAND_HZ = (300.0, 3400.0)
SYLLABLE_HZ = (2.5, 8.0)
SPEECH_WINDOW_S = 2.0
SPEECH_MIN_SHARE = 0.25


@dataclass(frozen=True)
class AudioMeasurements:
    """Everything the audio checks need, measured once per file."""

    duration_s: float
    peak_dbfs: float
    integrated_lufs: float
    momentary_lufs: np.ndarray
    true_peak_dbtp: float
    clip_runs: list[tuple[float, float, int]]
    silences: list[tuple[float, float]]
    speech_share: float
    reading: LoudnessReading | None = None  # LRA, max momentary and short-term too

    def momentary_times(self) -> np.ndarray:
        """End time of each 400 ms momentary-loudness block."""
        return BLOCK_S + HOP_S * np.arange(self.momentary_lufs.size)


def clipping_runs(
    samples: np.ndarray, rate: int, level_dbfs: float, min_run: int
) -> list[tuple[float, float, int]]:
    """Runs of at least MIN_RUN consecutive samples at or above LEVEL_DBFS: (start, end, n)."""
    level = 10 ** (level_dbfs / 20)
    if samples.size == 0 or max(float(samples.max()), -float(samples.min())) < level:
        return []
    hot = np.any((samples >= level) | (samples <= -level), axis=1)
    runs = []
    for start, stop in _runs(hot):
        if stop - start >= min_run:
            runs.append((start / rate, stop / rate, int(stop - start)))
    return runs


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of the True runs of MASK."""
    if mask.size == 0:
        return []
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def window_levels_dbfs(
    samples: np.ndarray, rate: int, window_s: float = LEVEL_WINDOW_S
) -> np.ndarray:
    """RMS level in dBFS of consecutive windows (loudest channel)."""
    hop = max(1, int(window_s * rate))
    count = samples.shape[0] // hop
    if count == 0:
        return np.zeros(0)
    blocks = samples[: count * hop].reshape(count, hop, -1)
    rms = np.sqrt(np.einsum("ijk,ijk->ik", blocks, blocks, dtype=np.float64) / hop).max(axis=1)
    with np.errstate(divide="ignore"):
        return 20 * np.log10(rms)


def silences(
    samples: np.ndarray, rate: int, level_dbfs: float, min_s: float
) -> list[tuple[float, float]]:
    """Silent stretches (below LEVEL_DBFS for at least MIN_S) inside the spot, not at its ends."""
    levels = window_levels_dbfs(samples, rate)
    found = []
    for start, stop in _runs(levels < level_dbfs):
        if start == 0 or stop == levels.size:
            continue
        if (stop - start) * LEVEL_WINDOW_S >= min_s:
            found.append((start * LEVEL_WINDOW_S, stop * LEVEL_WINDOW_S))
    return found


def speech_share(samples: np.ndarray, rate: int) -> float:
    """Share of 2 s windows whose 300-3400 Hz envelope is modulated at syllable rate.

    Speech switches on and off 3-6 times a second; a music bed in the voice band does not.
    """
    if samples.shape[0] < SPEECH_WINDOW_S * rate:
        return 0.0
    mono = samples.mean(axis=1, dtype=np.float32)
    band, _ = sosfilt(butter_bandpass(4, *SPEECH_BAND_HZ, rate), mono)
    env_rate = 100
    hop = rate // env_rate
    count = band.size // hop
    envelope = np.sqrt(np.mean(band[: count * hop].reshape(count, hop) ** 2, axis=1))
    size = int(SPEECH_WINDOW_S * env_rate)
    windows = envelope[: (count // size) * size].reshape(-1, size)
    mean = windows.mean(axis=1, keepdims=True)
    spectrum = np.abs(np.fft.rfft((windows - mean) * np.hanning(size), axis=1)) ** 2
    freqs = np.fft.rfftfreq(size, 1 / env_rate)
    syllabic = spectrum[:, (freqs >= SYLLABLE_HZ[0]) & (freqs <= SYLLABLE_HZ[1])].sum(axis=1)
    total = spectrum[:, (freqs >= 0.5) & (freqs <= 25)].sum(axis=1)
    depth = np.sqrt(syllabic / (size * 0.375 / 2)) / np.maximum(mean[:, 0], 1e-9)
    audible = 20 * np.log10(np.maximum(mean[:, 0], 1e-12)) > -50
    speechy = audible & (syllabic > 0.45 * np.maximum(total, 1e-30)) & (depth > 0.35)
    return float(np.mean(speechy)) if speechy.size else 0.0


def measure(track: AudioTrack, thresholds: QAThresholds) -> AudioMeasurements:
    """Run every audio measurement on a decoded track."""
    samples, rate = track.samples, track.sample_rate
    peak = db(max(float(samples.max()), -float(samples.min()))) if samples.size else float("-inf")
    energy = KEnergy.of(samples, rate, track.layout_channels())
    reading = reading_from(energy, samples)
    momentary = energy.series(BLOCK_S)
    return AudioMeasurements(
        duration_s=track.duration_s,
        peak_dbfs=peak,
        integrated_lufs=reading.integrated_lufs,
        momentary_lufs=np.where(np.isfinite(momentary), momentary, -120.0),
        true_peak_dbtp=reading.true_peak_dbtp,
        clip_runs=clipping_runs(
            samples, rate, thresholds.clip_level_dbfs, thresholds.clip_run_samples
        ),
        silences=silences(samples, rate, thresholds.silence_dbfs, thresholds.silence_min_s),
        speech_share=speech_share(samples, rate),
        reading=reading,
    )


def audio_findings(
    measured: AudioMeasurements | None,
    placement: Placement | None,
    thresholds: QAThresholds,
    voiceover: bool,
) -> list[Finding]:
    """Findings for presence, signal, loudness, true peak, clipping, silences and speech."""
    required = bool(placement and placement.audio_required)
    if measured is None:
        need = "required by " + placement.label if required and placement else "optional"
        return [
            finding(
                "audio.present",
                not required,
                "no audio stream",
                need,
                "No audio stream."
                + (" This placement needs sound." if required else " Fine for this placement."),
            )
        ]
    found = [finding("audio.present", True, "audio stream", "audio stream", "Audio is present.")]
    silent = measured.peak_dbfs < thresholds.digital_silence_dbfs
    found.append(
        finding(
            "audio.signal",
            not silent,
            f"peak {measured.peak_dbfs:.1f} dBFS"
            if np.isfinite(measured.peak_dbfs)
            else "every sample is zero",
            f"signal above {thresholds.digital_silence_dbfs:.0f} dBFS",
            "The audio track is digitally silent: the mix was not exported."
            if silent
            else "The audio track carries signal.",
        )
    )
    if silent:
        return [
            *found,
            Finding(
                "audio.loudness",
                "fail",
                "no measurable loudness",
                f"{placement.loudness_target_lufs:.1f} LUFS" if placement else None,
                None,
                "Nothing to measure: the track is silent.",
            ),
            Finding(
                "audio.silence_gaps",
                "fail",
                "silent throughout",
                "sound inside the spot",
                fmt_time_range(0.0, measured.duration_s),
                "The whole spot is silent.",
            ),
        ]
    if placement is not None:
        found.append(_loudness_finding(measured, placement, thresholds))
        limit = thresholds.true_peak_max_dbtp
        limit = placement.true_peak_max_dbtp if limit is None else limit
        over = measured.true_peak_dbtp > limit
        found.append(
            finding(
                "audio.true_peak",
                not over,
                f"{measured.true_peak_dbtp:.1f} dBTP",
                f"≤ {limit:.1f} dBTP",
                f"True peak {measured.true_peak_dbtp:.1f} dBTP "
                + (
                    "is over the ceiling; it will distort after platform transcoding."
                    if over
                    else "is under the ceiling."
                ),
            )
        )
    if measured.reading is not None:
        found.append(_range_finding(measured.reading, thresholds.loudness_range_max_lu))
    runs = measured.clip_runs
    found.append(
        finding(
            "audio.clipping",
            not runs,
            f"{len(runs)} clipped run(s)",
            f"no run of ≥ {thresholds.clip_run_samples} samples at ≥ "
            f"{thresholds.clip_level_dbfs} dBFS",
            f"{len(runs)} run(s) of consecutive full-scale samples, longest "
            f"{max(r[2] for r in runs)} samples: audible distortion."
            if runs
            else "No clipping.",
            where=", ".join(fmt_time_range(s, e) for s, e, _ in runs[:5]) or None,
        )
    )
    gaps = measured.silences
    found.append(
        finding(
            "audio.silence_gaps",
            not gaps,
            f"{len(gaps)} silence(s)",
            f"no silence ≥ {thresholds.silence_min_s:g} s below {thresholds.silence_dbfs:g} dBFS",
            f"{len(gaps)} silent stretch(es) inside the spot." if gaps else "No silent gaps.",
            where=", ".join(fmt_time_range(s, e) for s, e in gaps[:5]) or None,
            bad="warn",
        )
    )
    if voiceover:
        speaking = measured.speech_share >= SPEECH_MIN_SHARE
        found.append(
            finding(
                "audio.speech",
                speaking,
                f"speech in {measured.speech_share:.0%} of the spot",
                f"voiceover (≥ {SPEECH_MIN_SHARE:.0%})",
                "A voiceover is audible."
                if speaking
                else "No voiceover detected although one is expected.",
            )
        )
    return found


def _loudness_finding(
    measured: AudioMeasurements, placement: Placement, thresholds: QAThresholds
) -> Finding:
    target, tolerance = placement.loudness_target_lufs, thresholds.loudness_tolerance_lu
    value = measured.integrated_lufs
    expected = f"{target:.1f} ± {tolerance:g} LUFS"
    if not np.isfinite(value):
        return Finding(
            "audio.loudness",
            "fail",
            f"no measurable loudness (below the {ABSOLUTE_GATE_LUFS:.0f} LUFS gate)",
            expected,
            None,
            f"Nothing in the mix reaches BS.1770's {ABSOLUTE_GATE_LUFS:.0f} LUFS gate (an "
            "LFE-only or near-silent track): it plays as silence.",
        )
    if value > target + tolerance:
        return Finding(
            "audio.loudness",
            "fail",
            f"{value:.1f} LUFS",
            expected,
            None,
            f"{value - target:+.1f} LU too loud for {placement.label}; platforms "
            "turn it down and the limiter squashes it.",
        )
    if value < target - tolerance:
        return Finding(
            "audio.loudness",
            "warn",
            f"{value:.1f} LUFS",
            expected,
            None,
            f"{target - value:.1f} LU quieter than {placement.label} expects.",
        )
    return Finding(
        "audio.loudness",
        "pass",
        f"{value:.1f} LUFS",
        expected,
        None,
        "Integrated loudness is on target.",
    )


def _range_finding(reading: LoudnessReading, limit: float | None) -> Finding:
    """Loudness range (EBU Tech 3342) and max short-term: a warning over LIMIT, else a pass
    (informative only when no limit is set: R 128 advises against LRA as a hard limit)."""
    lra, short = reading.loudness_range_lu, reading.max_short_term_lufs
    measured = f"LRA {lra:.1f} LU" + (
        f", max short-term {short:.1f} LUFS" if np.isfinite(short) else ""
    )
    if limit is None:
        return finding(
            "audio.loudness_range", True, measured, "no limit set", "Loudness range measured."
        )
    over = lra > limit
    return finding(
        "audio.loudness_range",
        not over,
        measured,
        f"≤ {limit:g} LU",
        f"The mix moves over {lra:.1f} LU: quiet passages may be lost on phones; compress it."
        if over
        else "Loudness range is within the limit.",
        bad="warn",
    )
