"""Benchmark: first paint of the ads explorer in JupyterLab, as a strategist sees it.

Data: the demo project (`workbench demo`, seed 7: 2,522 ads). JupyterLab is started the way
`workbench lab` starts it (tests/browser.py: loopback, fixed token) and driven by headless
Chromium. Figures:

- explorer cell: with the analysis already in the kernel (the notebook ran once), the
  seconds from executing the explorer's cell to its first card painted — what a strategist
  waits for each time they (re)open the explorer; median of --repeats runs, compared in the
  same run with the same cell displaying only the first 20 ads' plain HTML cards (the
  obvious alternative: static cards, no widget).
- whole notebook: competitive_analysis's working copy, Run All until the explorer's first
  card (analysis, charts and explorer), once.

Usage: python benchmarks/bench_lab.py [--root WORKSPACE] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.browser import (
    FINISHED_JS,
    OPEN_NOTEBOOK_JS,
    jupyterlab,
    loopback_page,
    run_all_in_lab,
)

TARGET_PAINT_S = 3.0
CARD = ".jp-OutputArea-output .wb-card"
SETUP = """from creative_workbench import get_flow, load_project
from creative_workbench.reports import ads_explorer
project = load_project("demo")
analysis = get_flow("research").run(project, record=False, with_visuals=False)"""
EXPLORER = "ads_explorer.show(analysis.labelled, project=project, white_space=analysis.white_space)"
STATIC = """from IPython.display import HTML
HTML(ads_explorer.ads_cards_html(analysis.labelled, 20))"""


def bench_notebook(folder: Path) -> str:
    """A three-cell notebook: load the analysis, show the explorer, show static cards."""
    book = nbformat.v4.new_notebook()
    template = nbformat.read(folder / "competitive_analysis.ipynb", as_version=4)
    book.metadata = template.metadata  # the workbench kernel, so Lab asks nothing
    book.cells = [nbformat.v4.new_code_cell(code) for code in (SETUP, EXPLORER, STATIC)]
    path = folder / "bench_explorer_paint.ipynb"
    nbformat.write(book, path)
    return path.name


def run_cell(page, index: int, selector: str) -> float:
    """Clear outputs, execute cell INDEX, return seconds until SELECTOR is painted in it."""
    page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.wait_for_timeout(300)
    begin = time.perf_counter()
    page.evaluate(
        """(index) => { const nb = window.__panel.content; nb.activeCellIndex = index;
             return window.jupyterapp.commands.execute('notebook:run-cell'); }""",
        index,
    )
    cell = f".jp-Notebook .jp-Cell:nth-child({index + 1}) {selector}"
    page.wait_for_selector(cell, state="visible", timeout=300_000)
    return time.perf_counter() - begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="workspace with the demo")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()} on {os.cpu_count()} CPUs")
    from creative_workbench.config import Workspace, load_project
    from creative_workbench.demo import build_demo
    from creative_workbench.pipeline.notebook_copies import working_copies

    with tempfile.TemporaryDirectory() as scratch:
        root = args.root or Path(scratch)
        if not (root / "data" / "projects" / "demo" / "project.toml").is_file():
            build_demo(root, seed=7)
        project = load_project("demo", Workspace(root))
        working_copies(project)
        folder = project.notebooks_dir
        name = bench_notebook(folder)
        relative = folder.relative_to(root).as_posix()
        with jupyterlab(root, relative, root / "lab.log") as server, loopback_page() as (page, _):
            page.goto(server.url(f"{relative}/{name}"))
            page.wait_for_function(OPEN_NOTEBOOK_JS, arg=name, timeout=120_000, polling=500)
            run_cell(page, 0, ".jp-InputArea")  # the analysis, into the kernel
            page.wait_for_timeout(1000)
            page.wait_for_function(FINISHED_JS, timeout=600_000, polling=500)
            widget = [run_cell(page, 1, ".wb-card") for _ in range(args.repeats)]
            static = [run_cell(page, 2, ".wb-card") for _ in range(args.repeats)]
            median, alt = statistics.median(widget), statistics.median(static)
            verdict = "met" if median <= TARGET_PAINT_S else "MISSED"
            print(
                f"explorer cell → first card: median {median:.2f} s over {args.repeats} "
                f"(all: {', '.join(f'{s:.2f}' for s in widget)}; target ≤ "
                f"{TARGET_PAINT_S} s: {verdict})"
            )
            print(
                f"static HTML cards (20 ads): median {alt:.2f} s; "
                f"explorer/static {median / alt:.1f}×"
            )
            notebook = "competitive_analysis.ipynb"
            begin = time.perf_counter()
            run_all_in_lab(page, server, f"{relative}/{notebook}")
            page.wait_for_selector(CARD, state="visible", timeout=60_000)
            print(
                "competitive_analysis Run All → explorer cards: "
                f"{time.perf_counter() - begin:.1f} s"
            )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
