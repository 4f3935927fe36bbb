"""Every threshold and parameter has a range: out-of-range values are one-line errors (exit 2)
before anything runs or is printed."""

from __future__ import annotations

import pytest

from creative_workbench.config import load_project_config
from creative_workbench.errors import ConfigError, ReportError
from creative_workbench.pipeline.runner import plan_jobs
from tests.cli_run import assert_one_line_error, workbench
from tests.projects import PROJECT_TOML, make_project


def _with_threshold(line: str) -> str:
    return PROJECT_TOML.replace("palette_delta_e = 4.0", f"palette_delta_e = 4.0\n{line}")


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("per_file_time_limit_s = inf", "per_file_time_limit_s"),
        ("per_file_time_limit_s = nan", "per_file_time_limit_s"),
        ("per_file_time_limit_s = 1e300", "per_file_time_limit_s"),
        ("loudness_tolerance_lu = -2", "loudness_tolerance_lu"),
        ("silence_dbfs = 10", "silence_dbfs"),
        ("silence_min_s = -5", "silence_min_s"),
        ("digital_silence_dbfs = 3", "digital_silence_dbfs"),
        ("clip_level_dbfs = 0.5", "clip_level_dbfs"),
        ("true_peak_max_dbtp = 2", "true_peak_max_dbtp"),
        ("end_card_min_hold_s = inf", "end_card_min_hold_s"),
        ("brand_early_s = nan", "brand_early_s"),
    ],
)
def test_out_of_range_threshold_is_a_config_error(tmp_path, line, key):
    folder = make_project(tmp_path, toml=_with_threshold(line))
    with pytest.raises(ConfigError) as caught:
        load_project_config(folder / "project.toml")
    message = str(caught.value)
    assert "\n" not in message and "project.toml" in message and f"thresholds.{key}" in message


def test_infinite_time_limit_fails_qa_in_one_line(tmp_path):
    folder = make_project(tmp_path, toml=_with_threshold("per_file_time_limit_s = inf"))
    (folder / "deliverables").mkdir()
    (folder / "deliverables" / "spot_meta_reels_v1.mp4").write_bytes(b"not a video")
    result = workbench("qa", "data/projects/acme/deliverables", "--project", "acme", cwd=tmp_path)
    line = assert_one_line_error(result)
    assert "project.toml" in line and "thresholds.per_file_time_limit_s" in line
    assert not (folder / "state.db").exists()


@pytest.mark.parametrize("budget", ["-1000", "nan", "inf", "0"])
def test_forecast_budget_must_be_positive_and_finite(tmp_path, budget):
    make_project(tmp_path)
    with pytest.raises(ReportError, match="budget") as caught:
        plan_jobs(["performance_forecast"], ["acme"], {"budget": budget})
    assert "\n" not in str(caught.value)


def test_forecast_budget_nan_on_the_command_line_is_one_line(tmp_path):
    make_project(tmp_path)
    result = workbench(
        "run", "performance_forecast", "--project", "acme", "-p", "budget=nan", cwd=tmp_path
    )
    assert "budget" in assert_one_line_error(result)
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize("workers", ["-1", "0"])
def test_run_workers_below_one_is_a_usage_error(tmp_path, workers):
    make_project(tmp_path)
    result = workbench(
        "run", "project_overview", "--project", "acme", "--workers", workers, cwd=tmp_path
    )
    assert "--workers" in assert_one_line_error(result)
    assert not (tmp_path / "reports").exists()


def test_output_path_that_is_a_directory_fails_before_any_result(tmp_path):
    folder = make_project(tmp_path)
    (folder / "deliverables").mkdir()
    (folder / "deliverables" / "spot_meta_reels_v1.mp4").write_bytes(b"not a video")
    (tmp_path / "out").mkdir()
    result = workbench(
        "qa", "data/projects/acme/deliverables", "--project", "acme", "--json", "out", cwd=tmp_path
    )
    line = assert_one_line_error(result)
    assert "--json out" in line and "is a directory" in line
    assert result.stdout == ""
    assert not (folder / "state.db").exists()


def test_junit_path_under_a_file_is_refused(tmp_path):
    from creative_workbench.cli.qa import check_output_path
    from creative_workbench.errors import WorkbenchError

    (tmp_path / "report.txt").write_text("", "utf-8")
    with pytest.raises(WorkbenchError, match="is a directory"):
        check_output_path("--junit", tmp_path)
    with pytest.raises(WorkbenchError, match="is not a directory"):
        check_output_path("--junit", tmp_path / "report.txt" / "junit.xml")


@pytest.mark.parametrize("workers", [-1, 0])
def test_library_runs_refuse_fewer_than_one_worker(tmp_path, workers):
    from creative_workbench.config import Workspace
    from creative_workbench.errors import WorkbenchError
    from creative_workbench.pipeline.runner import run_jobs

    make_project(tmp_path)
    with pytest.raises(WorkbenchError, match="at least 1"):
        run_jobs(
            plan_jobs(["project_overview"], ["acme"]), Workspace(tmp_path), max_workers=workers
        )
    assert not (tmp_path / "reports").exists()
