"""Which deliverables may ship: QA passed (or each failure waived) and signed off.

The decisions this reads (state.db `decisions`, recorded by `workbench approve` or the
boards; see also pipeline/stages.py):

- QA waiver, one per failed finding: stage="qa", decision="waive", note=the reason
  (required), by a reviewer with role producer, subject either
  f"{file}::{check_id}@{sha256[:12]}" (what `workbench approve qa --finding` records: it
  holds for that exact version of the file) or f"{file}:{check_id}" (holds for the version
  QA was checking when the waiver was given). FILE is relative to deliverables/, e.g.
  "reels/nw_reels_v2.mp4". A later decision on the same subject (e.g. "reject") withdraws it.
- Delivery sign-off: stage="delivery", decision="sign_off" (or "approve"), by the reviewer
  with role senior_reviewer; it covers every file whose QA run (and waivers) came before it.
  A later "reject" at stage delivery withdraws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath

import polars as pl

from creative_workbench.config import Project
from creative_workbench.media_files import is_media
from creative_workbench.pipeline.store import Store

SIGN_OFF_DECISIONS = ("sign_off", "approve")
WITHDRAW_DECISIONS = ("reject", "revoke")
WAIVER_ROLE = "producer"
SIGN_OFF_ROLE = "senior_reviewer"


def role_key(role: str) -> str:
    """A role as one token: "Senior reviewer" -> "senior_reviewer"."""
    return "_".join(role.strip().lower().replace("-", " ").split())


def people_with_role(project: Project, role: str) -> set[str]:
    """Names of PROJECT's reviewers holding ROLE (compared as role_key)."""
    return {r.name for r in project.config.reviewers if role_key(r.role) == role_key(role)}


@dataclass(frozen=True)
class SignOff:
    """The senior reviewer's decision a package is built for."""

    id: int
    who: str
    at: str
    note: str


@dataclass(frozen=True)
class Waiver:
    """A producer's recorded waiver of one failed QA finding (of one file version when
    SHA_PREFIX is set)."""

    check_id: str
    who: str
    at: str
    reason: str
    sha_prefix: str | None = None
    decision_id: int = 0


def parse_waiver_subject(subject: str) -> tuple[str, str, str | None] | None:
    """(file, check id, sha256 prefix or None) of a waiver subject; None when malformed."""
    if "::" in subject:
        file, rest = subject.split("::", 1)
        check_id, _, prefix = rest.partition("@")
        return (file, check_id, prefix or None) if file and check_id else None
    file, sep, check_id = subject.rpartition(":")
    return (file, check_id, None) if sep and file and check_id else None


@dataclass(frozen=True)
class Candidate:
    """A deliverable that qualifies: its QA run, the hash QA checked, its waivers."""

    name: str
    path: Path
    sha256: str
    placement: str | None
    qa_run_id: str
    qa_at: str
    verdict: str  # "pass", "warn" or "waived"
    waivers: tuple[Waiver, ...] = ()


