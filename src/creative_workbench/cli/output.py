"""One safe printer: data-derived text is markup-escaped and control characters replaced."""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape

# C0 controls except tab and newline, DEL, and the C1 range.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_REPLACEMENT = "\ufffd"


def safe(text: object) -> str:
    """TEXT ready for a rich console: markup escaped, control characters shown as U+FFFD."""
    return escape(_CONTROL.sub(_REPLACEMENT, str(text)))


def print_error(exc: BaseException, console: Console | None = None) -> None:
    """Print a user error as one red line on stderr, its message escaped."""
    console = console or Console(stderr=True)
    message = " ".join(safe(exc).splitlines()) or type(exc).__name__
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
