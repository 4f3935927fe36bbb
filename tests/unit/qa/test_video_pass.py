"""The single decode pass: damaged payloads, black and frozen picture, variable frame rate,
many-channel audio, a crashing checker and OCR that loads only when needed."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from creative_workbench.qa.context import GateContext
from creative_workbench.qa.gate import check_file
from creative_workbench.qa.picture_checks import picture_findings
from creative_workbench.qa.probe import probe
from creative_workbench.qa.sandbox import IsolatedGate
from creative_workbench.qa.video_pass import peak_frame_rate, run_pass
from tests.unit.qa_media import RATE, ad_spot, write_media

SIZE = (96, 96)


def noise(seed: int):
    """A busy picture that changes every frame (so nothing looks frozen)."""
    rng = np.random.default_rng(seed)
    return lambda _t: rng.integers(0, 256, (SIZE[1], SIZE[0], 3), dtype=np.uint8)


def by_id(result) -> dict:
    return {f.check_id: f for f in result.findings}


def test_a_corrupted_payload_fails_decode_and_says_where(tmp_path):
    path = write_media(tmp_path / "busy.mp4", size=(320, 320), seconds=4.0, frame=noise(1))
    assert by_id(check_file(path))["decode"].severity == "pass"
    data = bytearray(path.read_bytes())
    payload = data.find(b"mdat") + 4
    rng = np.random.default_rng(7)
    for share in (0.4, 0.5, 0.6):  # damage inside the compressed pictures, not the index
        at = payload + int((len(data) - payload) * share)
        data[at : at + 4000] = rng.integers(0, 256, 4000, dtype=np.uint8).tobytes()
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(bytes(data))
    decode = by_id(check_file(damaged))["decode"]
    assert decode.severity == "fail"
    assert "decode error" in decode.measured and "first at" in decode.measured
    assert decode.message.startswith("The video is damaged: ")
    first = float(decode.measured.split("first at ")[1].split(" s")[0])
    assert 1.0 < first < 3.5  # the middle of the 4 s file


def test_black_and_frozen_segments_are_found_with_their_times(tmp_path):
    moving, still = noise(2), noise(3)(0.0)

    def frame(t: float) -> np.ndarray:
        if 2.0 <= t < 4.5:
            return np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
        return still if 5.0 <= t < 7.5 else moving(t)

    path = write_media(tmp_path / "defects.mp4", size=SIZE, seconds=10.0, frame=frame)
    seen = run_pass(probe(path), [0.0, 3.0, 6.0], end_window_s=3.0)
    assert seen.black == [pytest.approx((2.0, 4.5), abs=0.05)]
    assert seen.frozen == [pytest.approx((5.0, 7.5), abs=0.05)]
    assert [f.time for f in seen.frames] == pytest.approx([0.0, 3.0, 6.0])
    assert float(seen.frames[1].rgb.max()) < 30  # the frame at 3 s is the black one
    decode, black, frozen = picture_findings(seen)
    assert (decode.severity, black.severity, frozen.severity) == ("pass", "warn", "warn")
    assert black.where == "2.0-4.5 s" and frozen.where == "5.0-7.5 s"


def test_held_titles_and_the_end_card_are_not_freezes(tmp_path):
    path = ad_spot(tmp_path / "graphics.mp4", None, seconds=6.0)
    seen = run_pass(probe(path), [0.0], end_window_s=3.0)
    assert seen.frozen == [] and seen.black == []
    assert seen.final_picture_s == pytest.approx(3.5, abs=0.05)  # end card from 3.5 s


def vfr_file(path: Path) -> Path:
    """24 fps for 20 s except one second (9-10 s) at 60 fps: 25.8 fps on average."""
    rng = np.random.default_rng(4)
    base = Fraction(1, 600)
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=60)
        video.width, video.height, video.pix_fmt = 64, 64, "yuv420p"
        video.codec_context.time_base = base
        video.options = {"preset": "ultrafast"}
        t = Fraction(0)
        while t < 20:
            picture = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts, frame.time_base = int(t / base), base
            container.mux(video.encode(frame))
            t += Fraction(1, 60) if 9 <= t < 10 else Fraction(1, 24)
        container.mux(video.encode())
    return path


def test_variable_frame_rate_is_judged_by_its_peak_not_its_average(tmp_path):
    path = vfr_file(tmp_path / "vfr.mp4")
    assert probe(path).video.frame_rate == pytest.approx(25.8, abs=0.1)
    rate = by_id(check_file(path, GateContext(placement="linkedin_feed")))["format.frame_rate"]
    assert rate.severity == "fail"  # LinkedIn: ≤ 30 fps
    assert rate.measured.startswith("60 fps peak in 1 s (average 25.8 fps)")


def test_peak_frame_rate_of_constant_rates_is_the_rate():
    assert peak_frame_rate(np.arange(300) / 30) == pytest.approx(30.0)
    assert peak_frame_rate(np.round(np.arange(300) / 30, 3)) == pytest.approx(30.0)
    assert peak_frame_rate(np.arange(10) / 25) == pytest.approx(25.0)  # shorter than 1 s
    assert peak_frame_rate([0.0]) is None


def surround_file(path: Path, layout: str, channel: int) -> Path:
    """AAC in LAYOUT with a 1 kHz tone in one channel; frames are filled plane by plane,
    because PyAV's from_ndarray fails for 8 planes."""
    names = [c.name for c in av.AudioLayout(layout).channels]
    tone = 0.25 * np.sin(2 * np.pi * 1000 * np.arange(RATE) / RATE).astype(np.float32)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=RATE)
        stream.layout = layout
        for start in range(0, RATE, 1024):
            block = np.zeros((len(names), 1024), np.float32)
            chunk = tone[start : start + 1024]
            block[channel, : chunk.size] = chunk
            frame = av.AudioFrame(format="fltp", layout=layout, samples=1024)
            for plane, samples in zip(frame.planes, block, strict=False):
                plane.update(samples.tobytes())
            frame.sample_rate, frame.pts, frame.time_base = RATE, start, Fraction(1, RATE)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