@dataclass(frozen=True)
class Refusal:
    """Why one file (or the whole package) does not ship, in one line."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


@dataclass(frozen=True)
class DeliveryPlan:
    """The sign-off to honour, the files that qualify and those refused (with reasons)."""

    sign_off: SignOff | None
    files: tuple[Candidate, ...]
    refused: tuple[Refusal, ...]


def deliverable_name(project: Project, file: str) -> str | None:
    """FILE (as QA recorded it) relative to deliverables/, or None when outside it."""
    path = Path(file)
    try:
        return path.resolve().relative_to(project.deliverables_dir.resolve()).as_posix()
    except ValueError:
        parts = PurePath(file).parts  # the project folder was moved since QA ran
        if "deliverables" not in parts:
            return None
        last = len(parts) - 1 - parts[::-1].index("deliverables")
        rest = parts[last + 1 :]
        return PurePath(*rest).as_posix() if rest and ".." not in rest else None


def latest_sign_off(project: Project, store: Store) -> tuple[SignOff | None, list[Refusal]]:
    """The newest valid delivery sign-off (None when absent or withdrawn later)."""
    seniors = people_with_role(project, SIGN_OFF_ROLE)
    rows = store.query(
        "SELECT id, at, who, decision, note FROM decisions WHERE stage = 'delivery' ORDER BY id"
    )
    current: SignOff | None = None
    notes: list[Refusal] = []
    for row in rows.iter_rows(named=True):
        if row["decision"] in WITHDRAW_DECISIONS:
            current = None
        elif row["decision"] in SIGN_OFF_DECISIONS:
            if row["who"] in seniors:
                current = SignOff(row["id"], row["who"], row["at"], row["note"])
            else:
                notes.append(
                    Refusal(
                        "sign-off",
                        f"decision {row['id']} by {row['who']!r} ignored: not a reviewer with "
                        f"role {SIGN_OFF_ROLE} in project.toml",
                    )
                )
    if current is None:
        notes.append(Refusal("package", "no delivery sign-off by the senior reviewer yet"))
    return current, notes


def _waivers(project: Project, store: Store) -> dict[tuple[str, str], list[Waiver]]:
    """(file, check id) -> waivers in force (the latest decision on a subject decides)."""
    producers = people_with_role(project, WAIVER_ROLE)
    rows = store.query(
        "SELECT id, at, who, subject, decision, note FROM decisions WHERE stage = 'qa' ORDER BY id"
    )
    latest: dict[str, Waiver | None] = {}
    keys: dict[str, tuple[str, str]] = {}
    for row in rows.iter_rows(named=True):
        parsed = parse_waiver_subject(row["subject"])
        if parsed is None:
            continue
        file, check_id, prefix = parsed
        keys[row["subject"]] = (file, check_id)
        valid = row["decision"] == "waive" and row["who"] in producers and row["note"].strip()
        latest[row["subject"]] = (
            Waiver(check_id, row["who"], row["at"], row["note"].strip(), prefix, row["id"])
            if valid
            else None
        )
    found: dict[tuple[str, str], list[Waiver]] = {}
    for subject, waiver in latest.items():
        if waiver is not None:
            found.setdefault(keys[subject], []).append(waiver)
    return found


def _waiver_for(waivers: list[Waiver], digest: str, since: str) -> Waiver | None:
    """The newest waiver that holds for the file version DIGEST (QA first saw it at SINCE)."""
    holding = [
        w for w in waivers if (digest.startswith(w.sha_prefix) if w.sha_prefix else w.at >= since)
    ]
    return max(holding, key=lambda w: w.at, default=None)


def _judge(
    name: str, rows: pl.DataFrame, project: Project, waivers: dict[tuple[str, str], list[Waiver]]
) -> Candidate | Refusal:
    """One file's verdict from all its QA rows: its latest run, with waivers applied."""
    rows = rows.sort(["at", "id"])
    last = rows.row(-1, named=True)
    run = rows.filter(pl.col("run_id") == last["run_id"])
    digest = last["sha256"]
    if not digest:
        return Refusal(name, f"QA run {last['run_id']} could not read the file; run QA again")
    since = rows.filter(pl.col("sha256") == digest)["at"].min()
    failed = sorted(set(run.filter(pl.col("severity") == "fail")["check_id"].to_list()))
    found = {c: _waiver_for(waivers.get((name, c), []), digest, since) for c in failed}
    missing = [c for c, w in found.items() if w is None]
    if missing:
        return Refusal(
            name,
            f"failed QA run {last['run_id']} ({', '.join(missing)}); fix it and run QA again, "
            "or the producer waives each finding with a reason",
        )
    applied = [w for w in found.values() if w is not None]
    warned = (run["severity"] == "warn").any()
    verdict = "waived" if applied else "warn" if warned else "pass"
    return Candidate(
        name,
        project.deliverables_dir / name,
        digest,
        last["placement"],
        last["run_id"],
        last["at"],
        verdict,
        tuple(applied),
    )


def plan_delivery(project: Project) -> DeliveryPlan:
    """The files that may ship under the latest sign-off, and why the others may not."""
    store = Store(project.state_db)
    sign_off, refused = latest_sign_off(project, store)
    results = store.query(
        "SELECT id, run_id, at, file, sha256, placement, check_id, severity FROM qa_results"
    )
    by_name: dict[str, list[dict]] = {}
    for row in results.iter_rows(named=True):
        name = deliverable_name(project, row["file"])
        if name is not None:
            by_name.setdefault(name, []).append(row)
    waivers = _waivers(project, store)
    files: list[Candidate] = []
    on_disk = _deliverable_files(project)
    for name in sorted(set(by_name) | on_disk):
        if name not in by_name:
            refused.append(Refusal(name, "not checked by QA yet"))
            continue
        if name not in on_disk:
            refused.append(Refusal(name, "QA checked it but it is no longer in deliverables/"))
            continue
        verdict = _judge(name, pl.DataFrame(by_name[name]), project, waivers)
        if isinstance(verdict, Refusal):
            refused.append(verdict)
        elif sign_off is not None and _after(verdict, sign_off):
            refused.append(
                Refusal(
                    name,
                    f"QA or a waiver came after the sign-off of {sign_off.at}; "
                    "it needs a new sign-off",
                )
            )
        else:
            files.append(verdict)
    return DeliveryPlan(sign_off, tuple(files), tuple(refused))


def _after(candidate: Candidate, sign_off: SignOff) -> bool:
    """True when QA ran, or a waiver was given, after SIGN_OFF (so it does not cover them).
    Decisions compare by id (exact order); a QA run by time (a run in the sign-off's own
    second counts as before it)."""
    late_waiver = any(w.decision_id > sign_off.id for w in candidate.waivers)
    return late_waiver or candidate.qa_at > sign_off.at


def _deliverable_files(project: Project) -> set[str]:
    """Media files under deliverables/ (hidden ones skipped), relative, POSIX separators."""
    base = project.deliverables_dir
    if not base.is_dir():
        return set()
    return {
        p.relative_to(base).as_posix()
        for p in base.rglob("*")
        if p.is_file()
        and is_media(p)
        and not any(part.startswith(".") for part in p.relative_to(base).parts)
    }
