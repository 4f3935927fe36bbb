"""Exceptions a user can cause; the CLI prints them in one line and exits 2."""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base class: a problem the user can fix, with a message saying how."""

    exit_code = 2


class ConfigError(WorkbenchError):
    """A project file (project.toml, _brand.yml) is missing, malformed or invalid."""


class ProjectNotFoundError(WorkbenchError):
    """The named project folder does not exist or the name is unsafe."""


class DataError(WorkbenchError):
    """An input table fails validation; the message names file, column and rows."""


class ReportError(WorkbenchError):
    """A report is unknown, got bad parameters, or its notebook failed."""


class MediaError(WorkbenchError):
    """A media file cannot be opened or decoded."""


class WorkFailedError(WorkbenchError):
    """The input was fine but the work did not pass or finish (a QA fail, a failed report):
    exit code 1, as a failed test run; user errors exit 2."""

    exit_code = 1
