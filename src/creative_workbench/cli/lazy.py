"""Lazy command registration: `workbench --help` lists commands without importing them.

Each command lives in a module under `creative_workbench.cli` with a `register(app)` function
(plain typer). The top-level group knows only each command's name, module and one-line
summary; the module is imported when its command runs (or its own `--help` is asked for).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

import typer
from typer.core import TyperCommand, TyperGroup

CLI_PACKAGE = "creative_workbench.cli"


@dataclass(frozen=True)
class LazyCommand:
    """A command known by name before its module is imported.

    Attributes:
        name: what the user types (`workbench NAME`); a command or a command group.
        module: module under creative_workbench.cli whose `register(app)` adds NAME.
        summary: the line `workbench --help` shows (the command's docstring, first line).
    """

    name: str
    module: str
    summary: str

    def load(self) -> TyperCommand | TyperGroup:
        """Import the module and return the real click command (or group) called NAME."""
        group = module_commands(self.module)
        if self.name not in group.commands:
            raise LookupError(
                f"{CLI_PACKAGE}.{self.module}.register() does not add a command {self.name!r}"
            )
        return group.commands[self.name]


@cache
def module_commands(module: str) -> TyperGroup:
    """The commands MODULE registers, as a click group (imported once per process)."""
    sub_app = typer.Typer()
    importlib.import_module(f"{CLI_PACKAGE}.{module}").register(sub_app)
    return typer.main.get_group(sub_app)


class CommandSummary(TyperCommand):
    """Stands in for a command in the help listing and in typo suggestions."""

    def __init__(self, entry: LazyCommand) -> None:
        super().__init__(entry.name, help=entry.summary)
        self.entry = entry


class LazyGroup(TyperGroup):
    """A typer group whose subcommands (ENTRIES) are imported only when used."""

    entries: tuple[LazyCommand, ...] = ()

    def __init__(self, **attrs) -> None:
        super().__init__(**attrs)
        for entry in self.entries:
            self.commands.setdefault(entry.name, CommandSummary(entry))
        self._listing = False

    def get_command(self, ctx, cmd_name: str):
        """The real command CMD_NAME (its summary only while this group's help is shown)."""
        command = super().get_command(ctx, cmd_name)
        if isinstance(command, CommandSummary) and not self._listing:
            command = self.commands[cmd_name] = command.entry.load()
        return command

    def format_help(self, ctx, formatter) -> None:
        """Help for this group: list the summaries without importing any command module."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
