"""Bounds on parsed input: JSON size and nesting, lone surrogates, times and amounts.

Anything outside these bounds is a counted warning or a one-line DataError at the caller,
never a RecursionError, OverflowError or UnicodeEncodeError further down.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from creative_workbench.errors import DataError

MAX_JSON_BYTES = 512 * 2**20
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)
MAX_AMOUNT = 1e15  # counts and money above this are errors in the export, not data
REPLACEMENT = "\ufffd"

_SURROGATE = re.compile("[\ud800-\udfff]")
# A \\uD800-\\uDBFF escape not followed by a low one, or a low one not after a high one.
_LONE_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


class TooDeepError(ValueError):
    """A JSON document nests deeper than the parser can follow."""


def check_json_size(path: Path) -> None:
    """A DataError when PATH is larger than MAX_JSON_BYTES (it would be read into memory)."""
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise DataError(
            f"{path}: {size / 2**20:.0f} MB is larger than the {MAX_JSON_BYTES / 2**20:.0f} MB "
            "limit for one JSON file; split the export into smaller pages"
        )


def loads(text: str) -> tuple[Any, int]:
    """Parse JSON TEXT; returns (value, lone surrogates replaced by U+FFFD).

    Raises json.JSONDecodeError for bad syntax and TooDeepError for runaway nesting.
    """
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeepError("nested too deeply to read (thousands of levels)") from None
    if not _LONE_ESCAPE.search(text):
        return value, 0
    return _replace_surrogates(value)


def _replace_surrogates(value: Any) -> tuple[Any, int]:
    """VALUE with lone surrogates in every string and key replaced (containers in place)."""
    count = 0

    def fix(text: str) -> str:
        nonlocal count
        fixed, found = _SURROGATE.subn(REPLACEMENT, text)
        count += found
        return fixed

    if isinstance(value, str):
        return fix(value), count
    stack = [value] if isinstance(value, list | dict) else []
    while stack:  # iterative: the document may be nested as deep as the parser allows
        node = stack.pop()
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        if isinstance(node, dict):
            node.clear()
        for key, item in items:
            if isinstance(item, str):
                item = fix(item)
            elif isinstance(item, list | dict):
                stack.append(item)
            node[fix(key) if isinstance(key, str) else key] = item
    return value, count


def check_time(value: datetime) -> datetime:
    """VALUE when it lies between EARLIEST and LATEST, else ValueError."""
    if not EARLIEST <= value <= LATEST:
        raise ValueError(
            f"{value:%Y-%m-%d} is outside {EARLIEST:%Y}-{LATEST:%Y}; not a plausible date"
        )
    return value


def check_epoch(seconds: float) -> float:
    """SECONDS since 1970 when finite and within the date bounds, else ValueError."""
    if not math.isfinite(seconds) or not EARLIEST.timestamp() <= seconds <= LATEST.timestamp():
        raise ValueError(f"{seconds!r} is not a plausible time")
    return seconds


def check_amount(value: float) -> float:
    """VALUE when finite and at most MAX_AMOUNT in size, else ValueError."""
    if not math.isfinite(value) or abs(value) > MAX_AMOUNT:
        raise ValueError(f"{value!r} is not a plausible number")
    return value
