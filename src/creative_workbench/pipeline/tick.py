"""`workbench tick`: one idempotent pass that moves a project as far as it can go by itself.

For each stage (in order, repeated until nothing moves): a stage left `running` by a tick
that died becomes `failed` (stale) and is retried; inputs that changed make a stage `ready`;
inputs that vanished send it back to `waiting`; a ready stage runs its work (stage_work.py)
and ends `done`, `needs_decision` (people are told) or `failed` (people are told). A tick
holds a per-project lock, so a second tick on the same project skips it; a tick with
nothing to do writes nothing (not even state.db).
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from creative_workbench.config import Project, Workspace, load_project
from creative_workbench.errors import WorkbenchError
from creative_workbench.pipeline import stages
from creative_workbench.pipeline.stage_inputs import Inputs, stage_inputs
from creative_workbench.pipeline.stage_work import TickSettings, notify, work_for

log = logging.getLogger(__name__)

LOCK_NAME = ".tick.lock"


class TickBusyError(WorkbenchError):
    """Another tick holds this project's lock."""


@dataclass(frozen=True)
class Move:
    """A transition a tick makes (or would make): STAGE on TRIGGER, and why."""

    stage: str
    trigger: str
    reason: str = ""
    fingerprint: str | None = None
    target: str = ""
    started_event: int = 0  # for `stale`: the event that put the stage in `running`


@dataclass
class TickReport:
    """What one tick did to one project."""

    project: str
    moves: list[Move] = field(default_factory=list)
    skipped: str = ""
    error: str = ""
    on_move: Callable[[str], None] | None = field(default=None, repr=False, compare=False)

    def add(self, move: Move) -> None:
        """Record MOVE and show it at once (ON_MOVE: e.g. the CLI printing progress)."""
        self.moves.append(move)
        if self.on_move is not None:
            self.on_move(self.line(move))

    def line(self, move: Move) -> str:
        """One line for MOVE."""
        reason = f": {move.reason}" if move.reason else ""
        return f"{self.project}: {move.stage} -> {move.target} ({move.trigger}){reason}"

    @property
    def failed(self) -> bool:
        """True when a stage ended this tick failed (or the project could not be ticked); a
        stale run that was re-run successfully does not count."""
        last = {m.stage: m.target for m in self.moves}
        return bool(self.error) or stages.FAILED in last.values()

    def lines(self) -> list[str]:
        """One line per move (or the skip/error), for the CLI."""
        if self.error:
            return [f"{self.project}: error: {self.error}"]
        if self.skipped:
            return [f"{self.project}: skipped: {self.skipped}"]
        if not self.moves:
            return [f"{self.project}: nothing to do"]
        return [self.line(m) for m in self.moves]


@contextmanager
def project_lock(project: Project) -> Iterator[None]:
    """Hold PROJECT's tick lock (fcntl on PROJECT/.tick.lock); TickBusyError if held."""
    import fcntl

    path = project.root / LOCK_NAME
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 64, 0).decode("ascii", "replace").strip() or "?"
            raise TickBusyError(
                f"project {project.name}: another tick (pid {holder}) is running; skipped"
            ) from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(handle)  # closing releases the lock (the kernel also does if we die)


def _snapshot(project: Project) -> tuple[dict[str, stages.StageState], dict[str, str]]:
    conn = stages.open_read_only(project.state_db)
    if conn is None:
        return stages.states_from_rows(()), {}
    try:
        current = stages.read_states(conn)
        return current, stages.last_done(conn) if any(s.event_id for s in current.values()) else {}
    finally:
        conn.close()


def next_move(
    current: stages.StageState, inputs: Inputs, settings: TickSettings, runnable: bool
) -> Move | None:
    """The one move STAGE makes next on its own, or None (it waits for people or input)."""
    stage, state = current.stage, current.state
    if state == stages.RUNNING:
        pid = current.payload.get("pid", "?")
        reason = f"the tick that started it (pid {pid}) is gone"
        return Move(stage, "stale", reason, started_event=current.event_id)
    fingerprint = inputs.fingerprint
    if fingerprint is None:
        if stages.find_transition(stage, "vanished", state):
            return Move(stage, "vanished", inputs.reason)
        return None
    if fingerprint != current.fingerprint and stages.find_transition(stage, "inputs", state):
        return Move(stage, "inputs", "new or changed inputs", fingerprint)
    if state == stages.FAILED and (
        current.payload.get("trigger") == "stale" or settings.retry_failed
    ):
        return Move(stage, "retry", "re-running the interrupted stage")
    if state == stages.READY:
        if stage == "concepts" and not runnable:
            return Move(stage, "prepared", "no briefs flow registered: concepts are made by hand")
        if runnable:
            return Move(stage, "start")
    return None


