"""When each ad file was captured ("as of" per source file).

An Ad Library page saved in June says nothing about August: a still-running ad in it is
known to run only until the page's capture date. A record's own `captured_at` (a mapped
column, a JSON field) wins; other rows take, in order: the `captured_at` of the file's
`[[mappings]]` entry, a `[captured_at]` glob in project.toml, or a date in the file name
(`brand_2026-06-30.json`, `brand__20260714T163948.json`). Otherwise it is unknown and the
analysis window's end is used.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from creative_workbench.config import ColumnMapping, Project
from creative_workbench.ingest.records import to_utc
from creative_workbench.ingest.values import date_in_name
from creative_workbench.paths import glob_inside_project


def file_capture(
    path: Path, project: Project, mapping: ColumnMapping | None
) -> tuple[datetime | None, str]:
    """(capture moment in UTC or None, where it came from) for the ad file PATH."""
    if mapping is not None and mapping.captured_at is not None:
        return _at(mapping.captured_at), "[[mappings]] captured_at"
    for pattern, day in project.config.captured_at.items():
        if path in glob_inside_project(project.root, pattern, "project.toml captured_at"):
            return _at(day), f"project.toml captured_at {pattern!r}"
    day = date_in_name(path.name)
    if day is not None:
        return _at(day), "file name"
    return None, "unknown"


def record_capture(record: Any) -> datetime | None:
    """A `captured_at` field of a JSON record (None when absent or not a date)."""
    if not isinstance(record, dict):
        return None
    try:
        return to_utc(record.get("captured_at"))
    except ValueError:
        return None


def with_capture(
    frame: pl.DataFrame, moment: datetime | None, how: str
) -> tuple[pl.DataFrame, datetime | None, str]:
    """FRAME with captured_at filled by MOMENT where its rows carry none; also the file's
    capture moment (the rows' latest when they carry their own) and its origin."""
    own = frame.get_column("captured_at").max() if frame.height else None
    if own is not None and frame.get_column("captured_at").null_count() == 0:
        return frame, own, "records"
    filled = frame.with_columns(
        pl.coalesce("captured_at", pl.lit(moment, pl.Datetime("us", "UTC"))).alias("captured_at")
    )
    if moment is not None:
        return filled, moment, how
    return filled, own, "records" if own is not None else "unknown"


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
