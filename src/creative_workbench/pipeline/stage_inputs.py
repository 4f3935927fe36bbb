"""What each stage works on, as a fingerprint: when it changes, the stage has new work.

research: the bytes of raw/ads/; concepts: the inputs of research's latest sign-off;
production: those of the concepts' latest approval; qa: the sha256 set of deliverables/;
delivery: the inputs of QA's latest pass (or full waiver); scoring: the bytes of
raw/performance/, the promoted model and the ISO week (a weekly loop: new week, new work).
A stage whose fingerprint is None waits, with the reason given.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from creative_workbench.config import Project
from creative_workbench.hashing import file_sha256

IGNORED_PREFIXES = (".", "~$")  # hidden files, editor locks, our own temps
IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload")


@dataclass(frozen=True)
class Inputs:
    """A stage's inputs: their FINGERPRINT, or None and the REASON the stage waits."""

    fingerprint: str | None
    reason: str = ""


def input_files(folder: Path) -> Iterator[Path]:
    """Files under FOLDER in a stable order (hidden, temporary and partial files skipped)."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        name = path.name
        if name.startswith(IGNORED_PREFIXES) or name.endswith(IGNORED_SUFFIXES):
            continue
        if path.is_file():
            yield path


def folder_digests(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 for every input file under FOLDER (missing folder: empty).

    A file that vanishes between listing and reading is left out (it is no longer input).
    """
    digests = {}
    for path in input_files(folder):
        try:
            digests[path.relative_to(folder).as_posix()] = file_sha256(path)
        except FileNotFoundError:
            continue
    return digests


def combine(parts: Mapping[str, str]) -> str:
    """One short fingerprint for a name -> digest mapping."""
    text = "\n".join(f"{name}\t{digest}" for name, digest in sorted(parts.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# What each stage waits for while its inputs are missing (status shows it too).
WAITING_FOR: dict[str, str] = {
    "research": "competitor ad exports in raw/ads/",
    "concepts": "the strategist's research sign-off",
    "production": "the creative lead's concept approval",
    "qa": "files to QA in deliverables/",
    "delivery": "deliverables that passed QA (or are waived)",
    "scoring": "performance exports in raw/performance/ and a promoted model "
    "(workbench train --promote)",
}
PROMOTED = "promoted.json"  # models/promoted.json names the promoted model (scoring registry)


def _folder_inputs(stage: str, folder: Path, extra: str = "") -> Inputs:
    digests = folder_digests(folder)
    if not digests:
        return Inputs(None, f"waiting for {WAITING_FOR[stage]}")
    return Inputs(combine(digests) + extra)


def _after(stage: str, upstream: str, done: Mapping[str, str]) -> Inputs:
    if upstream not in done:
        return Inputs(None, f"waiting for {WAITING_FOR[stage]}")
    return Inputs(f"{upstream}@{done[upstream]}")


def _scoring_inputs(project: Project) -> Inputs:
    """The weekly loop: performance exports, the promoted model and the ISO week."""
    promoted = project.models_dir / PROMOTED
    if not promoted.is_file():
        return Inputs(None, f"waiting for {WAITING_FOR['scoring']}")
    extra = f"@{file_sha256(promoted)[:12]}@{iso_week()}"
    return _folder_inputs("scoring", project.raw_performance_dir, extra=extra)


def iso_week(now: datetime | None = None) -> str:
    """The ISO week of NOW (default: now, UTC) as YYYY-Www."""
    year, week, _ = (now or datetime.now(UTC)).isocalendar()
    return f"{year}-W{week:02d}"


def stage_inputs(project: Project, done: Mapping[str, str]) -> dict[str, Inputs]:
    """Every stage's inputs; DONE maps each stage to what it last finished on
    (stages.last_done): concepts' fingerprint is `research@<research's fingerprint>`."""
    finders: dict[str, Callable[[], Inputs]] = {
        "research": lambda: _folder_inputs("research", project.raw_ads_dir),
        "concepts": lambda: _after("concepts", "research", done),
        "production": lambda: _after("production", "concepts", done),
        "qa": lambda: _folder_inputs("qa", project.deliverables_dir),
        "delivery": lambda: _after("delivery", "qa", done),
        "scoring": lambda: _scoring_inputs(project),
    }
    return {stage: find() for stage, find in finders.items()}


@dataclass(frozen=True)
class Finding:
    """A failing QA finding on a current deliverable, named FILE::CHECK for waivers."""

    file: str
    check_id: str
    sha256: str
    message: str

    @property
    def subject(self) -> str:
        """The waiver's subject: the finding on this exact version of the file."""
        return f"{self.file}::{self.check_id}@{self.sha256[:12]}"

    @property
    def name(self) -> str:
        """What a producer types after --finding."""
        return f"{self.file}::{self.check_id}"


def failing_findings(conn: sqlite3.Connection, project: Project) -> list[Finding]:
    """`fail` findings of each current deliverable's latest QA run (from qa_results)."""
    rows = conn.execute(
        "SELECT r.file, r.check_id, coalesce(r.sha256, ''), r.message FROM qa_results r"
        " JOIN (SELECT file, run_id FROM qa_results WHERE id IN"
        "  (SELECT max(id) FROM qa_results GROUP BY file)) latest"
        " ON r.file = latest.file AND r.run_id = latest.run_id"
        " WHERE r.severity = 'fail' ORDER BY r.file, r.check_id"
    ).fetchall()
    if not rows:
        return []
    folder = project.deliverables_dir.resolve()  # QA records resolved paths
    current = {
        folder / p.relative_to(project.deliverables_dir): p
        for p in input_files(project.deliverables_dir)
    }
    found = []
    for file, check_id, digest, message in rows:
        path = current.get(Path(file))
        if path is not None:
            name = path.relative_to(project.deliverables_dir).as_posix()
            found.append(Finding(name, check_id, digest, message))
    return found


def waived_subjects(conn: sqlite3.Connection) -> set[str]:
    """Subjects of QA findings a producer has waived (latest decision per subject stands)."""
    rows = conn.execute(
        "SELECT subject, decision FROM decisions WHERE id IN"
        " (SELECT max(id) FROM decisions WHERE stage = 'qa' GROUP BY subject)"
    ).fetchall()
    return {subject for subject, decision in rows if decision == "waive"}
