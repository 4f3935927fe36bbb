"""`workbench loudness` end to end: a table per file, --json, and one line for a bad file."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import av
import numpy as np
import pytest
from rich.console import Console

from tests.cli_run import workbench

RATE = 48_000


@pytest.fixture(scope="module")
def lra_case_1(tmp_path_factory) -> Path:
    """EBU Tech 3342 case 1 as a stereo 16-bit WAV: 20 s of 1 kHz at -20 dBFS, 20 s at -30.

    Expected: LRA 10 ±1 LU; integrated -22.6 LUFS (both halves pass the relative gate, which
    sits at -32.6); max momentary and short-term -20.0; true peak -20 dBTP.
    """
    path = tmp_path_factory.mktemp("loudness") / "tech3342-case1.wav"
    t = np.arange(40 * RATE) / RATE
    level = np.where(t < 20, 10 ** (-20 / 20), 10 ** (-30 / 20))
    wave = np.round(level * np.sin(2 * np.pi * 1000 * t) * 32767).astype(np.int16)
    data = np.stack([wave, wave], axis=1).reshape(1, -1)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("pcm_s16le", rate=RATE, layout="stereo")
        frame = av.AudioFrame.from_ndarray(data, format="s16", layout="stereo")
        frame.sample_rate = RATE
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def table_value(stdout: str, label: str) -> float:
    match = re.search(rf"{label}\s*│\s*(-?\d+\.\d) (?:LUFS|LU|dBTP)", stdout)
    assert match, (label, stdout)
    return float(match.group(1))


def test_table_shows_the_five_readings(lra_case_1, tmp_path):
    done = workbench("loudness", lra_case_1, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "tech3342-case1.wav" in done.stdout
    assert table_value(done.stdout, "Loudness range") == pytest.approx(10.0, abs=1.0)
    assert table_value(done.stdout, "Integrated") == pytest.approx(-22.6, abs=0.1)
    assert table_value(done.stdout, "Max momentary") == pytest.approx(-20.0, abs=0.1)
    assert table_value(done.stdout, "Max short-term") == pytest.approx(-20.0, abs=0.1)
    assert table_value(done.stdout, "True peak") == pytest.approx(-20.0, abs=0.2)


def test_json_lists_every_file(lra_case_1, tmp_path):
    done = workbench("loudness", "--json", lra_case_1, lra_case_1, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [row["file"] for row in rows] == [str(lra_case_1)] * 2
    assert rows[0]["loudness_range_lu"] == pytest.approx(10.0, abs=1.0)
    assert set(rows[0]) == {
        "file",
        "integrated_lufs",
        "loudness_range_lu",
        "max_momentary_lufs",
        "max_short_term_lufs",
        "true_peak_dbtp",
    }


@pytest.mark.parametrize(
    ("case", "label", "expected"), [("1", "Integrated", -23.0), ("19", "True peak", 3.0)]
)
def test_ebu_files_print_the_published_values(shared_data, tmp_path, case, label, expected):
    found = sorted((shared_data / "loudness").glob(f"ebu_seq-3341-{case}-*bit.wav"))
    if not found:
        pytest.skip(f"EBU case {case} not in {shared_data / 'loudness'}")
    done = workbench("loudness", found[0], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert table_value(done.stdout, label) == pytest.approx(expected, abs=0.1)


def test_unreadable_file_prints_one_line_and_exits_2(tmp_path):
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio at all")
    done = workbench("loudness", bad, cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "notes.wav" in lines[0], done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_file_without_audio_says_so(tmp_path):
    silent_video = tmp_path / "picture.mp4"
    with av.open(str(silent_video), "w") as container:
        stream = container.add_stream("mpeg4", rate=25)
        stream.width, stream.height = 64, 64
        frame = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    done = workbench("loudness", silent_video, cwd=tmp_path)
    assert done.returncode == 2
    assert "no audio stream" in done.stderr


def test_silence_reads_as_words_not_infinities(tmp_path):
    from creative_workbench.cli.loudness import fmt_reading, reading_table
    from creative_workbench.qa.loudness_meter import measure_samples

    reading = measure_samples(np.zeros((RATE, 2), np.float32), RATE)
    assert fmt_reading(reading.integrated_lufs, "LUFS") == "silent (below the -70 LUFS gate)"
    assert fmt_reading(reading.true_peak_dbtp, "dBTP") == "silent"
    console = Console(file=io.StringIO(), width=120)
    console.print(reading_table(tmp_path / "quiet.wav", reading))
    shown = console.file.getvalue()
    assert "silent" in shown and "inf" not in shown
    assert reading.as_dict()["max_short_term_lufs"] is None
