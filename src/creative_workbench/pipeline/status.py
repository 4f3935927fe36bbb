"""Where each project stands: its stage, what waits on whom since when, the last failure.

Read only (sqlite3 in read-only mode, no polars), so `workbench status` over a hundred
projects stays well under a second. EXIT_* are the exit codes `workbench status` returns.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from creative_workbench.config import Project, Workspace, load_project
from creative_workbench.errors import WorkbenchError
from creative_workbench.pipeline import stages
from creative_workbench.pipeline.stage_inputs import (
    WAITING_FOR,
    failing_findings,
    waived_subjects,
)

EXIT_OK = 0  # nothing failed, nobody is asked for a decision
EXIT_FAILED = 1  # some stage failed (or a project cannot be read)
EXIT_DECISION = 3  # nothing failed, but a stage waits on a person's decision


@dataclass(frozen=True)
class Waiting:
    """A stage waiting on a decision: the role, the people holding it, since when."""

    stage: str
    role: str
    names: list[str]
    since: str | None
    findings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ProjectStatus:
    """One project's position in the stage machine."""

    project: str
    stage: str
    state: str
    since: str | None
    stages: dict[str, dict[str, Any]]
    waiting_on: list[Waiting]
    last_failure: dict[str, Any] | None
    error: str = ""

    @property
    def exit_code(self) -> int:
        """EXIT_FAILED, EXIT_DECISION or EXIT_OK for this project alone."""
        if self.error or any(s["state"] == stages.FAILED for s in self.stages.values()):
            return EXIT_FAILED
        return EXIT_DECISION if self.waiting_on else EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (for --json)."""
        return asdict(self) | {"exit_code": self.exit_code}


def _current(states: dict[str, stages.StageState]) -> stages.StageState:
    """The furthest main stage that has left `waiting` (research before anything moved)."""
    moved = [states[s] for s in stages.STAGES if states[s].state != stages.WAITING]
    return moved[-1] if moved else states["research"]


def _describe(state: stages.StageState) -> dict[str, Any]:
    reason = state.payload.get("reason", "")
    if state.state == stages.WAITING and not reason:
        reason = f"waiting for {WAITING_FOR[state.stage]}"
    return {"state": state.state, "since": state.since, "reason": reason}


def project_status(project: Project) -> ProjectStatus:
    """PROJECT's status from its state.db (a project without one has not started)."""
    conn = stages.open_read_only(project.state_db)
    states, failure, findings = stages.states_from_rows(()), None, []
    if conn is not None:
        try:
            states = stages.read_states(conn)
            if any(s.event_id for s in states.values()):
                failure = stages.last_failure(conn)
                if states["qa"].state == stages.NEEDS_DECISION:
                    waived = waived_subjects(conn)
                    found = failing_findings(conn, project)
                    findings = [f.name for f in found if f.subject not in waived]
        finally:
            conn.close()
    waiting = []
    for stage, state in states.items():
        if state.state != stages.NEEDS_DECISION:
            continue
        role = stages.CHECKPOINTS[stage]
        names = [r.name for r in project.config.reviewers if stages.normalise_role(r.role) == role]
        waiting.append(Waiting(stage, role, names, state.since, findings if stage == "qa" else []))
    current = _current(states)
    return ProjectStatus(
        project=project.name,
        stage=current.stage,
        state=current.state,
        since=current.since,
        stages={s: _describe(st) for s, st in states.items()},
        waiting_on=waiting,
        last_failure=failure,
    )


def workspace_status(workspace: Workspace, names: list[str] | None = None) -> list[ProjectStatus]:
    """Status of every project (or NAMES); a project that cannot be read is listed with
    its error rather than stopping the others."""
    found = []
    for name in names if names is not None else workspace.project_names():
        try:
            found.append(project_status(load_project(name, workspace)))
        except WorkbenchError as exc:
            if names is not None and len(names) == 1:
                raise
            found.append(ProjectStatus(name, "", "", None, {}, [], None, error=str(exc)))
    return found


def exit_code(statuses: list[ProjectStatus]) -> int:
    """EXIT_FAILED if any project failed, else EXIT_DECISION if any waits, else EXIT_OK."""
    codes = {s.exit_code for s in statuses}
    for code in (EXIT_FAILED, EXIT_DECISION):
        if code in codes:
            return code
    return EXIT_OK
