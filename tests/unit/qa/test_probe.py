"""Probing and decoding: real clips, rotation, sample aspect ratio and every bad input."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from creative_workbench.errors import MediaError
from creative_workbench.placements import get_placement
from creative_workbench.qa.decode import decode_audio, sample_frames
from creative_workbench.qa.format_checks import aspect_finding
from creative_workbench.qa.gate import check_file
from creative_workbench.qa.probe import display_size, probe
from tests.unit.qa_media import bad_files, write_media


def test_phone_clip_stored_rotated_180_keeps_landscape_display(shared_data):
    info = probe(shared_data / "video" / "moviepy_fire2.mp4")
    assert info.video.rotation == 180
    assert (info.video.display_width, info.video.display_height) == (1280, 720)
    assert info.audio is not None and info.audio.codec == "aac"


def test_vp9_webm_without_audio(shared_data):
    info = probe(shared_data / "video" / "mediabunny_frames.webm")
    assert (info.container, info.video.codec, info.audio) == ("webm", "vp9", None)
    assert info.display_aspect == pytest.approx(1.0)
    assert decode_audio(info.path) is None


def test_vp8_webm_decodes_frames_and_vorbis_audio(shared_data):
    info = probe(shared_data / "video" / "moviepy_big_buck_bunny_0_30.webm")
    assert (info.container, info.video.codec, info.audio.codec) == ("webm", "vp8", "vorbis")
    frames = sample_frames(info, [0.0, 15.0, 29.0])
    assert [f.rgb.shape for f in frames] == [(270, 480, 3)] * 3
    assert frames[1].time == pytest.approx(15.0, abs=0.6)
    track = decode_audio(info.path)
    assert track.duration_s == pytest.approx(30.0, abs=0.2)


def test_digitally_silent_track_decodes_to_zeros(shared_data):
    track = decode_audio(shared_data / "video" / "mediabunny_video.mp4")
    assert track.samples.shape[1] == 2
    assert float(np.abs(track.samples).max()) < 10 ** (-90 / 20)


def test_rotation_90_makes_a_landscape_file_portrait(tmp_path):
    size = (160, 90)

    def frame(_t: float) -> np.ndarray:
        image = np.zeros((90, 160, 3), np.uint8)
        image[:, :40] = (255, 0, 0)  # red on the stored left edge
        return image

    path = write_media(tmp_path / "rotated.mp4", size=size, seconds=1.0, frame=frame, rotation=90)
    info = probe(path)
    assert (info.video.display_width, info.video.display_height) == (90, 160)
    picture = sample_frames(info, [0.0])[0].rgb
    assert picture.shape[:2] == (160, 90)
    # 90° counter-clockwise display: the stored left edge ends up at the bottom
    assert picture[-10:, :, 0].mean() > 200 and picture[:10, :, 0].mean() < 60


def test_non_square_pixels_change_the_display_aspect(tmp_path):
    path = write_media(tmp_path / "anamorphic.mp4", size=(120, 90), seconds=1.0, sar=Fraction(4, 3))
    info = probe(path)
    assert info.video.sample_aspect_ratio == pytest.approx(4 / 3)
    assert (info.video.display_width, info.video.display_height) == (160, 90)
    assert info.display_aspect == pytest.approx(16 / 9)


def test_display_size_rules():
    assert display_size(1920, 1080, 1.0, 90) == (1080, 1920)
    assert display_size(1920, 1080, 1.0, 180) == (1920, 1080)
    assert display_size(720, 576, 64 / 45, 0) == (1024, 576)


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    return bad_files(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize(
    "case",
    [
        "zero-byte",
        "truncated",
        "text",
        "unsupported codec",
        "no video stream",
        "absurd dimensions",
        "zero duration",
        "corrupt audio",
    ],
)
def test_bad_input_becomes_one_cannot_be_checked_fail(bad, case):
    result = check_file(bad[case])
    assert [(f.check_id, f.severity) for f in result.findings] == [("decode", "fail")]
    assert result.findings[0].message.startswith("cannot be checked: ")
    keyword = {
        "zero-byte": "zero-byte",
        "truncated": "truncated",
        "text": "text file",
        "unsupported codec": "unsupported",
        "no video stream": "no video stream",
        "absurd dimensions": "absurd",
        "zero duration": "zero duration",
        "corrupt audio": "corrupt audio",
    }[case]
    assert keyword in result.findings[0].message


def test_probe_raises_media_error_for_a_missing_file(tmp_path):
    with pytest.raises(MediaError, match="cannot read"):
        probe(tmp_path / "nope.mp4")


def test_sample_frames_returns_the_frame_shown_at_each_time(tmp_path):
    path = write_media(tmp_path / "gop.mp4", size=(64, 64), seconds=3.0, gop=25)
    frames = sample_frames(probe(path), [2.2, 0.0, 2.95])
    assert [f.time for f in frames] == pytest.approx([0.0, 2.2, 2.92])


def test_duration_is_the_containers_not_the_video_streams(shared_data):
    # The video stream of this real clip lasts 5.0 s; the file (its AAC track) runs 5.056 s.
    info = probe(shared_data / "video" / "mediabunny_video.mp4")
    assert info.duration_s == pytest.approx(5.056, abs=1e-3)
    assert info.video.codec == "h264" and info.audio.codec == "aac"


def test_codecs_are_reported_by_codec_id_not_decoder_name(tmp_path):
    # FFmpeg decodes MP3 with its 'mp3float' decoder; the codec is 'mp3'.
    audio = 0.1 * np.sin(2 * np.pi * 440 * np.arange(48_000) / 48_000)
    path = write_media(
        tmp_path / "mp3.mp4", seconds=1.0, audio=np.vstack([audio, audio]), audio_codec="mp3"
    )

    with av.open(str(path)) as container:
        assert container.streams.audio[0].codec_context.name == "mp3float"
    assert probe(path).audio.codec == "mp3"


def test_display_aspect_is_the_reduced_ratio_with_the_sar_applied(tmp_path):
    path = write_media(tmp_path / "sar.mp4", size=(640, 360), seconds=1.0, sar=Fraction(2, 3))
    info = probe(path)
    assert info.display_aspect_ratio == Fraction(32, 27)
    assert (info.video.display_width, info.video.display_height) == (427, 360)
    found = aspect_finding(info, get_placement("youtube_in_stream"))
    assert found.measured.startswith("32:27 ")
