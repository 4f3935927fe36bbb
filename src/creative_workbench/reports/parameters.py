"""A report notebook's parameters, validated by the same pydantic models as `workbench run`.

A mistake in the parameters cell (a misspelled competitor, a bare string where a list
belongs, a date that is not YYYY-MM-DD) stops the notebook with one line saying what to
write instead, not a deep traceback or empty charts further down.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from difflib import get_close_matches
from typing import Any

import polars as pl
from pydantic import ValidationError

from creative_workbench.config import Project, describe_validation_error
from creative_workbench.errors import ReportError
from creative_workbench.pipeline.registry import ReportParams, get_report

DATE_ERRORS = {"date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"}
LIST_ERRORS = {"list_type"}


class ParameterError(ReportError):
    """A bad value in a notebook's parameters cell; shown in the notebook as one line."""

    def _render_traceback_(self) -> list[str]:
        """IPython shows this instead of a traceback (the message says what to fix)."""
        return [f"\x1b[1;31mParameter error:\x1b[0m {self}"]


def validate(report: str, values: Mapping[str, Any]) -> ReportParams:
    """REPORT's parameters taken from VALUES (a notebook passes `globals()`), validated.

    Raises:
        ParameterError: one line naming the parameter and the value to write instead.
    """
    spec = get_report(report)
    given = {name: values[name] for name in spec.params.model_fields if name in values}
    try:
        return spec.params.model_validate(given)
    except ValidationError as exc:
        raise ParameterError(_explain(exc, given)) from None


def _explain(exc: ValidationError, given: Mapping[str, Any]) -> str:
    first = exc.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else ""
    value = given.get(name)
    if first["type"] in DATE_ERRORS:
        example = date.today().replace(day=1).isoformat()
        return f"{name} = {value!r} is not a date: write {name} = {json.dumps(example)} (Y-M-D)"
    if first["type"] in LIST_ERRORS and len(first["loc"]) == 1:
        items = [value] if isinstance(value, str) else ["..."]
        return f"{name} must be a list: write {name} = {json.dumps(items)}"
    return describe_validation_error(exc)


def check_choices(name: str, given: Iterable[str], known: Iterable[str]) -> None:
    """Each of GIVEN must be one of KNOWN (case-insensitive), else a one-line error that
    names the closest match and the known values."""
    known = sorted({str(k) for k in known if k is not None})
    lowered = {k.lower(): k for k in known}
    for value in given:
        if str(value).strip().lower() in lowered:
            continue
        closest = get_close_matches(str(value).lower(), list(lowered), n=1, cutoff=0.6)
        hint = f"did you mean {lowered[closest[0]]!r}? " if closest else ""
        raise ParameterError(
            f"{name}: {value!r} is not in this project's data; {hint}known: {', '.join(known)}"
        )


def check_ad_filters(params: ReportParams, project: Project) -> None:
    """The competitors and platforms a competitive analysis names exist in PROJECT's ads."""
    from creative_workbench.ingest.ads import ingest_ads

    ads = ingest_ads(project).ads
    check_choices("competitors", getattr(params, "competitors", []), ads["brand"].unique())
    platforms = ads["platforms"].explode().drop_nulls().unique()
    check_choices("platforms", getattr(params, "platforms", []), platforms)


def in_window(frame: pl.DataFrame, params: ReportParams, column: str = "week") -> pl.DataFrame:
    """Rows of FRAME whose COLUMN (a date; for "week", the week's Monday) falls in the
    report's [start, end]: time charts then begin at `start` even when an ad began earlier.
    The week holding `start` is kept."""
    start, end = getattr(params, "start", None), getattr(params, "end", None)
    if column not in frame.columns:
        return frame
    values = pl.col(column).cast(pl.Date)
    if start is not None:
        first = date.fromordinal(start.toordinal() - start.weekday()) if column == "week" else start
        frame = frame.filter(values >= first)
    if end is not None:
        frame = frame.filter(values <= end)
    return frame
