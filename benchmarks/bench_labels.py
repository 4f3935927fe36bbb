"""Benchmark: label_copy against the labelled real dev set (../shared/data/ad_copy).

Fixed split: fold 0 of a sha256 hash of each ad's id (mod 5) is held out, the rest is the
tuning part. Prints angles micro-F1 (P/R) and macro-F1, CTA accuracy and offer micro-F1 for
the rules and the majority baseline (the most common label set of the tuning part).

Usage: python benchmarks/bench_labels.py [--data ../shared/data/ad_copy/ad_copy_dev.csv]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from creative_workbench.research.label_eval import evaluate

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared/data/ad_copy/ad_copy_dev.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    args = parser.parse_args()
    result = evaluate(args.data)
    print(f"{'split':9} {'method':9} {'angles F1 (P / R)':20} {'macro':>6}", end="")
    print(f" {'CTA acc':>8} {'offer F1':>9}")
    for split, parts in result.items():
        for method in ("rules", "majority"):
            s = parts[method]
            pr = f"{s['angles_f1']:.2f} ({s['angles_precision']:.2f} / {s['angles_recall']:.2f})"
            print(
                f"{split:9} {method:9} {pr:20} {s['angles_macro_f1']:6.2f} "
                f"{s['cta_accuracy']:8.2f} {s['offer_f1']:9.2f}   n={parts['n']}"
            )


if __name__ == "__main__":
    main()
