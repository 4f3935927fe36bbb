"""Shared ingest helpers: the data-quality log, safe text/JSON reading and value parsers.

Every adapter reports bad input through a `QualityLog` (a counted warning naming file and
record) or raises `DataError` (a one-line message naming the file); nothing is dropped
silently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from creative_workbench.errors import DataError
from creative_workbench.ingest.limits import (
    TooDeepError,
    check_amount,
    check_epoch,
    check_json_size,
    check_time,
    loads,
)
from creative_workbench.schemas import AdsSchema

ADS_COLUMNS: dict[str, pl.DataType] = {
    name: column.dtype.type for name, column in AdsSchema.to_schema().columns.items()
}
JSON_LINES_SUFFIXES = {".jsonl", ".ndjson"}
_BOUND = re.compile(r"^\s*([<>≤≥]=?)?\s*\$?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([kKmMbB]?)\s*\+?\s*$")
_SCALE = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9}


@dataclass(frozen=True)
class DataWarning:
    """One counted data-quality problem: where it is and what was done about it."""

    file: str
    record: str
    kind: str
    message: str


@dataclass
class QualityLog:
    """Collects data-quality warnings while files are read."""

    warnings: list[DataWarning] = field(default_factory=list)

    def add(self, file: Path | str, record: object, kind: str, message: str) -> None:
        """Record a warning for FILE and RECORD (an index, line or id)."""
        self.warnings.append(DataWarning(str(file), str(record), kind, message))

    def to_frame(self) -> pl.DataFrame:
        """All warnings as a table (file, record, kind, message)."""
        return pl.DataFrame(
            [w.__dict__ for w in self.warnings],
            schema={"file": pl.Utf8, "record": pl.Utf8, "kind": pl.Utf8, "message": pl.Utf8},
        )

    def counts(self) -> pl.DataFrame:
        """Number of warnings per kind, largest first."""
        return (
            self.to_frame()
            .group_by("kind")
            .agg(pl.len().alias("count"), pl.col("file").n_unique().alias("files"))
            .sort(["count", "kind"], descending=[True, False])
        )


def decode_text(path: Path, log: QualityLog | None = None) -> str:
    """The text of PATH: UTF-8 (BOM dropped) or UTF-16 with a BOM, line endings as LF.

    Bytes that are not UTF-8 are replaced by U+FFFD and counted in LOG; without a LOG they
    stop the read with a DataError saying how to re-export the file."""
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if log is None:
                raise DataError(
                    f"{path}: not UTF-8 or UTF-16 text; export it as CSV UTF-8"
                ) from None
            text = data.decode("utf-8", errors="replace")
            log.add(
                path,
                f"byte {exc.start}",
                "non_utf8",
                f"{text.count(chr(0xFFFD))} byte sequence(s) are not UTF-8 (first at byte "
                f"{exc.start}); shown as U+FFFD; re-export the file as UTF-8",
            )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def iter_json_records(path: Path, log: QualityLog) -> Iterator[tuple[str, Any]]:
    """Yield (record label, object) from a JSON file, a saved API page or JSON Lines.

    A page `{"data": [...]}` or a list yields its items; JSON Lines yields each line (a bad
    line is a counted warning). A whole file that is not JSON (or nested without end) raises
    DataError; lone surrogates are replaced and counted.
    """
    check_json_size(path)
    text = decode_text(path, log)
    if path.suffix.lower() in JSON_LINES_SUFFIXES:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = _loads(line, path, f"line {number}", log)
            except TooDeepError as exc:
                log.add(path, f"line {number}", "too_deep", f"{exc}; record skipped")
                continue
            except json.JSONDecodeError as exc:
                log.add(
                    path,
                    f"line {number}",
                    "malformed_json",
                    f"line {number} is not JSON ({exc.msg}); record skipped",
                )
                continue
            for index, record in enumerate(_unwrap(item)):
                yield (f"line {number}" if index == 0 else f"line {number}.{index}"), record
        return
    try:
        document = _loads(text, path, "file", log)
    except TooDeepError as exc:
        raise DataError(f"{path}: JSON {exc}; fix the file or move it out of raw/ads") from None
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path}: malformed JSON at line {exc.lineno} column {exc.colno} ({exc.msg}); "
            "fix the file or move it out of raw/ads"
        ) from None
    for index, record in enumerate(_unwrap(document)):
        yield f"record {index}", record


def _loads(text: str, path: Path, where: str, log: QualityLog) -> Any:
    value, replaced = loads(text)
    if replaced:
        log.add(
            path,
            where,
            "lone_surrogate",
            f"{replaced} unpaired UTF-16 surrogate escape(s) shown as U+FFFD",
        )
    return value


def _unwrap(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        data = document.get("data")
        if isinstance(data, list):
            return data
        if isinstance(data, dict):
            for key in ("ads", "items", "results"):
                if isinstance(data.get(key), list):
                    return data[key]
            return [data]
        return [document]
    return [document]


def to_utc(value: Any) -> datetime | None:
    """Parse an ISO date/datetime, '+0000' offsets, yyyymmdd ints or epoch numbers to UTC.

    Naive timestamps are taken as UTC. Raises ValueError for anything else.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date")
    if isinstance(value, int | float):
        return _from_number(float(value))
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{8}", text):
            return check_time(datetime.strptime(text, "%Y%m%d").replace(tzinfo=UTC))
        if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
            return _from_number(float(text))
        text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text.replace("Z", "+00:00"))
        parsed = datetime.fromisoformat(text)
        parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
        return check_time(parsed)
    raise ValueError(f"{value!r} is not a date")


