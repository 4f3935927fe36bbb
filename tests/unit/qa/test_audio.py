"""Audio measurements against EBU Tech 3341 and on small synthetic signals."""

from __future__ import annotations

import numpy as np
import pytest

from creative_workbench.config import QAThresholds
from creative_workbench.placements import get_placement
from creative_workbench.qa import audio
from creative_workbench.qa import loudness as meter
from creative_workbench.qa.decode import decode_audio

RATE = 48_000


def ebu(shared_data, case: str):
    path = next((shared_data / "loudness").glob(f"ebu_seq-3341-{case}-*bit.wav"))
    return decode_audio(path)


@pytest.mark.parametrize(("case", "expected"), [("1", -23.0), ("2", -33.0)])
def test_integrated_loudness_matches_ebu_tech_3341(shared_data, case, expected):
    track = ebu(shared_data, case)
    integrated, _ = meter.loudness(track.samples, track.sample_rate)
    assert integrated == pytest.approx(expected, abs=0.1)


def test_momentary_loudness_is_constant_after_one_second_for_case_12(shared_data):
    track = ebu(shared_data, "12")
    _, momentary = meter.loudness(track.samples, track.sample_rate)
    times = meter.BLOCK_S + meter.HOP_S * np.arange(momentary.size)
    signal_end = track.duration_s
    steady = momentary[(times >= 1.0) & (times <= signal_end - 0.05)]
    assert steady.size > 50
    assert np.all(np.abs(steady - (-23.0)) <= 0.1)


@pytest.mark.parametrize(
    ("case", "expected"), [("15", -6.0), ("16", -6.0), ("19", 3.0), ("20", 0.0), ("23", 0.0)]
)
def test_true_peak_matches_ebu_tech_3341(shared_data, case, expected):
    track = ebu(shared_data, case)
    measured = meter.true_peak_dbtp(track.samples)
    assert expected - 0.4 <= measured <= expected + 0.2


def test_true_peak_sees_inter_sample_peaks_above_the_sample_peak():
    t = np.arange(RATE) / RATE
    tone = np.sin(2 * np.pi * RATE / 4 * t + np.pi / 4)[:, None].astype(np.float32)
    assert meter.db(float(np.abs(tone).max())) == pytest.approx(-3.01, abs=0.05)
    assert meter.true_peak_dbtp(tone) == pytest.approx(0.0, abs=0.3)


def test_clipping_finds_runs_of_full_scale_samples_only():
    samples = np.zeros((RATE, 2), np.float32)
    samples[1000:1010, 0] = 1.0
    samples[5000:5002, 1] = -1.0  # two samples: below the 3-sample run
    runs = audio.clipping_runs(samples, RATE, -0.01, 3)
    assert runs == [(1000 / RATE, 1010 / RATE, 10)]


def test_silences_inside_the_spot_are_found_but_not_the_ends():
    t = np.arange(8 * RATE) / RATE
    tone = 0.3 * np.sin(2 * np.pi * 440 * t)
    tone[3 * RATE : 6 * RATE] = 0.0
    tone[: RATE // 2] = 0.0
    found = audio.silences(np.stack([tone, tone], axis=1), RATE, -60.0, 2.0)
    assert len(found) == 1
    assert found[0][0] == pytest.approx(3.0, abs=0.06)
    assert found[0][1] == pytest.approx(6.0, abs=0.06)


def _voice_like(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    syllables = (np.sin(2 * np.pi * 4.5 * t) > 0.1).astype(float)
    carrier = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(2, 12))
    return 0.2 * syllables * carrier


def test_speech_presence_separates_a_voice_from_a_steady_bed():
    t = np.arange(8 * RATE) / RATE
    bed = 0.1 * sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6))
    voice = _voice_like(8) + 0.3 * bed
    assert audio.speech_share(np.stack([bed, bed], axis=1), RATE) < 0.1
    assert audio.speech_share(np.stack([voice, voice], axis=1), RATE) > 0.8


def test_silent_track_fails_signal_loudness_and_silence():
    measured = audio.measure(audio_track(np.zeros((4 * RATE, 2), np.float32)), QAThresholds())
    found = {
        f.check_id: f.severity
        for f in audio.audio_findings(
            measured, get_placement("meta_feed"), QAThresholds(), voiceover=False
        )
    }
    assert found["audio.signal"] == "fail"
    assert found["audio.loudness"] == "fail"
    assert found["audio.silence_gaps"] == "fail"


def test_missing_audio_fails_only_where_the_placement_needs_sound():
    reels = audio.audio_findings(None, get_placement("meta_reels"), QAThresholds(), False)
    feed = audio.audio_findings(None, get_placement("meta_feed"), QAThresholds(), False)
    assert [(f.check_id, f.severity) for f in reels] == [("audio.present", "fail")]
    assert [(f.check_id, f.severity) for f in feed] == [("audio.present", "pass")]


def audio_track(samples: np.ndarray):
    from creative_workbench.qa.decode import AudioTrack

    return AudioTrack(samples, RATE)


def _lra_case_1() -> np.ndarray:
    """EBU Tech 3342 case 1: 1 kHz at -20 dBFS for 20 s, then at -30 dBFS: LRA 10 LU."""
    t = np.arange(40 * RATE) / RATE
    wave = np.where(t < 20, 0.1, 10 ** (-30 / 20)) * np.sin(2 * np.pi * 1000 * t)
    return np.stack([wave, wave], axis=1).astype(np.float32)


@pytest.mark.parametrize(("limit", "severity"), [(None, "pass"), (15.0, "pass"), (6.0, "warn")])
def test_loudness_range_warns_only_over_the_configured_limit(limit, severity):
    thresholds = QAThresholds(loudness_range_max_lu=limit)
    measured = audio.measure(audio_track(_lra_case_1()), thresholds)
    found = {
        f.check_id: f
        for f in audio.audio_findings(measured, get_placement("meta_feed"), thresholds, False)
    }
    lra = found["audio.loudness_range"]
    assert lra.severity == severity
    assert lra.measured.startswith("LRA 10.")
    assert "max short-term -20.0 LUFS" in lra.measured
    assert measured.reading.loudness_range_lu == pytest.approx(10.0, abs=1.0)


def test_loudness_range_limit_must_be_positive():
    with pytest.raises(ValueError):
        QAThresholds(loudness_range_max_lu=0)
