"""The `workbench` command line as a producer meets it: help, errors in one line, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.projects import PROJECT_TOML, make_project


def workbench(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "creative_workbench.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_help_lists_every_command_with_one_line(tmp_path):
    result = workbench("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("reports", "run", "projects", "demo"):
        assert f"│ {command} " in result.stdout


def test_reports_lists_parameters(tmp_path):
    result = workbench("reports", cwd=tmp_path)
    assert result.returncode == 0
    assert "performance_forecast" in result.stdout and "week" in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "project_overview", "--project", "../etc"], "not allowed"),
        (["run", "project_overview", "--project", "nope"], "project 'nope' not found"),
        (["run", "no_such_report", "--project", "acme"], "unknown report 'no_such_report'"),
        (["run", "model_training", "--project", "acme", "-p", "test_weeks=abc"], "test_weeks"),
        (
            ["run", "project_overview", "--project", "acme", "-p", "colour=red"],
            "unknown parameter(s) colour",
        ),
        (["run", "--project", "acme"], "name one REPORT or pass --all"),
    ],
)
def test_user_errors_print_one_line_and_exit_2(tmp_path, args, expected):
    make_project(tmp_path)
    result = workbench(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert expected in lines[0] and "Traceback" not in result.stderr
    assert not (tmp_path / "reports").exists()


def test_malformed_toml_names_the_file(tmp_path):
    make_project(tmp_path, toml=PROJECT_TOML + "\nthis is not toml\n")
    result = workbench("run", "project_overview", "--project", "acme", cwd=tmp_path)
    assert result.returncode == 2
    assert "project.toml: malformed TOML" in result.stderr.replace("\n", "")


@pytest.mark.slow
def test_run_prints_the_report_path(tmp_path):
    make_project(tmp_path)
    result = workbench("run", "project_overview", "--project", "acme", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path.name == "project_overview.html" and path.is_file()
