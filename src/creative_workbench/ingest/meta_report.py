"""Meta Ad Library report CSV (the downloadable spend report) -> page-total rows.

The report has one row per page and period: "Page ID", "Page name", "Disclaimer",
"Amount spent (<CURRENCY>)" and "Number of ads in Library". Small amounts appear as "≤100".
It carries no dates; the period comes from the file name Meta gives it, e.g.
`FacebookAdLibraryReport_2024-05-01_US_last_30_days_advertisers.csv` (report date and
window). Rows become `record_kind = "page_total"`: they add spend to share of voice but are
not ads, so ad counts and labels ignore them.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from creative_workbench.errors import DataError
from creative_workbench.ingest.records import QualityLog, canonical_frame, decode_text, parse_bound
from creative_workbench.ingest.sources import AdSource

SOURCE = "meta_report"
PAGE_ID = "Page ID"
PAGE_NAME = "Page name"
ADS_COUNT = "Number of ads in Library"
_AMOUNT = re.compile(r"^Amount spent \(([A-Z]{3})\)$")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_WINDOW = re.compile(r"last_(\d+)_days", re.IGNORECASE)


def is_meta_report(columns: list[str]) -> bool:
    """True when a CSV header is the Ad Library spend report's."""
    return PAGE_NAME in columns and any(_AMOUNT.match(c) for c in columns)


def report_period(path: Path, log: QualityLog) -> tuple[datetime, datetime]:
    """(start, end) of the report from its file name; falls back to the file's mtime."""
    found = _DATE.search(path.name)
    if found:
        end = datetime.strptime(found.group(1), "%Y-%m-%d").replace(tzinfo=UTC)
    else:
        end = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        log.add(
            path,
            "file name",
            "missing_field",
            "no report date (YYYY-MM-DD) in the file name; used the file's modified date",
        )
    window = _WINDOW.search(path.name)
    days = int(window.group(1)) if window else 1
    return end - timedelta(days=days), end


def read_meta_report(path: Path, log: QualityLog) -> pl.DataFrame:
    """Read one Ad Library spend report into canonical page-total rows."""
    text = decode_text(path, log)
    try:
        raw = pl.read_csv(io.StringIO(text), infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        raise DataError(
            f"{path}: not a readable CSV ({' '.join(str(exc).split())[:120]})"
        ) from None
    amount_column = next((c for c in raw.columns if _AMOUNT.match(c)), None)
    if not is_meta_report(raw.columns) or amount_column is None:
        raise DataError(
            f"{path}: not an Ad Library report; expected columns "
            f"'{PAGE_NAME}' and 'Amount spent (USD)'"
        )
    currency = _AMOUNT.match(amount_column).group(1)
    start, end = report_period(path, log)
    rows = []
    for index, record in enumerate(raw.iter_rows(named=True)):
        where = f"row {index + 1}"
        name = (record.get(PAGE_NAME) or "").strip()
        if not name:
            log.add(path, where, "missing_field", f"'{PAGE_NAME}' is empty; row skipped")
            continue
        try:
            lower, upper = parse_bound(record.get(amount_column))
        except ValueError as exc:
            log.add(path, where, "wrong_type", f"{amount_column}: {exc}; spend left empty")
            lower = upper = None
        ads_count = _count(record.get(ADS_COUNT), path, where, log)
        page_id = (record.get(PAGE_ID) or "").strip() or None
        rows.append(
            {
                "source": SOURCE,
                "raw_id": f"{page_id or name}:{end.date().isoformat()}:{(end - start).days}d",
                "brand": name,
                "page_id": page_id,
                "start_time": start,
                "stop_time": end,
                "bylines": (record.get("Disclaimer") or "").strip() or None,
                "currency": currency,
                "spend_lower": lower,
                "spend_upper": upper,
                "record_kind": "page_total",
                "ads_in_library": ads_count,
                "source_file": str(path),
            }
        )
    return canonical_frame(rows)


def _count(value: str | None, path: Path, where: str, log: QualityLog) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).replace(",", "").strip())
    except ValueError:
        log.add(path, where, "wrong_type", f"'{ADS_COUNT}' {value!r} is not a whole number")
        return None


AD_SOURCES = (
    AdSource(
        SOURCE,
        frozenset({".csv", ".tsv"}),
        detect=lambda sample: is_meta_report(sample.columns),
        read=lambda sample: read_meta_report(sample.path, sample.log),
    ),
)
