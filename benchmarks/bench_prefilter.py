"""Import + prefilter 1,000 generated 1024×1024 images (issue 13 target: ≤ 60 s on 2 cores).

The images are written first (not timed): brand-coloured compositions with grain, saved as
PNG with ComfyUI `prompt`/`workflow` chunks naming one of 20 briefs. Then the whole
`concepts.import` flow runs on them (read, SHA-256, decode, copy into concepts/generations/,
link, measure, score, cluster, write candidates.parquet) in four ways:

- a process pool, one worker per core, 512 px analysis copy (the default);
- one worker (a plain sequential loop);
- a thread pool with one thread per core (decoding releases the GIL, the rest does not);
- the default pool analysing at full resolution (analysis_side = 1024).

The machine may be shared, so CPU time (this process and its children) is printed beside
wall time. Usage: python benchmarks/bench_prefilter.py [--count 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from creative_workbench.config import Workspace, load_project  # noqa: E402
from creative_workbench.demo.brand import PALETTE  # noqa: E402
from creative_workbench.demo.generation_meta import comfyui_graphs, comfyui_pnginfo  # noqa: E402
from creative_workbench.demo.generations import compose  # noqa: E402
from creative_workbench.pipeline.flows.concept_import import (  # noqa: E402
    CANDIDATES_FILE,
    IMPORT_FLOW,
)

BRIEFS = 20
SIDE = 1024
PROJECT_TOML = 'client = "Bench"\nplacements = ["meta_feed", "x_feed"]\n'
BRAND = "color:\n  palette:\n" + "".join(f'    {k}: "{v}"\n' for k, v in PALETTE.items())


def _write_one(args: tuple[Path, int]) -> None:
    folder, index = args
    brief = f"B{index % BRIEFS + 1:03d}"
    colours = list(PALETTE.values())
    shift = index % len(colours)
    api, workflow = comfyui_graphs(
        f"runner, brief {brief}", "blurry", (SIDE, SIDE), index, f"cw_{brief}"
    )
    compose((SIDE, SIDE), colours[shift:] + colours[:shift], index).save(
        folder / f"cw_{brief}_{index:05d}_.png",
        pnginfo=comfyui_pnginfo(api, workflow),
        compress_level=1,
    )


def make_images(folder: Path, count: int) -> None:
    """COUNT stand-in generations in FOLDER (two processes; not timed)."""
    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_write_one, [(folder, i) for i in range(count)], chunksize=16))


def make_project(root: Path) -> None:
    project = root / "data" / "projects" / "bench"
    (project / "concepts").mkdir(parents=True, exist_ok=True)
    (project / "project.toml").write_text(PROJECT_TOML, "utf-8")
    (project / "_brand.yml").write_text(BRAND, "utf-8")
    pl.DataFrame(
        {
            "brief_id": [f"B{i + 1:03d}" for i in range(BRIEFS)],
            "placement": ["meta_feed"] * BRIEFS,
            "aspects": [["1:1", "4:5"]] * BRIEFS,
        }
    ).write_parquet(project / "concepts" / "briefs.parquet")


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(root: Path, folder: Path, label: str, **params: object) -> float:
    project = load_project("bench", Workspace.discover(root))
    (project.root / CANDIDATES_FILE).unlink(missing_ok=True)
    shutil.rmtree(project.concepts_dir / "generations", ignore_errors=True)
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = IMPORT_FLOW.run(project, folder=folder, **params)
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    summary = result.summary_record()
    print(
        f"{label:44s} {wall:7.1f} s wall {cpu:7.1f} s CPU  {summary['imported']} imported, "
        f"{summary['auto_discarded']} auto-discarded, {summary['problems']} problems",
        flush=True,
    )
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="reuse/keep the images in this folder")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench_prefilter_"))
    folder = args.keep or root / "generations"
    try:
        if not (folder.is_dir() and len(list(folder.glob("*.png"))) >= args.count):
            began = time.perf_counter()
            make_images(folder, args.count)
            print(f"wrote {args.count} {SIDE}×{SIDE} PNGs in {time.perf_counter() - began:.0f} s")
        make_project(root)
        cores = os.cpu_count() or 1
        print(f"{cores} cores; load average {os.getloadavg()[0]:.1f} (machine may be shared)")
        common = {"ocr": False}
        best = run(root, folder, f"default: {cores} processes, 512 px analysis", **common)
        run(root, folder, "sequential: 1 worker, 512 px analysis", workers=1, **common)
        run(root, folder, f"thread pool: {cores} threads, 512 px", executor="thread", **common)
        full = {"analysis_side": SIDE}
        run(root, folder, f"full resolution: {cores} processes, 1024 px", prefilter=full, **common)
        print(f"target ≤ 60 s for 1,000 images: default took {best:.1f} s for {args.count}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
