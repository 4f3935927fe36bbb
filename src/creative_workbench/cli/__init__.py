"""The `workbench` command line: one typer app, one module per group of commands.

Commands load lazily: `workbench --help` imports none of them, and `workbench qa ...` imports
only cli/qa.py (which imports its stage's heavy dependencies inside the command function).

To add a command: write `cli/NAME.py` with `register(app)` adding it to a typer app as usual,
then add one `LazyCommand(name, module, summary)` line to COMMANDS below; the summary is the
first line of the command's docstring (tests/e2e/test_cli.py checks they match).
"""

from __future__ import annotations

import sys
from difflib import get_close_matches

import typer

from creative_workbench.cli.lazy import LazyCommand, LazyGroup
from creative_workbench.errors import WorkbenchError

# The order here is the order in `workbench --help`.
COMMANDS: tuple[LazyCommand, ...] = (
    LazyCommand("reports", "core", "List the registered reports and their parameters."),
    LazyCommand(
        "run",
        "core",
        "Run reports on projects with papermill and write offline HTML under reports/.",
    ),
    LazyCommand("projects", "core", "List the projects in the workspace."),
    LazyCommand("lab", "lab", "Open JupyterLab on the workspace with each project's notebooks."),
    LazyCommand(
        "demo", "demo", "Build the seeded demo project (Northwind Running and five competitors)."
    ),
    LazyCommand(
        "ingest",
        "research",
        "Build the canonical competitor ads table and print counts and data-quality warnings.",
    ),
    LazyCommand(
        "label",
        "label",
        "Label a CSV of ad copy: language, angles, CTA and offer with evidence and confidence.",
    ),
    LazyCommand(
        "qa",
        "qa",
        "Check deliverables; exit 0 when all pass, 1 when any fails (warnings only with --strict).",
    ),
    LazyCommand(
        "train",
        "models",
        "Train a scoring model on the project's performance history and register it.",
    ),
    LazyCommand(
        "loudness",
        "loudness",
        "Measure loudness: integrated, range (LRA), max momentary and short-term, true peak.",
    ),
    LazyCommand("models", "models", "List, inspect and promote scoring models."),
    LazyCommand(
        "concepts", "concepts", "Turn white space into concept briefs, cards and prompt packs."
    ),
    LazyCommand(
        "new",
        "projects",
        "Create a project folder: commented project.toml, _brand.yml template, raw/ folders.",
    ),
    LazyCommand(
        "predict", "projects", "Score a CSV of candidate creatives with the promoted model."
    ),
    LazyCommand(
        "app",
        "webapp",
        "Serve the project's ads explorer (filters, cards, boards) at http://127.0.0.1:PORT/.",
    ),
    # orchestration (issue 14): the stage machine, automatic transitions, checkpoints
    LazyCommand(
        "tick",
        "orchestration",
        "Move projects one idempotent step: run what is ready, ask people what needs a decision.",
    ),
    LazyCommand(
        "watch",
        "orchestration",
        "Tick projects whenever their raw inputs or deliverables change (Ctrl-C stops).",
    ),
    LazyCommand(
        "status",
        "orchestration",
        "Show each project's stage and who it waits on; exit 0 fine, 1 failed, 3 decision needed.",
    ),
    LazyCommand(
        "approve",
        "orchestration",
        "Sign off a stage waiting on your decision (QA: waive one failing finding).",
    ),
    LazyCommand(
        "reject",
        "orchestration",
        "Send a stage waiting on your decision back (it waits for new input).",
    ),
    LazyCommand(
        "deliver",
        "delivery",
        "Build the delivery package for the latest sign-off: QA-passed or waived files only.",
    ),
    LazyCommand(
        "verify-delivery",
        "delivery",
        "Re-hash delivery packages against manifest and seal; exit 1 on any mismatch.",
    ),
)


class WorkbenchGroup(LazyGroup):
    """The top-level `workbench` group: the commands in COMMANDS, loaded on use."""

    entries = COMMANDS


app = typer.Typer(
    name="workbench",
    cls=WorkbenchGroup,
    help="Creative Workbench: research, concepts, QA, scoring and reports for client projects.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _workbench() -> None:
    """Creative Workbench: research, concepts, QA, scoring and reports for client projects."""


def _register_commands() -> list[str]:
    """Load every command now (tests, docs); `workbench` itself loads them on use."""
    return [entry.load().name or entry.name for entry in COMMANDS]


def print_error(message: str) -> None:
    """Print a user error as one safe line on stderr (the printer loads only when needed)."""
    from creative_workbench.cli import output

    output.print_error(message)


def usage_message(exc: typer.TyperException) -> str:
    """One line for a command-line mistake (typo in a command or option, bad value)."""
    message = exc.format_message()
    possibilities = list(getattr(exc, "possibilities", None) or [])
    if possibilities:  # click lists every close option; name the closest one
        closest = get_close_matches(getattr(exc, "option_name", ""), possibilities, n=1, cutoff=0)
        message = f"{exc.message}. Did you mean {closest[0]}?"
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        message += f" (see `{ctx.command_path} --help`)"
    return " ".join(message.split())


def main(args: list[str] | None = None) -> None:
    """Entry point: run the app; a user error prints one line and exits (2 for usage errors)."""
    try:
        code = app(args, prog_name="workbench", standalone_mode=False)
    except WorkbenchError as exc:
        print_error(str(exc))
        sys.exit(exc.exit_code)
    except typer.Abort:
        print_error("aborted")
        sys.exit(130)
    except typer.TyperException as exc:  # click's usage errors, bundled inside typer
        shown = exc.format_message().strip()
        if "\n" in shown:  # a group called without a command: its help
            getattr(exc, "show", print)()
        elif shown:  # (typer's rich help has already printed it and left no message)
            print_error(usage_message(exc))
        sys.exit(exc.exit_code)
    # Without standalone mode, click returns typer.Exit's code (a command's `--help`: 0).
    sys.exit(code if isinstance(code, int) else 0)
