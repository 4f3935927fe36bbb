"""CLI start-up: `workbench --help` (target ≤ 1 s) against an eager import of every command.

Each figure is the median wall time of fresh processes, run alternately so machine load
falls on both sides alike. The alternatives in the same run: a bare `python -c pass`
(the floor) and the old behaviour, where every command module and its stage imported
before the help printed (emulated by loading every command, then printing the help).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

ROUNDS = 7
TARGET_S = 1.0

CASES = {
    "python -c pass (floor)": [sys.executable, "-c", "pass"],
    "workbench --help (lazy commands)": [
        sys.executable,
        "-c",
        "from creative_workbench.cli import main; main(['--help'])",
    ],
    "eager: every command imported, then --help": [
        sys.executable,
        "-c",
        "from creative_workbench.cli import _register_commands, main\n"
        "_register_commands(); main(['--help'])",
    ],
}


def wall_time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    for command in CASES.values():  # warm the file cache and the .pyc files once
        wall_time(command)
    times: dict[str, list[float]] = {label: [] for label in CASES}
    for _ in range(ROUNDS):
        for label, command in CASES.items():
            times[label].append(wall_time(command))
    load = os.getloadavg()
    print(
        f"machine load (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"{os.cpu_count()} cores; median of {ROUNDS} alternating runs"
    )
    medians = {label: statistics.median(values) for label, values in times.items()}
    for label, seconds in medians.items():
        print(f"{label:<46} {seconds:6.3f} s")
    lazy = medians["workbench --help (lazy commands)"]
    eager = medians["eager: every command imported, then --help"]
    verdict = "meets" if lazy <= TARGET_S else "MISSES"
    print(f"lazy --help {verdict} the ≤ {TARGET_S:.0f} s target; eager/lazy = {eager / lazy:.1f}×")


if __name__ == "__main__":
    main()
