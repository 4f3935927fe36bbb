"""Concept cards benchmark: 30 briefs × 4 aspects (120 PNG cards, 1080-1920 px) in the demo
brand, target ≤ 10 s; alternatives in the same run: the same cards with serial PNG encoding
(one thread), a plain Pillow loop (render, then `Image.save` with its default compression,
no atomic write), and the full flow step with the QA gate's still checks on every card.

Run: .venv/bin/python benchmarks/bench_concepts.py [--briefs 30] [--runs 3] [--no-qa].
Briefs come from a fixed white-space table (tests/unit/concepts/gap_tables.py) for the
LinkedIn feed placement, which takes all four aspects. Figures are medians of RUNS, printed
with the 1-minute load average (2 shared cores: above 2 means other work competes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.unit.concepts.gap_tables import gap_table  # noqa: E402

from creative_workbench.concepts.briefs import build_briefs  # noqa: E402
from creative_workbench.concepts.cards import (  # noqa: E402
    card_name,
    card_style,
    render_card,
    write_cards,
)
from creative_workbench.config import Workspace, load_project  # noqa: E402
from creative_workbench.demo.brand import write_brand  # noqa: E402
from creative_workbench.pipeline.flows.concepts import check_cards  # noqa: E402

TARGET_S = 10.0
ASPECTS = ["9:16", "4:5", "1:1", "16:9"]
PROJECT_TOML = 'client = "Northwind Running"\nplacements = ["linkedin_feed"]\n'


def load() -> str:
    """The 1-minute load average."""
    return f"load {os.getloadavg()[0]:.1f}"


def make_project(root: Path):
    folder = root / "data" / "projects" / "bench"
    folder.mkdir(parents=True)
    write_brand(folder)
    (folder / "project.toml").write_text(PROJECT_TOML, "utf-8")
    return load_project("bench", Workspace(root))


def timed(label: str, runs: int, work, reset) -> float:
    """Median wall time of RUNS of WORK (RESET before each); CPU time (all threads) beside it,
    which other work on the machine does not inflate."""
    seconds, cpu = [], []
    for _ in range(runs):
        reset()
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    median = statistics.median(seconds)
    print(
        f"{label:<52} {median:6.2f} s wall, {statistics.median(cpu):5.2f} s CPU "
        f"(runs: {', '.join(f'{s:.2f}' for s in seconds)}; {load()})"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefs", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-qa", action="store_true", help="skip the (slow) QA comparison")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-concepts-"))
    try:
        project = make_project(root)
        briefs = build_briefs(
            gap_table(), brand=project.brand.name, cta_wording=["Shop now", "Sign up"],
            placements=["linkedin_feed"], aspects=ASPECTS, n=args.briefs, diversity=0.5,
            performance_weight=0.0, hooks_per_brief=3, evidence_per_gap=0,
        )  # fmt: skip
        style = card_style(project.brand, project.brand_dir)
        cards = sum(len(a) for a in briefs.get_column("aspects"))
        font = style.headline_font.name
        print(f"{briefs.height} briefs × their aspects = {cards} cards, font {font}")
        folder = project.concepts_dir

        def reset() -> None:
            shutil.rmtree(folder, ignore_errors=True)

        def plain() -> None:
            (folder / "cards").mkdir(parents=True, exist_ok=True)
            for brief in briefs.iter_rows(named=True):
                for aspect in brief["aspects"]:
                    image, _ = render_card(brief, aspect, style)
                    image.save(folder / "cards" / card_name(brief["brief_id"], aspect))

        workers = os.cpu_count() or 1
        fast = timed(
            f"cards, PNG encoded on {workers} threads (the flow's way)",
            args.runs,
            lambda: write_cards(briefs, folder, style, workers),
            reset,
        )
        timed(
            "cards, PNG encoded on 1 thread",
            args.runs,
            lambda: write_cards(briefs, folder, style, 1),
            reset,
        )
        timed("plain Pillow loop (render + Image.save defaults)", args.runs, plain, reset)
        verdict = "meets" if fast <= TARGET_S else "MISSES"
        per_card = fast / cards * 1000
        print(f"target ≤ {TARGET_S:g} s for {cards} cards: {verdict} ({per_card:.0f} ms a card)")
        if not args.no_qa:
            table = write_cards(briefs, folder, style, workers)
            started, started_cpu = time.perf_counter(), time.process_time()
            checked = check_cards(project, table)
            qa, qa_cpu = time.perf_counter() - started, time.process_time() - started_cpu
            passed = int(checked.get_column("ready").sum())
            print(
                f"{'QA gate still checks on every card (one run)':<52} {qa:6.2f} s wall, "
                f"{qa_cpu:5.2f} s CPU "
                f"({passed}/{cards} ready; first card loads the OCR engine; {load()})"
            )
            print(f"cards + QA: {fast + qa:.2f} s vs cards alone {fast:.2f} s")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
