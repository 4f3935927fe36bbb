"""Benchmark: the concept review board's first paint with 300 candidates (target ≤ 3 s), in
the kernel, in JupyterLab and in the web app (Voilà), headless Chromium.

Data: 300 generated 1024×1024 PNG candidates (gradient, shapes and a band of noise, about
0.5 MB each, so decoding costs what a real generation's does), with
a candidates.parquet and briefs.parquet in the contract's columns, in a throwaway project.

Baseline, in the same run: the obvious alternative, every one of the 300 cards on one page
(page_size=300), and the size of the cards' HTML with the original images embedded instead
of 240-px thumbnails.

Usage: python benchmarks/bench_concept_board.py [--candidates 300] [--no-browser] [--no-lab]
       [--settle 60]  (seconds a refilled Voilà kernel gets to run the notebook)
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
from PIL import Image, ImageDraw

TARGET_PAINT_S = 3.0
PROJECT_TOML = """client = "Bench"
[[reviewers]]
name = "Maya Okafor"
role = "creative lead"
"""


def make_project(root: Path, n: int) -> Path:
    """A project with N 1024×1024 PNG candidates and two briefs."""
    folder = root / "data" / "projects" / "bench"
    generations = folder / "concepts" / "generations" / "round-1"
    generations.mkdir(parents=True)
    (folder / "project.toml").write_text(PROJECT_TOML, "utf-8")
    rows = []
    noise = Image.merge("RGB", [Image.effect_noise((1024, 256), 40 + k * 10) for k in range(3)])
    for i in range(n):
        image = Image.linear_gradient("L").resize((1024, 1024)).convert("RGB")
        draw = ImageDraw.Draw(image)
        draw.ellipse((100 + i % 300, 200, 700, 800 - i % 200), fill=(i % 255, 80, 200 - i % 150))
        draw.rectangle((50, 850, 974, 980), fill=(250, 250 - i % 90, 240))
        image.paste(noise, (0, 300 + i % 200))
        path = generations / f"gen-{i:04d}.png"
        image.save(path, compress_level=1)
        rows.append(
            {
                "candidate_id": f"c{i:04d}",
                "file": path.relative_to(folder).as_posix(),
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "brief_id": "b01" if i % 2 else "b02",
                "link_source": "comfyui",
                "width": 1024,
                "height": 1024,
                "score": (i * 37 % 100) / 100,
                "reasons": ["blurry"] if i % 5 == 0 else [],
                "auto_discarded": i % 5 == 0,
                "discard_reason": "blurry" if i % 5 == 0 else None,
            }
        )
    pl.DataFrame(rows, schema_overrides={"discard_reason": pl.String}).write_parquet(
        folder / "concepts" / "candidates.parquet"
    )
    pl.DataFrame(
        {
            "brief_id": ["b01", "b02"],
            "angle": ["comfort", "price"],
            "offer": ["none", "discount"],
            "cta": ["Shop now", "Get 20% off"],
            "placement": ["meta_feed", "meta_stories"],
            "headline": ["Run further", "Half the price"],
            "rationale": ["gap", "gap"],
            "ctr_pred": [0.012, 0.009],
            "ctr_lower": [0.008, 0.006],
            "ctr_upper": [0.017, 0.013],
            "rank": [1, 2],
        }
    ).write_parquet(folder / "concepts" / "briefs.parquet")
    return folder


def kernel_build(root: Path, page_size: int) -> tuple[float, float, int]:
    """Seconds to build the board (load, states, card HTML) and until every preview is in
    its card, and the cards' HTML bytes."""
    from creative_workbench.config import Workspace, load_project
    from creative_workbench.reports.concept_board import ConceptBoard

    project = load_project("bench", Workspace(root))
    start = time.perf_counter()
    board = ConceptBoard(project, page_size=page_size)
    painted = time.perf_counter() - start
    board.wait_for_thumbnails(600)
    return painted, time.perf_counter() - start, sum(len(s.card.value) for s in board.slots)


def full_size_bytes(folder: Path, n: int) -> int:
    """Bytes of N cards' images embedded as they are (the alternative to thumbnails)."""
    files = sorted((folder / "concepts" / "generations" / "round-1").glob("*.png"))[:n]
    return sum(len(base64.b64encode(f.read_bytes())) for f in files)


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _browser(p):
    return p.chromium.launch(
        executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
    )


def web_app_first_paint(
    root: Path, loads: int = 2, settle_s: float = 60.0
) -> list[tuple[str, float]]:
    """Seconds from navigation to the first card, served by `concepts board` (Voilà)."""
    from playwright.sync_api import sync_playwright

    port = _port()
    url = f"http://127.0.0.1:{port}/"
    log = Path(tempfile.mkstemp(suffix=".log")[1])
    script = (
        "import sys, typer\nfrom creative_workbench.cli.concept_decide import register_decide\n"
        "app = typer.Typer()\nregister_decide(app)\napp(sys.argv[1:])"
    )
    command = [sys.executable, "-c", script, "board", "--project", "bench"]
    command += ["--root", str(root), "--port", str(port)]
    started = time.perf_counter()
    with log.open("w") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    results = []
    try:
        with sync_playwright() as p:
            browser = _browser(p)
            for load in range(loads + 1):
                warm = load > 0
                if warm:  # Voilà refills its pool after each request and logs "filled"
                    # when the new kernel starts, not when it has run the notebook: give it
                    # SETTLE_S to run up to wait_for_request().
                    time.sleep(settle_s)
                page = browser.new_page()
                begin = started if not warm else time.perf_counter()
                while True:
                    try:
                        page.goto(url, timeout=600_000)
                        break
                    except Exception:
                        time.sleep(0.5)
                page.wait_for_selector(".wb-concept-slot .wb-concept", timeout=600_000)
                label = "warm (pre-heated kernel)" if warm else "cold (server start to cards)"
                results.append((label, time.perf_counter() - begin))
                page.wait_for_function(ALL_PREVIEWS_JS, timeout=600_000, polling=100)
                results.append((label + ", all previews", time.perf_counter() - begin))
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.unlink(missing_ok=True)
    return results


