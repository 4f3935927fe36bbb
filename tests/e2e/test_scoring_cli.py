"""A new analyst with only a performance export: `workbench new`, `train` (evaluation chosen
from the data, paired CIs), `models show`, `predict`; user errors in one line, exit 2."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.cli_run import assert_one_line_error, workbench


@pytest.fixture(scope="module")
def kag_project(shared_data, tmp_path_factory) -> Path:
    """A workspace whose project `kag` is the KAG export and nothing else, trained once."""
    root = tmp_path_factory.mktemp("kag")
    export = shared_data / "performance" / "KAG_conversion_data.csv"
    created = workbench("new", "kag", "--performance", str(export), cwd=root)
    assert created.returncode == 0, created.stderr
    trained = workbench("train", "--project", "kag", "--promote", cwd=root)
    assert trained.returncode == 0, trained.stderr
    (root / "train.out").write_text(trained.stdout)
    return root


def test_new_project_scaffold_is_commented_and_loads(kag_project):
    folder = kag_project / "data" / "projects" / "kag"
    text = (folder / "project.toml").read_text()
    assert 'client = "kag"' in text and '# clicks_over_impressions = "drop"' in text
    assert (folder / "_brand.yml").is_file() and (folder / "raw" / "creatives").is_dir()
    again = workbench("new", "kag", cwd=kag_project)
    assert_one_line_error(again, "already exists")


def test_performance_export_alone_trains_with_grouped_cv_and_paired_intervals(kag_project):
    output = (kag_project / "train.out").read_text()
    assert "grouped 5-fold CV by creative_id" in output
    for baseline in ("global rate", "entity history (shrunk)", "logistic regression"):
        assert baseline in output
    assert "95 % CI" in output and "Approved_Conversion" in output
    assert "…" not in output  # metric tables are never cut at 80 columns
    shown = workbench("models", "show", "v0001", "--project", "kag", cwd=kag_project)
    assert shown.returncode == 0 and "performance export" in shown.stdout


def test_time_split_on_lifetime_totals_says_what_to_use(kag_project):
    result = workbench("train", "--project", "kag", "--eval", "time", cwd=kag_project)
    assert_one_line_error(result, "lifetime totals", "--eval grouped")


def test_predict_scores_candidates_and_flags_values_without_history(kag_project):
    candidates = kag_project / "candidates.csv"
    candidates.write_text(
        "name,campaign,ad_set,age,gender,interest\n"
        "known,1178,144531,30-34,M,10\n"
        "new interest,1178,144531,30-34,M,999\n"
    )
    scored = kag_project / "scored.csv"
    result = workbench(
        "predict",
        "--project",
        "kag",
        "--input",
        str(candidates),
        "--output",
        str(scored),
        cwd=kag_project,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(scored.open()))
    assert [r["name"] for r in rows] == ["known", "new interest"]
    for row in rows:
        assert float(row["ctr_lower"]) <= float(row["ctr"]) <= float(row["ctr_upper"])
    assert rows[0]["new_values"] == "" and rows[1]["new_values"] == "interest = 999"
    assert "new value — no history" in rows[1]["reasons"]
    missing = workbench(
        "predict",
        "--project",
        "kag",
        "--input",
        "nope.csv",
        "--output",
        str(scored),
        cwd=kag_project,
    )
    assert_one_line_error(missing, "nope.csv", "not found")


def test_hostile_numbers_in_a_project_export_fail_in_one_line(kag_project, tmp_path):
    created = workbench("new", "hostile", cwd=kag_project)
    assert created.returncode == 0
    folder = kag_project / "data" / "projects" / "hostile" / "raw" / "performance"
    (folder / "google.csv").write_text(
        "Ad ID,Day,Campaign,Impr.,Clicks,Cost,Conversions\n1,2026-10-01,Brand,1e30,5,inf,0\n"
    )
    result = workbench("train", "--project", "hostile", cwd=kag_project)
    assert_one_line_error(result, "google.csv", "'Impr.'", "infinite or above")
