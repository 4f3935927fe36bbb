"""QA findings: what one check measured, what was expected, and how bad it is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import polars as pl

Severity = Literal["pass", "warn", "fail"]
SEVERITY_RANK = {"pass": 0, "warn": 1, "fail": 2}


FINDING_COLUMNS = ("file", "check_id", "severity", "measured", "expected", "where", "message")


@dataclass(frozen=True)
class Finding:
    """One check's verdict on one file.

    Attributes:
        check_id: A registered check's id (qa/checks.py check_ids()), e.g. "audio.loudness".
        severity: "pass", "warn" or "fail".
        measured: What the file has, as text a producer reads ("-6.1 LUFS").
        expected: What the placement or brand asks for ("-14.0 ± 2.0 LUFS").
        where: Time range ("12.0-14.5 s") or frame region ("t=3.0 s, x 0-40%"), if any.
        message: One sentence saying what is wrong or that it is fine.
    """

    check_id: str
    severity: Severity
    measured: str | None
    expected: str | None
    where: str | None
    message: str

    def __post_init__(self) -> None:
        from creative_workbench.qa.checks import check_ids

        if self.check_id not in check_ids():
            raise ValueError(f"unknown check id {self.check_id!r}")
        if self.severity not in SEVERITY_RANK:
            raise ValueError(f"unknown severity {self.severity!r}")

    def to_dict(self) -> dict[str, str | None]:
        """Plain dict (JSON-ready)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, row: dict) -> Finding:
        """Inverse of to_dict; extra keys (e.g. file) are ignored."""
        return cls(
            **{
                k: row.get(k)
                for k in ("check_id", "severity", "measured", "expected", "where", "message")
            }
        )


def finding(
    check_id: str,
    ok: bool,
    measured: str | None,
    expected: str | None,
    message: str,
    *,
    where: str | None = None,
    bad: Severity = "fail",
) -> Finding:
    """A pass when OK, else a finding of severity BAD."""
    return Finding(check_id, "pass" if ok else bad, measured, expected, where, message)


def cannot_check(reason: str) -> Finding:
    """The fail finding for a file the gate cannot open or decode."""
    return Finding(
        "decode", "fail", reason, "a readable media file", None, f"cannot be checked: {reason}"
    )


def worst(severities: Iterable[str]) -> Severity:
    """The most severe of SEVERITIES ("pass" when empty)."""
    ranked = max((SEVERITY_RANK[s] for s in severities), default=0)
    return next(s for s, r in SEVERITY_RANK.items() if r == ranked)  # type: ignore[return-value]


def blocks(severity: str, strict: bool = False) -> bool:
    """The gate's verdict rule: a fail blocks delivery; a warning blocks only when STRICT."""
    return severity == "fail" or (strict and severity == "warn")


def fmt_time_range(start: float, end: float) -> str:
    """A time range as producers read it: '12.0-14.5 s'."""
    return f"{start:.1f}-{end:.1f} s"


def findings_frame(rows: Iterable[tuple[str, Finding]]) -> pl.DataFrame:
    """(file, finding) pairs as a table matching FindingsSchema."""
    import polars as pl  # here, so the checker processes start without loading polars

    records = [{"file": file, **f.to_dict()} for file, f in rows]
    schema = {name: pl.Utf8 for name in FINDING_COLUMNS}
    return pl.DataFrame(records, schema=schema)
