"""Cell parsers for mapped ad exports (polars expressions): amounts with a currency in the
cell ("400.00 RUB"), thousands separators ("119;800", "1,234", "1 234"), lists with any
separator and dates whose time zone is an abbreviation ("06/12/15 05:19:43 AM PDT").

Unparseable cells become null; the caller counts them as data-quality warnings.
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl

# UTC offsets in minutes. Ambiguous abbreviations take their most common meaning in ad
# exports: CST is US Central (not China), IST is India, BST is British Summer Time.
TZ_OFFSETS: dict[str, int] = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "IST": 330,
    "CET": 60, "CEST": 120, "MET": 60, "MEST": 120, "EET": 120, "EEST": 180, "MSK": 180,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
    "AST": -240, "ADT": -180, "NST": -210, "NDT": -150,
    "JST": 540, "KST": 540, "HKT": 480, "SGT": 480, "AWST": 480, "ACST": 570, "ACDT": 630,
    "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
}  # fmt: skip
NAIVE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y%m%d",
)
AWARE_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z")
_TZ_SUFFIX = r"\s+\(?([A-Za-z]{1,5})\)?$"
_CURRENCY_CODE = r"[A-Z]{3}"
_SYMBOLS = r"[$€£¥₽₹]"
# digits in groups of three with one separator: ',' ';' ' ' (incl. no-break spaces) or "'"
_GROUPED = r"^[-+]?\d{1,3}(?:([,; \u00a0\u202f'])\d{3})(?:[,; \u00a0\u202f']\d{3})*(?:\.\d+)?$"
_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d{2})[-_]?(0[1-9]|1[0-2])[-_]?(0[1-9]|[12]\d|3[01])(?!\d)")


def _text(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Utf8).str.strip_chars()


def _currency_code(column: str) -> pl.Expr:
    text = _text(column)
    return pl.coalesce(
        text.str.extract(rf"^({_CURRENCY_CODE})\s*[-+\d]"),
        text.str.extract(rf"\d\s*({_CURRENCY_CODE})$"),
    )


def number(column: str) -> pl.Expr:
    """A number cell as Float64: currency codes/symbols dropped, thousands separators
    removed ("119;800", "1,234", "1 234", "1'234"); anything else becomes null."""
    text = (
        _text(column)
        .str.replace(rf"^{_CURRENCY_CODE}\s*|\s*{_CURRENCY_CODE}$", "")
        .str.replace_all(_SYMBOLS, "")
        .str.strip_chars()
    )
    grouped = text.str.contains(_GROUPED)
    plain = pl.when(grouped).then(text.str.replace_all(r"[,; \u00a0\u202f']", "")).otherwise(text)
    return plain.cast(pl.Float64, strict=False)


def amount_and_currency(column: str) -> tuple[pl.Expr, pl.Expr]:
    """(amount, currency code or null) from one cell such as "400.00 RUB" or "USD 1,234"."""
    return number(column), _currency_code(column)


def split_list(column: str, separator: str = ",") -> pl.Expr:
    """A text cell split on SEPARATOR into a list of stripped, non-empty items."""
    return (
        pl.col(column)
        .cast(pl.Utf8)
        .str.split(separator)
        .list.eval(pl.element().str.strip_chars().filter(pl.element().str.strip_chars() != ""))
    )


def parse_utc(column: str, date_format: str | None = None) -> pl.Expr:
    """Text (or date/datetime) column -> UTC datetime; unparseable values become null.

    A trailing time-zone abbreviation (PST, PDT, EST, CET, ...; see TZ_OFFSETS) is honoured;
    a `%Z` in DATE_FORMAT stands for it. Without a format, ISO forms are tried.
    """
    raw = _text(column)
    zone = raw.str.extract(_TZ_SUFFIX).str.to_uppercase()
    known = zone.is_in(list(TZ_OFFSETS))
    text = pl.when(known).then(raw.str.replace(_TZ_SUFFIX, "")).otherwise(raw)
    minutes = zone.replace_strict(TZ_OFFSETS, default=None, return_dtype=pl.Int64)
    if date_format:
        fmt = re.sub(r"\s*%Z", "", date_format)
        parsed = text.str.strptime(pl.Datetime("us"), fmt, strict=False)
        parsed = (
            parsed.dt.convert_time_zone("UTC")
            if "%z" in fmt
            else parsed.dt.replace_time_zone("UTC")
        )
    else:
        utc = pl.Datetime("us", "UTC")
        aware = [text.str.strptime(utc, f, strict=False) for f in AWARE_FORMATS]
        naive = [
            text.str.strptime(pl.Datetime("us"), f, strict=False).dt.replace_time_zone("UTC")
            for f in NAIVE_FORMATS
        ]
        parsed = pl.coalesce(*aware, *naive)
    return pl.when(known).then(parsed - pl.duration(minutes=minutes)).otherwise(parsed)


def date_in_name(name: str) -> date | None:
    """A capture date written in a file name (`page_2026-06-30.json`, `x__20260714T163948`)."""
    match = _DATE_IN_NAME.search(name)
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
