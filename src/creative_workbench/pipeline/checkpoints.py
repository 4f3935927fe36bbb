"""Human checkpoints: a named reviewer approves or rejects a stage waiting on a decision.

Who may decide is the `by` column of stages.TRANSITIONS, matched against the reviewer's role
in project.toml. A decision is a `decisions` row plus the stage's transition event, written
in one transaction after re-reading the state inside it; a refusal writes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from creative_workbench.config import Project, Reviewer
from creative_workbench.errors import WorkbenchError
from creative_workbench.pipeline import stages
from creative_workbench.pipeline.stage_inputs import Finding, failing_findings, waived_subjects
from creative_workbench.pipeline.store import Store, current_user, now_utc

DECISIONS = ("approve", "reject")


class CheckpointError(WorkbenchError):
    """A decision the stage machine refuses: unknown person, wrong role, nothing waiting."""


@dataclass(frozen=True)
class Decision:
    """What was recorded: the stage's new state and the decision row's subject."""

    stage: str
    decision: str
    subject: str
    state: stages.StageState


def reviewers_with_role(project: Project, role: str) -> list[Reviewer]:
    """The project's reviewers whose role is ROLE (case- and separator-blind)."""
    wanted = stages.normalise_role(role)
    return [r for r in project.config.reviewers if stages.normalise_role(r.role) == wanted]


def _named(project: Project) -> str:
    people = [f"{r.name} ({r.role})" for r in project.config.reviewers]
    return ", ".join(people) or "none"


def find_reviewer(project: Project, name: str) -> Reviewer:
    """The reviewer called NAME in project.toml; anyone else is refused."""
    wanted = " ".join(name.split()).casefold()
    for reviewer in project.config.reviewers:
        if " ".join(reviewer.name.split()).casefold() == wanted:
            return reviewer
    raise CheckpointError(
        f"refused: {name!r} is not a reviewer of project {project.name} "
        f"({project.config_path} reviewers: {_named(project)}); nothing recorded"
    )


def check_role(project: Project, stage: str, reviewer: Reviewer) -> str:
    """The role deciding STAGE, if REVIEWER holds it; otherwise a refusal naming who does."""
    if stage not in stages.CHECKPOINTS:
        with_checkpoint = ", ".join(stages.CHECKPOINTS)
        raise CheckpointError(
            f"stage {stage!r} has no human checkpoint; decisions are taken on: {with_checkpoint}"
        )
    role = stages.CHECKPOINTS[stage]
    if stages.normalise_role(reviewer.role) != role:
        holders = ", ".join(r.name for r in reviewers_with_role(project, role))
        who = holders or f"nobody yet (add one under [[reviewers]] in {project.config_path})"
        raise CheckpointError(
            f"refused: {reviewer.name} is {reviewer.role!r}; deciding {stage} needs the "
            f"{role} role ({who}); nothing recorded"
        )
    return role


def decide(
    project: Project,
    stage: str,
    decision: str,
    by: str,
    reason: str,
    finding: str | None = None,
) -> Decision:
    """Record BY's DECISION (approve/reject) on STAGE with REASON; QA approvals waive one
    FINDING (FILE::CHECK). Raises CheckpointError, writing nothing, when refused."""
    if decision not in DECISIONS:
        raise CheckpointError(f"unknown decision {decision!r}: use approve or reject")
    if stage not in stages.ALL_STAGES:
        raise CheckpointError(f"unknown stage {stage!r}: use one of {', '.join(stages.STAGES)}")
    if not reason.strip():
        raise CheckpointError("a decision needs a reason: pass --reason TEXT")
    reviewer = find_reviewer(project, by)
    check_role(project, stage, reviewer)
    if finding is not None and (stage, decision) != ("qa", "approve"):
        raise CheckpointError("--finding is only for waiving QA findings (approve qa)")
    with Store(project.state_db).transaction() as conn:
        current = stages.read_states(conn)[stage]
        if current.state != stages.NEEDS_DECISION:
            raise CheckpointError(
                f"{stage} of project {project.name} is {current.state}, not waiting on a "
                "decision; nothing recorded (see `workbench status`)"
            )
        if stage == "qa" and decision == "approve":
            return _waive(conn, project, reviewer, reason, finding)
        subject = f"{stage}@{current.fingerprint}"
        _insert_decision(conn, stage, subject, decision, reviewer.name, reason)
        state = stages.record_transition(
            conn, stage, decision, who=reviewer.name, at=now_utc(), reason=reason,
            role=reviewer.role, os_user=current_user(),
        )  # fmt: skip
    return Decision(stage, decision, subject, state)


def _insert_decision(conn, stage: str, subject: str, decision: str, who: str, note: str) -> None:
    at = now_utc()
    conn.execute(
        "INSERT INTO decisions (at, who, stage, subject, decision, note) VALUES (?, ?, ?, ?, ?, ?)",
        (at, who, stage, subject, decision, note),
    )
    conn.execute(
        "INSERT INTO events (at, who, what, payload) VALUES (?, ?, ?, ?)",
        (at, who, f"{stage}.decision", json.dumps({"subject": subject, "decision": decision,
                                                   "note": note})),
    )  # fmt: skip


def _waive(conn, project: Project, reviewer: Reviewer, reason: str, name: str | None) -> Decision:
    """Waive one failing QA finding; the last one waived moves QA to done."""
    waived = waived_subjects(conn)
    open_findings = [f for f in failing_findings(conn, project) if f.subject not in waived]
    listing = ", ".join(f.name for f in open_findings) or "none"
    if name is None:
        raise CheckpointError(
            f"approving qa waives one finding: pass --finding FILE::CHECK (open: {listing})"
        )
    match: Finding | None = next((f for f in open_findings if f.name == name), None)
    if match is None:
        raise CheckpointError(
            f"no open failing QA finding {name!r} in project {project.name} (open: {listing})"
        )
    _insert_decision(conn, "qa", match.subject, "waive", reviewer.name, reason)
    trigger = "waived" if len(open_findings) == 1 else "waive"
    state = stages.record_transition(
        conn, "qa", trigger, who=reviewer.name, at=now_utc(), reason=reason,
        finding=match.subject, role=reviewer.role, os_user=current_user(),
    )  # fmt: skip
    return Decision("qa", "waive", match.subject, state)


def open_qa_findings(project: Project) -> list[Finding]:
    """Failing QA findings on current deliverables that nobody has waived yet."""
    conn = stages.open_read_only(project.state_db)
    if conn is None:
        return []
    try:
        waived = waived_subjects(conn)
        return [f for f in failing_findings(conn, project) if f.subject not in waived]
    finally:
        conn.close()
