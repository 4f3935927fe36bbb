"""The `workbench` command line as a producer meets it: help, errors in one line, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from creative_workbench.cli import COMMANDS, main
from creative_workbench.cli.lazy import module_commands
from tests.cli_run import workbench
from tests.projects import PROJECT_TOML, make_project

HEAVY = {
    "polars",
    "pandera",
    "xgboost",
    "sklearn",
    "av",
    "papermill",
    "plotly",
    "numpy",
    "pydantic",
}
LIGHT = {"creative_workbench.cli", "creative_workbench.cli.lazy", "creative_workbench.errors"}


def test_help_lists_every_command_with_one_line(tmp_path):
    result = workbench("--help", cwd=tmp_path)
    assert result.returncode == 0
    for entry in COMMANDS:
        assert f"│ {entry.name} " in result.stdout


def test_help_imports_no_command_module_or_heavy_dependency(tmp_path):
    probe = (
        "import sys\nfrom creative_workbench.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('MODULES', *sorted(sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    loaded = set(result.stdout.split("MODULES")[-1].split())
    assert {m for m in loaded if m.split(".")[0] in HEAVY} == set()
    assert {m for m in loaded if m.startswith("creative_workbench.")} <= LIGHT


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda e: e.name)
def test_each_listed_command_loads_with_its_summary(entry):
    command = entry.load()
    assert command.name == entry.name
    first_line = (command.help or "").strip().splitlines()[0]
    assert entry.summary == first_line, "update the summary in cli/__init__.py COMMANDS"


def test_every_registered_command_is_listed():
    listed = {entry.name for entry in COMMANDS}
    for module in {entry.module for entry in COMMANDS}:
        registered = set(module_commands(module).commands)
        assert registered <= listed, f"cli/{module}.py registers unlisted {registered - listed}"


def test_misspelled_command_prints_one_line_with_a_suggestion(tmp_path):
    result = workbench("rnu", "--project", "demo", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: No such command 'rnu'. Did you mean 'run'? (see `workbench --help`)"
    )
    nested = workbench("models", "lsit", cwd=tmp_path)
    assert nested.returncode == 2 and "Did you mean 'list'?" in nested.stderr
    assert len(nested.stderr.strip().splitlines()) == 1


def test_misspelled_option_prints_one_line_with_a_suggestion(tmp_path):
    result = workbench("run", "project_overview", "--projct", "demo", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: No such option: --projct. Did you mean --project? (see `workbench run --help`)"
    )


def _leaf_commands() -> list[tuple[list[str], object]]:
    leaves = []
    for entry in COMMANDS:
        command = entry.load()
        for name, sub in getattr(command, "commands", {}).items():
            leaves.append(([entry.name, name], sub))
        if not hasattr(command, "commands"):
            leaves.append(([entry.name], command))
    return leaves


@pytest.mark.parametrize("path_and_command", _leaf_commands(), ids=lambda p: " ".join(p[0]))
def test_every_command_forgives_a_misspelled_option(path_and_command, capsys):
    path, command = path_and_command
    options = [o for p in command.params for o in getattr(p, "opts", []) if o.startswith("--")]
    options = [o for o in options if len(o) > 5 and o != "--help"]
    typo = options[0][:-2] + options[0][-1] if options else "--verbose"
    with pytest.raises(SystemExit) as stopped:
        main([*path, typo])
    err = capsys.readouterr().err.strip()
    assert stopped.value.code == 2
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"error: No such option: {typo}")
    if options:
        assert f"Did you mean {options[0]}?" in err


def test_markup_in_a_message_is_printed_literally(tmp_path):
    make_project(tmp_path)
    result = workbench("run", "project_overview", "--project", "[red]x[/red]", cwd=tmp_path)
    assert result.returncode == 2
    assert "'[red]x[/red]' is not allowed" in result.stderr


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
