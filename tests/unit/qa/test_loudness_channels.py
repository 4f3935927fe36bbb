"""BS.1770-4 channel weights on 5.1 files written with PyAV: a tone in one channel at a time."""

from __future__ import annotations

import math
from pathlib import Path

import av
import numpy as np
import pytest

from creative_workbench.config import QAThresholds
from creative_workbench.placements import get_placement
from creative_workbench.qa import audio
from creative_workbench.qa import loudness as meter
from creative_workbench.qa.decode import AudioTrack, decode_audio

RATE = 48000
SECONDS = 3.0
TONE_DBFS = -20.0
LAYOUT = "5.1"
# A 1 kHz sine of peak -20 dBFS has mean square -23.0 dB; K-weighting adds about +0.69 dB at
# 1 kHz and BS.1770's -0.691 offset takes it back: -23.0 LUFS in one front channel
# (EBU Tech 3341 case 1 is the same sine at -23 dBFS in both stereo channels).
FRONT_READING_LUFS = -23.0


def write_tone(
    path: Path,
    channels: int | tuple[int, ...],
    layout: str = LAYOUT,
    level_dbfs: float = TONE_DBFS,
) -> Path:
    """A WAV (pcm_s16le) in LAYOUT with a 1 kHz tone in CHANNELS only."""
    count = len(av.AudioLayout(layout).channels)
    n = int(RATE * SECONDS)
    tone = 10 ** (level_dbfs / 20) * np.sin(2 * math.pi * 1000 * np.arange(n) / RATE)
    data = np.zeros((count, n), dtype=np.int16)
    data[list(np.atleast_1d(channels))] = np.round(tone * 32767).astype(np.int16)
    with av.open(str(path), "w", format="wav") as container:
        stream = container.add_stream("pcm_s16le", rate=RATE, layout=layout)
        frame = av.AudioFrame.from_ndarray(
            data.T.reshape(1, -1).copy(), format="s16", layout=layout
        )
        frame.sample_rate = RATE
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return path


def integrated(path: Path) -> float:
    track = decode_audio(path)
    assert track is not None
    return audio.measure(track, QAThresholds()).integrated_lufs


def test_decoded_5_1_reports_ffmpeg_channel_names(tmp_path):
    track = decode_audio(write_tone(tmp_path / "fl.wav", 0))
    assert track.channel_names == ("FL", "FR", "FC", "LFE", "BL", "BR")
    assert track.samples.shape[1] == 6


def test_each_5_1_channel_reads_as_bs1770_says(tmp_path):
    names = av.AudioLayout(LAYOUT).channels
    readings = {
        channel.name: integrated(write_tone(tmp_path / f"{channel.name}.wav", index))
        for index, channel in enumerate(names)
    }
    mono = integrated(write_tone(tmp_path / "mono.wav", 0, layout="mono"))
    assert mono == pytest.approx(FRONT_READING_LUFS, abs=0.05)
    for front in ("FL", "FR", "FC"):
        assert readings[front] == pytest.approx(mono, abs=0.01), front
    surround_gain_db = 10 * math.log10(meter.SURROUND_GAIN)  # +1.49 dB
    for surround in ("BL", "BR"):
        assert readings[surround] - mono == pytest.approx(surround_gain_db, abs=0.01), surround
    assert readings["LFE"] == float("-inf")


def test_lfe_only_file_measures_and_reads_as_silent_loudness(tmp_path):
    track = decode_audio(write_tone(tmp_path / "lfe.wav", 3))
    measured = audio.measure(track, QAThresholds())
    assert measured.integrated_lufs == float("-inf")
    assert measured.peak_dbfs == pytest.approx(TONE_DBFS, abs=0.1)  # the signal is there
    assert measured.momentary_lufs.size > 0


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ("5.1(side)", [1.0, 1.0, 1.0, 0.0, 1.41, 1.41]),
        ("6.1", [1.0, 1.0, 1.0, 0.0, 1.41, 1.41, 1.41]),
        ("7.1", [1.0, 1.0, 1.0, 0.0, 1.41, 1.41, 1.41, 1.41]),
        # front left/right of centre sit within 30 degrees: fronts
        ("7.1(wide)", [1.0, 1.0, 1.0, 0.0, 1.41, 1.41, 1.0, 1.0]),
        # elevated channels weigh 1.0 (BS.1770-4 Annex 3)
        ("5.1.2", [1.0, 1.0, 1.0, 0.0, 1.41, 1.41, 1.0, 1.0]),
        ("downmix", [1.0, 1.0]),
    ],
)
def test_layout_weights_follow_bs1770_annex_3(layout, expected):
    weights = meter.channel_weights(c.name for c in av.AudioLayout(layout).channels)
    assert weights.tolist() == expected


def test_more_than_two_channels_without_names_is_an_error():
    with pytest.raises(ValueError, match="channel names"):
        meter.loudness(np.zeros((RATE, 6), np.float32), RATE)


def test_unordered_layout_takes_ffmpegs_default_for_its_channel_count(tmp_path):
    # PyAV writes a mono WAV without a channel mask: FFmpeg reads it back as order 'NONE'.
    track = decode_audio(write_tone(tmp_path / "mono.wav", 0, layout="mono"))
    assert track.channel_names == ("FC",)


def test_unmeasurable_loudness_reads_well_in_the_finding(tmp_path):
    track = decode_audio(write_tone(tmp_path / "lfe.wav", 3))
    measured = audio.measure(track, QAThresholds())
    found = {
        f.check_id: f
        for f in audio.audio_findings(
            measured, get_placement("youtube_in_stream"), QAThresholds(), False
        )
    }
    loudness = found["audio.loudness"]
    assert loudness.severity == "fail"
    assert "inf" not in loudness.measured + loudness.message
    assert loudness.measured == "no measurable loudness (below the -70 LUFS gate)"
    assert found["audio.signal"].severity == "pass"


def test_digitally_silent_track_says_so_without_infinities():
    zeros = np.zeros((4 * RATE, 2), np.float32)

    measured = audio.measure(AudioTrack(zeros, RATE), QAThresholds())
    findings = audio.audio_findings(
        measured, get_placement("youtube_in_stream"), QAThresholds(), False
    )
    signal = next(f for f in findings if f.check_id == "audio.signal")
    assert signal.measured == "every sample is zero"
    assert not any("inf" in f"{f.measured} {f.message}" for f in findings)


def test_5_1_with_the_tone_in_both_fronts_reads_as_the_stereo_file(tmp_path):
    # EBU Tech 3341 case 1's signal (1 kHz at -23 dBFS in L and R) in a stereo and a 5.1 file
    stereo = integrated(write_tone(tmp_path / "stereo.wav", (0, 1), "stereo", level_dbfs=-23.0))
    surround = integrated(write_tone(tmp_path / "surround.wav", (0, 1), level_dbfs=-23.0))
    assert stereo == pytest.approx(-23.0, abs=0.1)
    assert surround == pytest.approx(stereo, abs=0.01)
