"""Loudness meter benchmark: `measure_loudness` against ffmpeg's ebur128 filter on one 30 s file.

The file is generated (stereo 48 kHz, a programme-like mix: noise bands and tones whose level
moves by up to 20 dB), written as 16-bit WAV and as AAC in M4A. Per file we time, median of
RUNS: our meter in process (decode + integrated + LRA + exact max momentary/short-term + 4x
true peak), the whole `workbench loudness --json FILE` process (start-up included), and
`ffmpeg -af ebur128=peak=true -f null -` (the same readings, max M/S on its 10 Hz grid).
Both readings are printed side by side. Run: .venv/bin/python benchmarks/bench_loudness.py
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

from creative_workbench.qa.loudness_meter import measure_loudness

RATE = 48_000
SECONDS = 30
RUNS = 5


def programme(seed: int = 7) -> np.ndarray:
    """30 s of stereo float samples: filtered noise and tones, level stepping every 2.5 s."""
    from scipy import signal

    rng = np.random.default_rng(seed)
    n = SECONDS * RATE
    t = np.arange(n) / RATE
    sos = signal.butter(2, (200, 4000), btype="bandpass", fs=RATE, output="sos")
    noise = signal.sosfilt(sos, rng.standard_normal((2, n)), axis=1)
    chords = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6, 880.0)) / 4
    steps = rng.uniform(-20, 0, SECONDS * 2 // 5 + 1)
    level = 10 ** (np.repeat(steps, round(2.5 * RATE))[:n] / 20)
    mix = level * (0.25 * noise + 0.3 * chords)
    return (0.5 * mix / np.abs(mix).max()).T.astype(np.float32)


def write(path: Path, samples: np.ndarray, codec: str) -> Path:
    """SAMPLES (n, 2) as 16-bit WAV or AAC in M4A, written with PyAV."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=RATE, layout="stereo")
        fmt, size = ("s16", len(samples)) if codec == "pcm_s16le" else ("fltp", 1024)
        pts = 0
        for start in range(0, len(samples), size):
            chunk = samples[start : start + size]
            data = (
                np.round(chunk * 32767).astype(np.int16).reshape(1, -1)
                if fmt == "s16"
                else np.ascontiguousarray(chunk.T)
            )
            frame = av.AudioFrame.from_ndarray(data, format=fmt, layout="stereo")
            frame.sample_rate, frame.pts = RATE, pts
            pts += frame.samples
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def timed(action, runs: int = RUNS) -> tuple[float, object]:
    """Median seconds of RUNS calls of ACTION, and its last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def ffmpeg_reading(path: Path, framelog: bool = False) -> dict[str, float]:
    """ffmpeg ebur128's summary (I, LRA, true peak) and, with FRAMELOG, its max M and S."""
    option = "ebur128=peak=true" + (":framelog=verbose" if framelog else "")
    verbosity = ["-v", "verbose"] if framelog else []  # the per-frame lines log at verbose
    command = ["ffmpeg", "-hide_banner", "-nostats", *verbosity, "-i", str(path)]
    log = subprocess.run(
        [*command, "-af", option, "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    summary = log[log.rindex("Summary:") :]
    found = {
        "integrated_lufs": float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1)),
        "loudness_range_lu": float(re.search(r"LRA:\s+(-?[\d.]+) LU", summary).group(1)),
        "true_peak_dbtp": float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1)),
    }
    if framelog:
        frames = re.findall(r"M:\s*(-?[\d.]+) S:\s*(-?[\d.]+)", log[: log.rindex("Summary:")])
        found["max_momentary_lufs"] = max(float(m) for m, _ in frames)
        found["max_short_term_lufs"] = max(float(s) for _, s in frames)
    return found


def main() -> None:
    if not shutil.which("ffmpeg"):
        print("ffmpeg not found: install the Debian package `ffmpeg` for the comparison")
        return
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    workbench = [sys.executable, "-m", "creative_workbench.cli", "loudness", "--json"]
    samples = programme()
    print(f"load average (1 min) {os.getloadavg()[0]:.2f}; median of {RUNS} runs each")
    with tempfile.TemporaryDirectory() as folder:
        for codec, name in (("pcm_s16le", "spot.wav"), ("aac", "spot.m4a")):
            path = write(Path(folder) / name, samples, codec)
            ours_s, ours = timed(lambda path=path: measure_loudness(path))
            command = [*workbench, str(path)]
            cli_s, _ = timed(
                lambda command=command: subprocess.run(command, env=env, capture_output=True), 3
            )
            peer_s, _ = timed(lambda path=path: ffmpeg_reading(path))
            peer = ffmpeg_reading(path, framelog=True)
            print(f"\n{name} ({SECONDS} s stereo {RATE} Hz)")
            print(f"  ours in process   {ours_s:6.3f} s")
            print(f"  workbench process {cli_s:6.3f} s")
            print(f"  ffmpeg ebur128    {peer_s:6.3f} s")
            print(f"  ratio ffmpeg/ours {peer_s / ours_s:5.2f}x in process, "
                  f"{peer_s / cli_s:5.2f}x whole process")  # fmt: skip
            print(f"  {'reading':<22}{'ours':>9}{'ffmpeg':>9}")
            for field, value in ours.as_dict().items():
                print(f"  {field:<22}{value!s:>9}{peer[field]!s:>9}")


if __name__ == "__main__":
    main()
