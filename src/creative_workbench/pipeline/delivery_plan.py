"""Which deliverables may ship: QA passed (or each failure waived) and signed off.

The decisions this reads (state.db `decisions`, recorded by `workbench approve` or the
boards; see also pipeline/stages.py):

- QA waiver, one per failed finding: stage="qa", subject=f"{file}:{check_id}" (file
  relative to deliverables/, e.g. "reels/nw_reels_v2.mp4:audio.loudness"),
  decision="waive", note=the reason (required), by a reviewer with role producer. A later
  decision on the same subject (e.g. "reject") withdraws it. A waiver counts only for the
  version of the file QA checked when it was given (recorded after QA first saw that hash).
- Delivery sign-off: stage="delivery", decision="sign_off" (or "approve"), by the reviewer
  with role senior_reviewer; it covers every file whose QA run (and waivers) came before it.
  A later "reject" at stage delivery withdraws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath

import polars as pl

from creative_workbench.config import Project
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
    """A producer's recorded waiver of one failed QA finding."""

    check_id: str
    who: str
    at: str
    reason: str


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
        return PurePath(*rest).as_posix() if rest else None


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


def _waivers(project: Project, store: Store) -> dict[str, Waiver]:
    """subject -> the waiver in force (the latest decision on a subject decides)."""
    producers = people_with_role(project, WAIVER_ROLE)
    rows = store.query(
        "SELECT id, at, who, subject, decision, note FROM decisions WHERE stage = 'qa' ORDER BY id"
    )
    found: dict[str, Waiver] = {}
    for row in rows.iter_rows(named=True):
        subject = row["subject"]
        valid = row["decision"] == "waive" and row["who"] in producers and row["note"].strip()
        if valid:
            check_id = subject.rsplit(":", 1)[-1]
            found[subject] = Waiver(check_id, row["who"], row["at"], row["note"].strip())
        else:
            found.pop(subject, None)
    return found


def _judge(
    name: str, rows: pl.DataFrame, project: Project, waivers: dict[str, Waiver]
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
    found = {c: waivers.get(f"{name}:{c}") for c in failed}
    missing = [c for c, w in found.items() if w is None or w.at < since]
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
        elif sign_off is not None and max([verdict.qa_at, *(w.at for w in verdict.waivers)]) > (
            sign_off.at
        ):
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


def _deliverable_files(project: Project) -> set[str]:
    """Files under deliverables/ (hidden ones skipped), relative, POSIX separators."""
    base = project.deliverables_dir
    if not base.is_dir():
        return set()
    return {
        p.relative_to(base).as_posix()
        for p in base.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(base).parts)
    }