def _from_number(number: float) -> datetime:
    if 19000101 <= number <= 21001231:
        return check_time(datetime.strptime(str(int(number)), "%Y%m%d").replace(tzinfo=UTC))
    seconds = number / 1000 if number > 1e11 else number
    return datetime.fromtimestamp(check_epoch(seconds), tz=UTC)


def parse_bound(value: Any) -> tuple[float | None, float | None]:
    """A count or amount as (lower, upper).

    '≤100' -> (0, 100), '>1M' -> (1e6, None), '30K' -> (3e4, 3e4), 250 -> (250, 250).

    Raises ValueError for text that is not a number.
    """
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        return check_amount(float(value)), check_amount(float(value))
    match = _BOUND.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a number")
    sign, digits, suffix = match.groups()
    number = check_amount(float(digits.replace(",", "")) * _SCALE[suffix.lower()])
    if sign in {"<", "≤", "<="}:
        return 0.0, number
    if sign in {">", "≥", ">="} or str(value).strip().endswith("+"):
        return number, None
    return number, number


def parse_range(value: Any) -> tuple[float | None, float | None]:
    """A range object {'lower_bound', 'upper_bound'} or text '10K-100K' as (lower, upper).

    A missing upper bound is the open top bucket (None). Raises ValueError on bad values.
    """
    if isinstance(value, dict):
        lower = parse_bound(value.get("lower_bound"))[0]
        upper = parse_bound(value.get("upper_bound"))[1]
        return lower, upper
    if isinstance(value, str) and re.search(r"\d[kKmMbB]?\s*[-–]\s*\d", value):
        low_text, high_text = re.split(r"\s*[-–]\s*", value.strip(), maxsplit=1)
        return parse_bound(low_text)[0], parse_bound(high_text)[1]
    return parse_bound(value)


def text_list(value: Any, path: Path, record: str, name: str, log: QualityLog) -> list[str]:
    """A list-of-text field; a bare string is accepted as one item and counted as wrong type."""
    if value is None:
        return []
    if isinstance(value, str):
        log.add(path, record, "wrong_type", f"{name} should be a list of text; read as one item")
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    log.add(
        path,
        record,
        "wrong_type",
        f"{name} should be a list of text, got {type(value).__name__}; ignored",
    )
    return []


def to_json(value: Any) -> str | None:
    """Nested structures kept verbatim as compact JSON text (None stays None)."""
    return None if value in (None, [], {}) else json.dumps(value, ensure_ascii=False)


def canonical_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Rows (dicts with any subset of the canonical columns) as a frame of the ads schema."""
    base: dict[str, Any] = {"card_count": 0, "reach_is_estimate": False, "record_kind": "ad"}
    full = [{**base, **{k: row.get(k, base.get(k)) for k in ADS_COLUMNS}} for row in rows]
    return (
        pl.DataFrame(full, schema=ADS_COLUMNS, orient="row")
        if full
        else pl.DataFrame(schema=ADS_COLUMNS)
    )


RowBuilder = Callable[[Any, str, Path, QualityLog], dict[str, Any] | None]


def records_to_frame(
    records: Iterable[tuple[str, Any]], build_row: RowBuilder, path: Path, log: QualityLog
) -> pl.DataFrame:
    """Canonical rows from (label, record) pairs; BUILD_ROW logs and returns None to skip one."""
    rows = (build_row(record, label, path, log) for label, record in records)
    return canonical_frame([row for row in rows if row is not None])