DECODE_IN_CHILD = """
import json, sys
import numpy as np
from creative_workbench.qa.decode import decode_audio
track = decode_audio(sys.argv[1])
peaks = np.abs(track.samples).max(axis=0)
print(json.dumps({"names": track.channel_names, "loudest": int(np.argmax(peaks)),
                  "samples": track.samples.shape[0]}))
"""


@pytest.mark.parametrize(("layout", "channel"), [("7.1", 6), ("7.1", 0), ("5.1", 5)])
def test_many_channel_aac_decodes_without_crashing(tmp_path, layout, channel):
    # PyAV's to_ndarray segfaults on 8-channel planar AAC: decode in a child to prove it.
    path = surround_file(tmp_path / f"{layout}.m4a", layout, channel)
    done = subprocess.run(
        [sys.executable, "-c", DECODE_IN_CHILD, str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-500:]
    decoded = json.loads(done.stdout)
    assert decoded["names"] == [c.name for c in av.AudioLayout(layout).channels]
    assert decoded["loudest"] == channel
    assert decoded["samples"] >= RATE


def test_a_checker_that_dies_by_a_signal_is_reported_as_a_crash(tmp_path):
    path = ad_spot(tmp_path / "spot.mp4", None, seconds=20.0)
    gate = IsolatedGate()
    try:
        pid = gate.start()
        threading.Timer(0.3, lambda: _kill(pid)).start()
        result = gate.check(str(path), GateContext(placement="meta_reels").to_dict(), 60)
    finally:
        gate.close()
    assert result["file"] == str(path)
    assert result["findings"][0]["message"] == "cannot be checked: checker crashed (signal 11)"


def _kill(pid: int) -> None:
    try:
        import os

        os.kill(pid, signal.SIGSEGV)
    except ProcessLookupError:
        pass


OCR_LOADED = """
import sys
from creative_workbench.qa.context import GateContext
from creative_workbench.qa.gate import check_file
check_file(sys.argv[1], GateContext(placement=sys.argv[2] or None, cta=sys.argv[3] or None))
print("rapidocr_onnxruntime" in sys.modules)
"""


@pytest.mark.parametrize(
    ("placement", "cta", "loaded"),
    [("", "", "False"), ("linkedin_feed", "", "False"), ("", "Shop now", "True")],
)
def test_ocr_loads_only_when_a_cta_or_safe_zone_is_read(tmp_path, placement, cta, loaded):
    path = ad_spot(tmp_path / "spot.mp4", None, seconds=2.0)
    done = subprocess.run(
        [sys.executable, "-c", OCR_LOADED, str(path), placement, cta],
        capture_output=True,
        text=True,
    )
    assert done.stdout.strip() == loaded, done.stderr[-500:]