ALL_PREVIEWS_JS = """() => document.querySelectorAll('.wb-concept').length > 0
  && document.querySelectorAll('.wb-concept .wb-loading').length === 0"""
FIRST_CARD_JS = """() => { window.__firstCard = null; window.__allPreviews = null;
  new MutationObserver((_, obs) => {
    if (window.__firstCard === null && document.querySelector('.wb-concept'))
      window.__firstCard = Date.now();
    if (window.__firstCard !== null && !document.querySelector('.wb-concept .wb-loading')) {
      window.__allPreviews = Date.now(); obs.disconnect(); } })
  .observe(document.body, {childList: true, subtree: true, characterData: true}); }"""


def lab_notebook(page_size: int) -> dict:
    """Two cells: imports and the project (warm-up), then the board, stamped with its start."""
    cells = [
        "from creative_workbench import Workspace, load_project\n"
        "from creative_workbench.reports.concept_board import ConceptBoard\n"
        "from IPython.display import display\nimport time\n"
        "project = load_project('bench', Workspace.discover())",
        f"print(time.time())\ndisplay(ConceptBoard(project, page_size={page_size}).widget)",
    ]
    return {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
             "outputs": [], "source": s}
            for i, s in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip


def lab_first_paint(root: Path, page_sizes: tuple[int, ...]) -> list[tuple[str, float]]:
    """Seconds from the board cell starting in the kernel to its first card in JupyterLab."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.browser import FINISHED_JS, OPEN_NOTEBOOK_JS, jupyterlab

    results = []
    for size in page_sizes:
        name = f"board_{size}.ipynb"
        (root / name).write_text(json.dumps(lab_notebook(size)), "utf-8")
    with jupyterlab(root, ".", root / "lab.log") as server, sync_playwright() as p:
        browser = _browser(p)
        for size in page_sizes:
            shutil.rmtree(root / "data/projects/bench/cache", ignore_errors=True)
            page = browser.new_page()
            name = f"board_{size}.ipynb"
            page.goto(server.url(name))
            page.wait_for_function(OPEN_NOTEBOOK_JS, arg=name, timeout=180_000, polling=500)
            page.evaluate(FIRST_CARD_JS)
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_timeout(1000)
            page.wait_for_function(FINISHED_JS, timeout=600_000, polling=500)
            page.wait_for_function("window.__allPreviews !== null", timeout=600_000)
            stamp = float(page.locator(".jp-OutputArea-output pre").first.inner_text().strip())
            painted = page.evaluate("window.__firstCard") / 1000
            previews = page.evaluate("window.__allPreviews") / 1000
            results.append((f"{size} cards per page, no previews cached", painted - stamp))
            results.append((f"{size} cards per page, all previews", previews - stamp))
            page.close()
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-lab", action="store_true", help="skip the JupyterLab timing")
    parser.add_argument("--settle", type=float, default=60.0, help="s for a refill kernel")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        started = time.perf_counter()
        folder = make_project(root, args.candidates)
        size = sum(f.stat().st_size for f in folder.rglob("*.png")) / 1e6
        print(f"{args.candidates} PNG candidates 1024×1024 ({size:.0f} MB) written in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        cache = folder / "cache"
        kernel_build(root, 1)  # imports (ipywidgets, pyarrow...) are not the board's cost
        print("\nkernel: build the board (read tables, states, thumbnails, card HTML)")
        for size in (24, args.candidates):
            shutil.rmtree(cache, ignore_errors=True)
            cold, cold_all, _ = kernel_build(root, size)
            warm, warm_all, nbytes = kernel_build(root, size)
            print(f"  {size:>4} cards per page: no previews cached: cards {cold:.2f} s, "
                  f"previews {cold_all:.2f} s; cached: cards {warm:.2f} s, previews "
                  f"{warm_all:.2f} s; card HTML {nbytes / 1e6:.2f} MB")  # fmt: skip
        full = full_size_bytes(folder, 24)
        print(f"  24 cards with the original images embedded: {full / 1e6:.1f} MB of HTML")
        if not args.no_browser:
            print("\nweb app first paint (Voilà, headless Chromium, 24 cards per page):")
            shutil.rmtree(cache, ignore_errors=True)
            for label, seconds in web_app_first_paint(root, settle_s=args.settle):
                verdict = "met" if seconds <= TARGET_PAINT_S else "MISSED"
                print(f"  {label:<30} {seconds:.2f} s (target ≤ {TARGET_PAINT_S} s: {verdict})")
        if not args.no_browser and not args.no_lab:
            print("\nJupyterLab first paint (board cell start to first card, headless Chromium):")
            for label, seconds in lab_first_paint(root, (24, args.candidates)):
                verdict = "met" if seconds <= TARGET_PAINT_S else "MISSED"
                print(f"  {label:<36} {seconds:.2f} s (target ≤ {TARGET_PAINT_S} s: {verdict})")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
