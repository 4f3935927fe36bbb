"""QA gate benchmark: one 30 s 1080x1920 H.264/AAC deliverable, 200 of them on 2 workers, and
the obvious subprocess alternative (ffprobe, ffmpeg ebur128, ffmpeg frame grabs, tesseract).

Targets (issue 4): single file median <= 0.5 s; 200 files with 2 workers <= 60 s; >= 3x faster
than the subprocess chain on the same files. Run: .venv/bin/python benchmarks/bench_qa.py
Needs the Debian packages `ffmpeg tesseract-ocr` for the comparison (skipped without them).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.unit.qa_media import ad_spot  # noqa: E402

from creative_workbench.config import Workspace, load_project  # noqa: E402
from creative_workbench.demo.brand import write_brand  # noqa: E402
from creative_workbench.pipeline.qa_run import run_qa  # noqa: E402
from creative_workbench.qa.context import context_for  # noqa: E402
from creative_workbench.qa.gate import check_file  # noqa: E402

FILES = 200
WORKERS = 2
SINGLE_RUNS = 7
COMPARE_FILES = 20
SAMPLE_TIMES = (0.0, 1.0, 3.0, 10.0, 19.0, 27.0, 28.5, 29.9)


def make_project(root: Path) -> Path:
    """A minimal workspace with the demo brand guide and one 30 s deliverable."""
    folder = root / "data" / "projects" / "bench"
    folder.mkdir(parents=True)
    write_brand(folder)
    (folder / "project.toml").write_text('client = "Bench"\n', "utf-8")
    spot = folder / "deliverables" / "spot_meta_reels_v1.mp4"
    ad_spot(spot, folder / "brand" / "logo.png", size=(1080, 1920), seconds=30.0, voice=True)
    return spot


def single_file(project, spot: Path) -> float:
    context = context_for(spot, project)
    check_file(spot, context)  # warm-up: imports, OCR engine
    times = [check_file(spot, context).seconds for _ in range(SINGLE_RUNS)]
    median = statistics.median(times)
    print(
        f"single file (30 s 1080x1920 H.264/AAC, all checks): median {median:.3f} s"
        f" over {SINGLE_RUNS} runs (min {min(times):.3f}, max {max(times):.3f}); target <= 0.5 s"
    )
    return median


def batch(project, spot: Path, count: int, name: str) -> tuple[float, Path]:
    folder = spot.parent.parent / name
    folder.mkdir()
    for index in range(count):
        os.link(spot, folder / f"spot_meta_reels_v{index:03d}.mp4")
    started = time.perf_counter()
    run = run_qa(
        project, [folder], executor="process", workers=WORKERS, keep_media=False, record=False
    )
    seconds = time.perf_counter() - started
    verdicts = {r.severity for r in run.results}
    print(
        f"{count} files, {WORKERS} workers: {seconds:.1f} s ({seconds / count:.3f} s/file, "
        f"verdicts {sorted(verdicts)})" + ("; target <= 60 s" if count == FILES else "")
    )
    return seconds, folder


def alternative(path: Path, scratch: Path) -> None:
    """The obvious subprocess chain for one file."""
    quiet = {"capture_output": True, "check": True}
    subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            str(path),
        ],
        **quiet,
    )
    subprocess.run(
        [
            "ffmpeg",
            "-nostats",
            "-hide_banner",
            "-i",
            str(path),
            "-vn",
            "-af",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        **quiet,
    )
    frames = []
    for t in SAMPLE_TIMES:
        out = scratch / f"{path.stem}_{t:.1f}.png"
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-ss",
                str(t),
                "-i",
                str(path),
                "-frames:v",
                "1",
                "-vf",
                "scale=270:480",
                str(out),
            ],
            **quiet,
        )
        frames.append(out)
    subprocess.run(["tesseract", str(frames[-1]), "stdout"], **quiet)


def compare(project, folder: Path, ours_total: float | None) -> None:
    missing = [tool for tool in ("ffprobe", "ffmpeg", "tesseract") if not shutil.which(tool)]
    if missing:
        print(
            f"subprocess comparison skipped: {', '.join(missing)} not installed "
            "(apt-get install ffmpeg tesseract-ocr)"
        )
        return
    files = sorted(folder.glob("*.mp4"))[:COMPARE_FILES]
    scratch = folder.parent / "frames"
    scratch.mkdir(exist_ok=True)
    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(lambda f: alternative(f, scratch), files))
    theirs = time.perf_counter() - started
    if ours_total is None:
        subset = folder.parent / "compare"
        subset.mkdir()
        for f in files:
            os.link(f, subset / f.name)
        started = time.perf_counter()
        run_qa(
            project, [subset], executor="process", workers=WORKERS, keep_media=False, record=False
        )
        ours_total = time.perf_counter() - started
    print(
        f"subprocess chain (ffprobe + ffmpeg ebur128 + {len(SAMPLE_TIMES)} ffmpeg frame grabs"
        f" + tesseract) on {len(files)} files, {WORKERS} workers: {theirs:.1f} s; "
        f"workbench gate (all checks): {ours_total:.1f} s; ratio {theirs / ours_total:.1f}x "
        "(target >= 3x)"
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-qa-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        spot = make_project(root)
        print(f"generated the 30 s 1080x1920 deliverable in {time.perf_counter() - started:.1f} s")
        project = load_project("bench", Workspace.discover(root))
        single_file(project, spot)
        compare_only, subset = batch(project, spot, COMPARE_FILES, "compare")
        batch(project, spot, FILES, "many")
        compare(project, subset, compare_only)


if __name__ == "__main__":
    main()
