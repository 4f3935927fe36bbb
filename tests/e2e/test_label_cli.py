"""`workbench label` on the labelled real dev set reproduces the benchmark's held-out figures;
user errors are one line with exit 2."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from creative_workbench.research import label_eval
from tests.cli_run import workbench


@pytest.fixture(scope="module")
def dev_set(shared_data: Path) -> Path:
    return shared_data / "ad_copy" / "ad_copy_dev.csv"


def _ids(cell: str) -> set[str]:
    return {v for v in cell.split(";") if v and v != "none"}


def test_label_command_reproduces_the_benchmark(dev_set: Path, tmp_path: Path) -> None:
    out = tmp_path / "labelled.csv"
    run = workbench(
        "label",
        str(dev_set),
        "--text-column",
        "text",
        "--button-column",
        "cta_button",
        "--output",
        str(out),
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert "not labelled: language es" in run.stdout
    labelled = pl.read_csv(out, infer_schema=False)
    dev = pl.read_csv(dev_set, infer_schema=False)
    assert labelled.height == dev.height
    for column in ("lang", "angles", "cta", "offer", "angles_evidence", "angles_source"):
        assert column in labelled.columns
    assert labelled["angles_input"].to_list() == dev["angles"].to_list()  # input kept
    held_out = labelled.filter(
        pl.col("id").map_elements(label_eval.fold_of, return_dtype=pl.Int64)
        == label_eval.HELD_OUT_FOLD
    ).rename({"angles_input": "gold_angles", "cta_input": "gold_cta", "offer_input": "gold_offer"})
    figures = label_eval.score(
        held_out,
        [_ids(v) for v in held_out["angles"]],
        held_out["cta"].to_list(),
        [_ids(v) for v in held_out["offer"]],
    )
    expected = label_eval.evaluate(dev_set)["held_out"]["both"]
    assert figures == pytest.approx(expected, abs=1e-12)


def test_missing_column_is_one_line_naming_file_and_columns(dev_set: Path, tmp_path: Path):
    run = workbench(
        "label",
        str(dev_set),
        "--text-column",
        "body",
        "--output",
        str(tmp_path / "o.csv"),
        cwd=tmp_path,
    )
    assert run.returncode == 2, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    message = " ".join(run.stderr.split())
    assert "ad_copy_dev.csv" in message and "'body'" in message and "cta_button" in message