def plan(project: Project, settings: TickSettings | None = None) -> list[Move]:
    """The moves a tick would make first on PROJECT (read only; empty when nothing to do)."""
    settings = settings or TickSettings()
    current, done = _snapshot(project)
    inputs = stage_inputs(project, done)
    moves = []
    for stage in stages.ALL_STAGES:
        state = current[stage]
        runnable = state.state == stages.READY and work_for(stage) is not None
        move = next_move(state, inputs[stage], settings, runnable)
        if move is not None:
            moves.append(move)
    return moves


def tick(
    project: Project,
    settings: TickSettings | None = None,
    on_move: Callable[[str], None] | None = None,
) -> TickReport:
    """One idempotent pass over PROJECT (see the module docstring); ON_MOVE gets a line per
    move as it is made."""
    settings = settings or TickSettings()
    report = TickReport(project.name, on_move=on_move)
    if not plan(project, settings):
        return report
    try:
        with project_lock(project):
            retried: set[str] = set()  # a stage is retried at most once per tick
            for _ in range(settings.max_passes):
                moves = [
                    m
                    for m in plan(project, settings)
                    if not (m.trigger == "retry" and m.stage in retried)
                ]
                if not moves:
                    break
                for move in moves:
                    _apply(project, move, settings, report)
                retried |= {m.stage for m in moves if m.trigger == "retry"}
    except TickBusyError as exc:
        report.skipped = str(exc)
    return report


def _record(project: Project, move: Move, **payload) -> stages.StageState:
    from creative_workbench.pipeline.store import Store, current_user, now_utc

    if move.fingerprint is not None:
        payload["fingerprint"] = move.fingerprint
    with Store(project.state_db).transaction() as conn:
        return stages.record_transition(
            conn, move.stage, move.trigger, who=current_user(), at=now_utc(),
            reason=move.reason, **payload,
        )  # fmt: skip


def _apply(project: Project, move: Move, settings: TickSettings, report: TickReport) -> None:
    """Make MOVE (and, for `start`, run the stage's work to its end)."""
    if move.trigger == "start":
        _run(project, move, settings, report)
        return
    extra = {"started_event": move.started_event} if move.trigger == "stale" else {}
    try:
        state = _record(project, move, **extra)
    except stages.TransitionRefused as exc:  # someone decided since the plan: replan
        log.info("%s: %s", project.name, exc)
        return
    if move.trigger == "stale":
        close_stale_flow_runs(project, state)
    report.add(Move(move.stage, move.trigger, move.reason, target=state.state))
    _tell(project, state, settings)


def _run(project: Project, move: Move, settings: TickSettings, report: TickReport) -> None:
    work = work_for(move.stage)
    if work is None:  # a part vanished between plan and run: stays ready
        return
    context = approval_context(project, "concepts" if move.stage == "production" else move.stage)
    try:
        started = _record(project, move, pid=os.getpid(), host=socket.gethostname())
    except stages.TransitionRefused as exc:  # moved since the plan (e.g. a decision): replan
        log.info("%s: %s", project.name, exc)
        return
    report.add(Move(move.stage, "start", target=started.state))
    try:
        outcome = work(project, settings, context)
    except BaseException as exc:
        reason = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:500]
        state = _record(project, Move(move.stage, "fail", reason))
        report.add(Move(move.stage, "fail", reason, target=state.state))
        _tell(project, state, settings)
        if not isinstance(exc, Exception):  # Ctrl-C / exit: recorded, then honoured
            raise
        return
    state = _record(project, Move(move.stage, outcome.trigger), summary=dict(outcome.summary))
    report.add(Move(move.stage, outcome.trigger, target=state.state))
    _tell(project, state, settings)


def approval_context(project: Project, stage: str) -> dict[str, str]:
    """Who approved STAGE last and when (production builds on concepts' approval, delivery
    on its own sign-off)."""
    conn = stages.open_read_only(project.state_db)
    if conn is None:
        return {}
    try:
        row = conn.execute(
            "SELECT who, at FROM events WHERE what = ? AND json_extract(payload, '$.stage') = ?"
            " AND json_extract(payload, '$.trigger') = 'approve' ORDER BY id DESC LIMIT 1",
            (stages.EVENT, stage),
        ).fetchone()
    finally:
        conn.close()
    return {"approved_by": row[0], "approved_at": row[1]} if row else {}


