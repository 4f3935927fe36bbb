"""Benchmark: build the seeded demo into a temporary workspace; print time per step and total.

Target: at most 60 s in total on a 2-core machine. Run: python benchmarks/bench_demo.py
"""

from __future__ import annotations

import itertools
import re
import sys
import tempfile
import time
from pathlib import Path

from creative_workbench.demo import BUILD_STEPS, build_demo

TARGET_S = 60.0


def main() -> int:
    marks: list[tuple[str, float]] = []
    started = time.perf_counter()

    def progress(message: str) -> None:
        step = re.match(r"\[(\w+)\]", message)
        if step and (not marks or marks[-1][0] != step.group(1)):
            marks.append((step.group(1), time.perf_counter() - started))

    with tempfile.TemporaryDirectory(prefix="bench-demo-") as root:
        path = build_demo(Path(root), seed=7, progress=progress)
        total = time.perf_counter() - started
        files = sum(1 for p in path.rglob("*") if p.is_file())
    print(f"demo build, seed 7: {files} files")
    for (step, begin), (_, end) in itertools.pairwise(marks):
        if step in BUILD_STEPS:
            print(f"  {step:<13} {end - begin:6.2f} s")
    verdict = "OK" if total <= TARGET_S else "OVER TARGET"
    print(f"  {'total':<13} {total:6.2f} s  (target <= {TARGET_S:.0f} s: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
