"""Benchmark: the labeller against the labelled real dev set (../shared/data/ad_copy), and its
speed on 1M ads.

Fixed split: fold 0 of a sha256 hash of each ad's id (mod 5) is held out, the rest is the
tuning part (the lexicon was tuned and the model trained on it only). Prints angles micro-F1
(P/R) and macro-F1, CTA accuracy and offer micro-F1 for the rules only, the learned model
only (CTA from the rules), both (the product: combine.label_texts) and the majority baseline
(the most common label set of the tuning part). Tune-split rows are in-sample; the model's
honest tune figure is its 5-fold out-of-fold F1 per label (from the artefact's metadata).

Speed (in a child process, for its own peak RSS): N ads synthesised in memory from the dev
texts (each of D distinct copies is a dev text, most with a variant suffix; ads sample the
copies), through label_texts with every label, evidence, language and the learned layer.
Nothing synthesised is written to disk. Wall time depends on the machine's load: CPU time
(user + system, all threads) is printed beside it.

Usage: python benchmarks/bench_labels.py [--data PATH] [--ads 1000000] [--distinct 100000]
    [--speed-only]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared/data/ad_copy/ad_copy_dev.csv"
METHODS = ("rules", "model", "both", "majority")


def synthesise(data: Path, n_ads: int, n_distinct: int) -> pl.DataFrame:
    """N_ADS ads (text, cta_button) sampling N_DISTINCT copies made from the dev texts."""
    dev = pl.read_csv(data, infer_schema=False).select("text", "cta_button")
    base = np.arange(n_distinct) % dev.height
    copies = dev[base].with_columns(
        pl.when(pl.int_range(pl.len()) < dev.height)
        .then(pl.col("text"))
        .otherwise(pl.col("text") + " Offer " + pl.int_range(pl.len()).cast(pl.String) + ".")
    )
    picks = np.random.default_rng(0).integers(0, n_distinct, n_ads)
    return copies[picks]


def speed(data: Path, n_ads: int, n_distinct: int) -> dict:
    """Time label_texts on the synthesised ads; peak RSS of this process."""
    from creative_workbench.research.combine import label_texts

    ads = synthesise(data, n_ads, n_distinct)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    labelled = label_texts(ads, "text", button_col="cta_button")
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    return {
        "cpu_seconds": cpu,
        "ads": labelled.height,
        "distinct": n_distinct,
        "columns": labelled.width,
        "seconds": seconds,
        "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2,
    }


def print_table(result: dict) -> None:
    """The accuracy table; macro* leaves out angles with no gold label in the split."""
    print(f"{'split':9} {'method':9} {'angles F1 (P / R)':20} {'macro':>6}", end="")
    print(f" {'macro*':>6} {'CTA acc':>8} {'offer F1':>9}")
    for split, parts in result.items():
        for method in METHODS:
            s = parts[method]
            pr = f"{s['angles_f1']:.3f} ({s['angles_precision']:.2f} / {s['angles_recall']:.2f})"
            print(
                f"{split:9} {method:9} {pr:20} {s['angles_macro_f1']:6.3f} "
                f"{s['angles_macro_f1_present']:6.3f} "
                f"{s['cta_accuracy']:8.3f} {s['offer_f1']:9.3f}   n={parts['n']}"
            )


def accuracy(data: Path) -> None:
    """Print the accuracy table, held-out per-label figures and the model's CV figures."""
    from creative_workbench.research.copy_model import load_model
    from creative_workbench.research.label_eval import evaluate

    result = evaluate(data)
    print_table(result)
    print("held-out per label (n gold, P / R / F1): rules | both")
    rules, both = (result["held_out"]["per_label"][m] for m in ("rules", "both"))
    for label, s in both.items():
        r = rules[label]
        print(
            f"  {label:32} n={s['n']:3}  {r['precision']:.2f} / {r['recall']:.2f} / {r['f1']:.2f}"
            f"  |  {s['precision']:.2f} / {s['recall']:.2f} / {s['f1']:.2f}"
        )
    meta = load_model().meta
    print(f"model: C={meta['c']}, trained on {meta['n_train']} tune ads; {meta['split']}")
    print("model 5-fold out-of-fold F1 on the tune split (chosen mode per label):")
    for label, f1 in meta["cv_f1_of_chosen_mode"].items():
        print(f"  {label:32} {f1:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--ads", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, default=100_000)
    parser.add_argument("--speed-only", action="store_true", help="skip the accuracy table")
    parser.add_argument("--speed-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speed_child:
        print(json.dumps(speed(args.data, args.ads, args.distinct)))
        return
    if not args.speed_only:
        accuracy(args.data)
    command = [sys.executable, __file__, "--speed-child", "--data", str(args.data)]
    command += ["--ads", str(args.ads), "--distinct", str(args.distinct)]
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    s = json.loads(run.stdout.splitlines()[-1])
    print(
        f"speed: {s['ads']:,} ads ({s['distinct']:,} distinct copies), {s['columns']} columns "
        f"with evidence: {s['seconds']:.2f} s wall ({s['cpu_seconds']:.2f} s CPU), "
        f"peak RSS {s['peak_rss_gb']:.2f} GB"
    )


if __name__ == "__main__":
    main()