def close_stale_flow_runs(project: Project, stale: stages.StageState) -> int:
    """Mark `running` flow_runs of STALE's stage started after the dead tick began as failed."""
    from creative_workbench.pipeline.store import Store, now_utc

    started = stale.payload.get("started_event", 0)
    reason = f"stale: {stale.payload.get('reason', 'its process is gone')}"
    with Store(project.state_db).transaction() as conn:
        cursor = conn.execute(
            "UPDATE flow_runs SET status = 'failed', finished_at = ?, error = ? WHERE"
            " status = 'running' AND stage = ? AND run_id IN (SELECT json_extract(payload,"
            " '$.run_id') FROM events WHERE what = 'flow.started' AND id > ?)",
            (now_utc(), reason, stale.stage, started),
        )
        return cursor.rowcount


def _tell(project: Project, state: stages.StageState, settings: TickSettings) -> None:
    if not settings.notify or state.state not in (stages.NEEDS_DECISION, stages.FAILED):
        return
    if state.state == stages.FAILED:
        subject = f"{project.name}: {state.stage} failed"
        body = f"{state.stage} failed at {state.since}: {state.payload.get('reason', '')}"
        notify(project, subject, body, "failure")
        return
    role = stages.CHECKPOINTS.get(state.stage, "")
    names = [r.name for r in project.config.reviewers if stages.normalise_role(r.role) == role]
    subject = f"{project.name}: {state.stage} needs a decision from the {role}"
    body = (
        f"{state.stage} is waiting for {', '.join(names) or 'a ' + role} since {state.since}. "
        f"Decide with: workbench approve {state.stage} --project {project.name} "
        "--by NAME --reason TEXT (or reject)."
    )
    notify(project, subject, body, "decision")


def tick_by_name(
    root: str, name: str, settings: TickSettings, on_move: Callable[[str], None] | None = None
) -> TickReport:
    """Tick project NAME of the workspace at ROOT (picklable, for executors)."""
    try:
        return tick(load_project(name, Workspace(Path(root))), settings, on_move)
    except WorkbenchError as exc:
        return TickReport(name, error=str(exc))


def tick_all(
    workspace: Workspace,
    executor: str | None = None,
    settings: TickSettings | None = None,
    names: Sequence[str] | None = None,
    on_move: Callable[[str], None] | None = None,
) -> list[TickReport]:
    """Tick every project (or NAMES); those with work fan out through EXECUTOR.

    Projects with nothing to do are found read-only here, so a quiet workspace opens no pool;
    a single project with work (and no EXECUTOR named) runs in this process, and ON_MOVE
    shows its moves as they happen (pooled projects are reported when they finish).
    """
    from creative_workbench.pipeline.executors import open_executor

    settings = settings or TickSettings()
    reports: dict[str, TickReport] = {}
    busy: list[str] = []
    for name in names if names is not None else workspace.project_names():
        try:
            pending = plan(load_project(name, workspace), settings)
        except WorkbenchError as exc:
            reports[name] = TickReport(name, error=str(exc))
            continue
        if pending:
            busy.append(name)
        else:
            reports[name] = TickReport(name)
    if len(busy) == 1 and executor is None:  # one project: no pool to start
        reports[busy[0]] = tick_by_name(str(workspace.root), busy[0], settings, on_move)
    elif busy:
        with open_executor(executor, max_workers=min(len(busy), os.cpu_count() or 1)) as pool:
            futures = {n: pool.submit(tick_by_name, str(workspace.root), n, settings) for n in busy}
            for name, future in futures.items():
                try:
                    reports[name] = future.result()
                except Exception as exc:  # one project's crash, batch goes on
                    reports[name] = TickReport(name, error=f"{type(exc).__name__}: {exc}")
    order = list(names) if names is not None else sorted(reports)
    return [reports[n] for n in order if n in reports]


def dump(reports: Sequence[TickReport]) -> str:
    """The reports as JSON (for --json and logs)."""
    return json.dumps(
        [
            {
                "project": r.project,
                "moves": [m.__dict__ for m in r.moves],
                "skipped": r.skipped,
                "error": r.error,
            }
            for r in reports
        ],
        indent=2,
    )
