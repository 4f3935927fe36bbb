"""Benchmark: the ads explorer. Filter changes on 100,000 ads (kernel side: query, variant
grouping, paging and card HTML), and the web app's first paint with the demo's 2,522 ads
in headless Chromium.

Data: the demo project (`workbench demo`, seed 7: 2,522 ads read through the real Meta
adapter and labelled by the research rules). For 100,000 ads its labelled table is
resampled with new ids and dates shifted by up to ±60 days, so copy, hooks and labels keep
the demo's distribution (each copy repeats about 40 times).

Baseline, in the same run: the previous explorer's refresh (`ads_explorer.search_ads`, which
filters and sorts the whole table, then `ads_cards_html` for its default 20 cards and for
its maximum of 200) on the filters both explorers have (brand, angle, CTA, search).

Usage: python benchmarks/bench_explorer.py [--ads 100000] [--root WORKSPACE] [--no-browser]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

TARGET_FILTER_S = 0.3
TARGET_PAINT_S = 3.0


def load_demo(root: Path) -> tuple[object, pl.DataFrame, pl.DataFrame]:
    """The demo project, its labelled ads and its white space (building the demo if absent)."""
    from creative_workbench.config import Workspace, load_project
    from creative_workbench.demo import build_demo
    from creative_workbench.pipeline.flows import get_flow

    if not (root / "data" / "projects" / "demo" / "project.toml").is_file():
        build_demo(root, seed=7)
    project = load_project("demo", Workspace(root))
    analysis = get_flow("research").run(project, record=False, with_visuals=False)
    return project, analysis.labelled, analysis.white_space


def scale(labelled: pl.DataFrame, n_ads: int) -> pl.DataFrame:
    """N_ADS rows resampled from LABELLED with new ids and shifted dates."""
    rng = np.random.default_rng(0)
    picks = rng.integers(0, labelled.height, n_ads)
    shift = pl.Series(rng.integers(-60, 60, n_ads)).cast(pl.Int64) * pl.duration(days=1)
    return labelled[picks].with_columns(
        pl.Series("raw_id", [f"{i:09d}" for i in range(n_ads)]),
        pl.Series("ad_id", [f"meta_api:{i:09d}" for i in range(n_ads)]),
        pl.col("start_time") + shift,
        pl.col("stop_time") + shift,
    )


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def new_explorer_changes(labelled: pl.DataFrame) -> dict[str, float]:
    """Seconds per filter change in the new explorer (controls set as a user would)."""
    from creative_workbench.reports.explorer.widget import ANY, AdsExplorer

    built = time.perf_counter()
    explorer = AdsExplorer(labelled)
    times = {"build + first page": time.perf_counter() - built}
    brand = explorer.brands.options[0]
    steps = [
        ("brand", lambda: setattr(explorer.brands, "value", (brand,))),
        ("angle", lambda: setattr(explorer.facets["angle"], "value", "social proof")),
        ("offer", lambda: setattr(explorer.facets["offer"], "value", "discount")),
        ("min days 30", lambda: setattr(explorer.min_days, "value", 30)),
        ("search 'run'", lambda: setattr(explorer.search, "value", "run")),
        ("sort newest", lambda: setattr(explorer.sort, "value", "newest")),
        ("live only", lambda: setattr(explorer.live_only, "value", True)),
        ("clear brand", lambda: setattr(explorer.brands, "value", ())),
        ("next page", lambda: explorer.go_to(explorer.page_number + 1)),
        ("clear offer", lambda: setattr(explorer.facets["offer"], "value", ANY)),
        ("ungroup variants", lambda: setattr(explorer.group, "value", False)),
        ("reset", explorer.reset),
    ]
    for name, action in steps:
        times[name] = _timed(action)
    return times


def old_explorer_changes(labelled: pl.DataFrame, limit: int) -> dict[str, float]:
    """Seconds per filter change in the previous explorer's refresh, on the shared filters."""
    from creative_workbench.reports.ads_explorer import ads_cards_html, search_ads

    brand = labelled.get_column("brand").unique().sort()[0]
    queries = [
        ("no filter", {}),
        ("brand", {"brands": [brand]}),
        ("angle", {"brands": [brand], "angle": "social proof"}),
        ("search 'run'", {"brands": [brand], "angle": "social proof", "search": "run"}),
        ("cta", {"cta": "Shop now"}),
    ]
    return {
        name: _timed(lambda q=query: ads_cards_html(search_ads(labelled, **q), limit))
        for name, query in queries
    }


def _summary(times: dict[str, float], skip: tuple[str, ...] = ()) -> tuple[float, float]:
    values = [v for k, v in times.items() if k not in skip]
    return statistics.median(values), max(values)


def web_app_first_paint(root: Path, loads: int = 2) -> list[tuple[str, float]]:
    """Seconds from navigation to the first card in Chromium, served by `workbench app`."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    log = Path(tempfile.mkstemp(suffix=".log")[1])
    command = [sys.executable, "-m", "creative_workbench.cli", "app", "--project", "demo"]
    command += ["--root", str(root), "--port", str(port)]
    started = time.perf_counter()
    with log.open("w") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    results = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            for load in range(loads + 1):
                warm = load > 0
                if warm:  # wait until the pool holds a kernel that has run the notebook
                    while log.read_text().count("is filled with") < load:
                        time.sleep(0.5)
                    time.sleep(1.0)
                page = browser.new_page()
                begin = started if not warm else time.perf_counter()
                while True:
                    try:
                        page.goto(url, timeout=600_000)
                        break
                    except Exception:
                        time.sleep(0.5)
                page.wait_for_selector(".wb-slot .wb-card", timeout=600_000)
                label = "warm (pre-heated kernel)" if warm else "cold (server start to cards)"
                results.append((label, time.perf_counter() - begin))
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.unlink(missing_ok=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ads", type=int, default=100_000)
    parser.add_argument("--root", type=Path, default=None, help="workspace with the demo")
    parser.add_argument("--no-browser", action="store_true", help="skip the web app timing")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as scratch:
        root = args.root or Path(scratch)
        _project, labelled, _gaps = load_demo(root)
        big = scale(labelled, args.ads)
        print(f"demo: {labelled.height:,} labelled ads; scaled: {big.height:,} ads")
        for name, table in (("demo", labelled), (f"{big.height:,} ads", big)):
            new = new_explorer_changes(table)
            median, worst = _summary(new, skip=("build + first page",))
            print(f"\n[{name}] new explorer: build + first page {new['build + first page']:.3f} s")
            for step, seconds in new.items():
                print(f"  {step:<22} {seconds:.3f} s")
            print(f"  filter change: median {median:.3f} s, max {worst:.3f} s", end="")
            verdict = "met" if worst <= TARGET_FILTER_S else "MISSED"
            print(f" (target ≤ {TARGET_FILTER_S} s: {verdict})")
            for limit in (20, 200):
                old = old_explorer_changes(table, limit)
                old_median, old_worst = _summary(old)
                print(
                    f"  old explorer, {limit} cards: median {old_median:.3f} s, max "
                    f"{old_worst:.3f} s; new/old median ratio {median / old_median:.2f}"
                )
        if not args.no_browser:
            print("\nweb app first paint (demo, 2,522 ads, headless Chromium):")
            for label, seconds in web_app_first_paint(root):
                verdict = "met" if seconds <= TARGET_PAINT_S else "MISSED"
                print(f"  {label:<30} {seconds:.2f} s (target ≤ {TARGET_PAINT_S} s: {verdict})")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
