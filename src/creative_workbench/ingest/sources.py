"""The ad-source registry: each competitor-ad format says how to recognise a file and read it.

A format is an `AdSource` (name, file suffixes, detect, read); modules expose them as
`AD_SOURCES` and register through creative_workbench.plugins (group
`creative_workbench.sources`), built-ins exactly like a studio's own. Detection looks at a
`SourceSample`: the path plus, read once and only when asked, the file's JSON records or its
table columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import polars as pl

from creative_workbench.ingest.mapping import scan_table
from creative_workbench.ingest.records import (
    QualityLog,
    RowBuilder,
    iter_json_records,
    records_to_frame,
)
from creative_workbench.plugins import registered

ENTRY_POINT_GROUP = "creative_workbench.sources"
BUILT_IN = (
    "creative_workbench.ingest.meta_api",
    "creative_workbench.ingest.tiktok",
    "creative_workbench.ingest.google_atc",
    "creative_workbench.ingest.meta_report",
)
JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".parquet"})


@dataclass
class SourceSample:
    """One file as detection sees it; records and columns are read at most once."""

    path: Path
    log: QualityLog

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    @cached_property
    def records(self) -> list[tuple[str, Any]]:
        """(label, record) pairs of a JSON / JSON Lines file (empty for other files)."""
        return list(iter_json_records(self.path, self.log)) if self.suffix in JSON_SUFFIXES else []

    @property
    def first_record(self) -> dict[str, Any] | None:
        """The first JSON object of the file, if any."""
        return next((r for _, r in self.records if isinstance(r, dict)), None)

    @cached_property
    def columns(self) -> list[str]:
        """Column names of a CSV/TSV/Parquet file (empty for other files)."""
        if self.suffix not in TABLE_SUFFIXES:
            return []
        return scan_table(self.path).collect_schema().names()


@dataclass(frozen=True)
class AdSource:
    """A competitor-ad format: its name (the `source` column), the suffixes it comes in,
    how to recognise a sample and how to read it into canonical ad rows.

    Attributes:
        carries_copy: its ads normally have copy, so empty copy is a data-quality warning.
    """

    name: str
    suffixes: frozenset[str]
    detect: Callable[[SourceSample], bool]
    read: Callable[[SourceSample], pl.DataFrame]
    carries_copy: bool = False


@cache
def ad_sources() -> dict[str, AdSource]:
    """Every registered ad source by name, built-ins first."""
    return registered(ENTRY_POINT_GROUP, BUILT_IN, "AD_SOURCES")


def detect_source(sample: SourceSample) -> AdSource | None:
    """The first registered source that takes SAMPLE's suffix and recognises it."""
    return next(
        (
            source
            for source in ad_sources().values()
            if sample.suffix in source.suffixes and source.detect(sample)
        ),
        None,
    )


def json_source(
    name: str,
    is_record: Callable[[Any], bool],
    build_row: RowBuilder,
    *,
    suffixes: frozenset[str] = JSON_SUFFIXES,
    carries_copy: bool = False,
) -> AdSource:
    """A JSON API format: recognised by its first record (IS_RECORD), read record by record
    with BUILD_ROW (which logs and returns None to skip a bad record)."""
    return AdSource(
        name,
        suffixes,
        detect=lambda sample: is_record(sample.first_record),
        read=lambda sample: records_to_frame(sample.records, build_row, sample.path, sample.log),
        carries_copy=carries_copy,
    )


def read_source(name: str, path: Path, log: QualityLog) -> pl.DataFrame:
    """Read PATH as the registered source NAME, whatever detection would say."""
    return ad_sources()[name].read(SourceSample(path, log))
