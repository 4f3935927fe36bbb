"""QA audio filters and palette maths in NumPy vs SciPy/scikit-image, and a checker's start-up.

Per figure, in one run: (1) CPU to import the module in a fresh interpreter beyond numpy
(scipy.signal vs creative_workbench.qa.iir; skimage.color vs creative_workbench.colour_lab;
median of 3); (2) CPU of the K-weighting filter (BS.1770 shelf + high pass) over 30 s of
48 kHz stereo and of the 300-3400 Hz speech band pass over 30 s mono (best of 5, one BLAS
thread as in the checker child); (3) CPU of a checker child's start-up (`python -m
creative_workbench.qa.sandbox` with nothing to check: imports plus warm-up).
Run: .venv/bin/python benchmarks/bench_qa_filters.py
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

RATE = 48000
SECONDS = 30


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def child_cpu(args: list[str], runs: int = 3) -> float:
    """Median CPU seconds (user + system) of a fresh `python ARGS` process."""
    spent = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, *args], stdin=subprocess.DEVNULL, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        spent.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(spent)


def best_cpu(run, repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    baseline = child_cpu(["-c", "import numpy"])
    scipy_import = child_cpu(["-c", "import numpy, scipy.signal"]) - baseline
    ours_import = child_cpu(["-c", "import numpy, creative_workbench.qa.iir"]) - baseline
    print(
        f"import (CPU beyond numpy, median of 3): scipy.signal {scipy_import:.2f} s, "
        f"creative_workbench.qa.iir {ours_import:.2f} s; {load()}"
    )
    skimage_import = child_cpu(["-c", "import numpy, skimage.color"]) - baseline
    colour_import = child_cpu(["-c", "import numpy, creative_workbench.colour_lab"]) - baseline
    print(
        f"palette maths import (CPU beyond numpy): skimage.color {skimage_import:.2f} s, "
        f"creative_workbench.colour_lab {colour_import:.2f} s; {load()}"
    )

    from scipy import signal

    from creative_workbench.qa.iir import butter_bandpass, sosfilt
    from creative_workbench.qa.loudness import k_weighting

    rng = np.random.default_rng(0)
    stereo = rng.standard_normal((RATE * SECONDS, 2)).astype(np.float32)
    sos = k_weighting(RATE)
    ours = best_cpu(lambda: sosfilt(sos, stereo))
    theirs = best_cpu(lambda: signal.sosfilt(sos, stereo.astype(np.float64), axis=0))
    error = np.max(np.abs(sosfilt(sos, stereo)[0] - signal.sosfilt(sos, stereo, axis=0)))
    print(
        f"K-weighting, {SECONDS} s 48 kHz stereo (best of 5 CPU): qa.iir {ours * 1000:.0f} ms, "
        f"scipy.signal.sosfilt {theirs * 1000:.0f} ms; max difference {error:.1e}; {load()}"
    )
    mono = stereo[:, 0]
    band = butter_bandpass(4, 300.0, 3400.0, RATE)
    reference = signal.butter(4, (300.0, 3400.0), btype="bandpass", fs=RATE, output="sos")
    ours = best_cpu(lambda: sosfilt(band, mono))
    theirs = best_cpu(lambda: signal.sosfilt(reference.astype(np.float32), mono))
    print(
        f"speech band pass, {SECONDS} s mono: qa.iir (float64) {ours * 1000:.0f} ms, "
        f"scipy.signal.sosfilt (float32, as the gate used it) {theirs * 1000:.0f} ms; {load()}"
    )
    child = child_cpu(["-m", "creative_workbench.qa.sandbox"])
    print(
        f"checker child start-up (imports + warm-up, no file): {child:.2f} s CPU (median of 3; "
        f"the same child imported scipy.signal before, +{scipy_import:.2f} s); {load()}"
    )


if __name__ == "__main__":
    main()
