"""The `workbench` command line: one typer app, one module per group of commands."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from creative_workbench.errors import WorkbenchError

app = typer.Typer(
    name="workbench",
    help="Creative Workbench: research, concepts, QA, scoring and reports for client projects.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)


def _register_commands() -> None:
    # Each module adds its commands to `app`; the order here is the order in --help.
    from creative_workbench.cli import core, demo, models, qa, research, webapp

    for module in (core, demo, research, qa, models, webapp):
        module.register(app)


def main() -> None:
    """Entry point: run the app; a user error prints one line and exits 2."""
    _register_commands()
    try:
        code = app(standalone_mode=False)
    except WorkbenchError as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        console.print("aborted")
        sys.exit(130)
    except Exception as exc:  # click usage errors carry their own exit codes
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Exit):
            sys.exit(exc.exit_code)
        raise
    # Without standalone mode, click returns typer.Exit's code instead of exiting.
    sys.exit(code if isinstance(code, int) else 0)
