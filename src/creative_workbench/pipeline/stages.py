"""The stage machine: every stage, state, transition and who may make it, declared once here.

A project moves research -> concepts -> production -> qa -> delivery, with the weekly scoring
loop beside them. Each stage is in one STATE; a transition is a row of TRANSITIONS (stage,
trigger, from-states, to-state, who may make it: `system` for `workbench tick`, else a
reviewer role from project.toml). Nothing stores a current state: it is the target of the
stage's latest `stage.transition` event in state.db (events are append-only), so the history
(who, what, when, why) and the state can never disagree.

This module reads only (sqlite3, no polars) so `workbench status` stays fast; writes go
through `record_transition` inside a caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STAGES = ("research", "concepts", "production", "qa", "delivery")
LOOPS = ("scoring",)
ALL_STAGES = STAGES + LOOPS

WAITING, READY, RUNNING = "waiting", "ready", "running"
NEEDS_DECISION, DONE, FAILED = "needs_decision", "done", "failed"
STATES = (WAITING, READY, RUNNING, NEEDS_DECISION, DONE, FAILED)
INITIAL = WAITING

SYSTEM = "system"
# Reviewer roles as written in project.toml (`[[reviewers]] role = "creative lead"`).
STRATEGIST, CREATIVE_LEAD = "strategist", "creative lead"
PRODUCER, SENIOR_REVIEWER = "producer", "senior reviewer"

EVENT = "stage.transition"


@dataclass(frozen=True)
class Transition:
    """One allowed move: STAGE goes from any of SOURCES to TARGET on TRIGGER, made by BY."""

    stage: str
    trigger: str
    sources: tuple[str, ...]
    target: str
    by: str = SYSTEM
    summary: str = ""


def _work(stage: str, finish: str, *, decider: str | None = None) -> tuple[Transition, ...]:
    """The rows every stage that runs work shares (inputs, start, finish, fail, retry)."""
    again = (WAITING, DONE, FAILED, NEEDS_DECISION)
    rows = [
        Transition(stage, "inputs", again, READY, summary="inputs present and changed"),
        Transition(stage, "start", (READY,), RUNNING, summary="tick started the work"),
        Transition(stage, "finish", (RUNNING,), finish, summary="the work ended well"),
        Transition(stage, "fail", (RUNNING,), FAILED, summary="the work raised an error"),
        Transition(stage, "stale", (RUNNING,), FAILED, summary="its tick died (pid gone)"),
        Transition(stage, "retry", (FAILED,), READY, summary="re-run after a stale run"),
        Transition(
            stage, "vanished", (READY, NEEDS_DECISION, DONE, FAILED), WAITING, summary="inputs gone"
        ),
    ]
    if decider is not None:
        rows += [
            Transition(stage, "approve", (NEEDS_DECISION,), DONE, decider, "signed off"),
            Transition(stage, "reject", (NEEDS_DECISION,), WAITING, decider, "sent back"),
        ]
    return tuple(rows)


TRANSITIONS: tuple[Transition, ...] = (
    *_work("research", NEEDS_DECISION, decider=STRATEGIST),
    *_work("concepts", NEEDS_DECISION, decider=CREATIVE_LEAD),
    Transition(
        "concepts", "prepared", (READY,), NEEDS_DECISION, summary="no briefs flow: made by hand"
    ),
    *_work("production", DONE),
    *_work("qa", NEEDS_DECISION, decider=PRODUCER),
    Transition("qa", "passed", (RUNNING,), DONE, summary="every deliverable passed"),
    Transition("qa", "waive", (NEEDS_DECISION,), NEEDS_DECISION, PRODUCER, "one finding waived"),
    Transition("qa", "waived", (NEEDS_DECISION,), DONE, PRODUCER, "last failing finding waived"),
    Transition(
        "delivery",
        "inputs",
        (WAITING, DONE, FAILED, READY),
        NEEDS_DECISION,
        summary="QA done: sign-off needed",
    ),
    Transition("delivery", "approve", (NEEDS_DECISION,), READY, SENIOR_REVIEWER, "signed off"),
    Transition("delivery", "reject", (NEEDS_DECISION,), WAITING, SENIOR_REVIEWER, "sent back"),
    *(t for t in _work("delivery", DONE) if t.trigger not in {"inputs", "vanished"}),
    Transition(
        "delivery", "vanished", (READY, NEEDS_DECISION, FAILED), WAITING, summary="QA undone"
    ),
    *_work("scoring", DONE),
)

# Who signs off each stage that has a human checkpoint (one role per stage).
CHECKPOINTS: dict[str, str] = {
    t.stage: t.by for t in TRANSITIONS if t.trigger == "approve" and t.by != SYSTEM
}


def find_transition(stage: str, trigger: str, source: str) -> Transition | None:
    """The row letting STAGE leave SOURCE on TRIGGER, if one is declared."""
    return next(
        (
            t
            for t in TRANSITIONS
            if t.stage == stage and t.trigger == trigger and source in t.sources
        ),
        None,
    )


def normalise_role(role: str) -> str:
    """'Creative_Lead ' -> 'creative lead': roles compare case- and separator-blind."""
    return " ".join(role.replace("_", " ").replace("-", " ").lower().split())


@dataclass(frozen=True)
class StageState:
    """A stage's current state and the transition event that put it there."""

    stage: str
    state: str = INITIAL
    since: str | None = None
    who: str | None = None
    event_id: int = 0
    payload: Mapping[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str | None:
        """The inputs fingerprint the stage last moved on (None before its first move)."""
        return self.payload.get("fingerprint")


LATEST_SQL = (
    "SELECT id, at, who, payload FROM events WHERE id IN ("
    " SELECT max(id) FROM events WHERE what = ? GROUP BY json_extract(payload, '$.stage'))"
)
DONE_SQL = (
    "SELECT json_extract(payload, '$.stage'), id, json_extract(payload, '$.fingerprint')"
    " FROM events WHERE id IN (SELECT max(id) FROM events WHERE what = ?"
    " AND json_extract(payload, '$.target') = 'done' GROUP BY json_extract(payload, '$.stage'))"
)
FAILURE_SQL = (
    "SELECT at, payload FROM events WHERE what = ?"
    " AND json_extract(payload, '$.target') = 'failed' ORDER BY id DESC LIMIT 1"
)


def states_from_rows(rows: Iterable[tuple[int, str, str, str]]) -> dict[str, StageState]:
    """Every stage's state from (id, at, who, payload) rows of its latest transition event."""
    found = {stage: StageState(stage) for stage in ALL_STAGES}
    for event_id, at, who, payload in rows:
        data = json.loads(payload)
        stage = data.get("stage")
        if stage in found and data.get("target") in STATES:
            found[stage] = StageState(stage, data["target"], at, who, event_id, data)
    return found


def read_states(conn: sqlite3.Connection) -> dict[str, StageState]:
    """Every stage's current state, read on an open state.db connection (a database
    without an events table yet: every stage is in its initial state)."""
    try:
        rows = conn.execute(LATEST_SQL, (EVENT,)).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
        rows = []
    return states_from_rows(rows)


def last_done(conn: sqlite3.Connection) -> dict[str, str]:
    """What each stage last finished on: the inputs fingerprint of its latest transition
    into `done` (its event id when none was recorded). Later stages build on it."""
    return {
        stage: str(fingerprint) if fingerprint else f"event{event_id}"
        for stage, event_id, fingerprint in conn.execute(DONE_SQL, (EVENT,))
    }


def last_failure(conn: sqlite3.Connection) -> dict[str, Any] | None:
    """The latest transition into `failed`: stage, when and why; None if none."""
    row = conn.execute(FAILURE_SQL, (EVENT,)).fetchone()
    if row is None:
        return None
    data = json.loads(row[1])
    return {"stage": data.get("stage"), "at": row[0], "reason": data.get("reason", "")}


def open_read_only(state_db: Path) -> sqlite3.Connection | None:
    """A read-only connection to STATE_DB, or None when the project has none yet."""
    if not state_db.is_file() or state_db.stat().st_size == 0:
        return None
    conn = sqlite3.connect(f"file:{state_db}?mode=ro", uri=True, timeout=30.0)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def project_states(state_db: Path) -> dict[str, StageState]:
    """Every stage's state for the project whose state.db is STATE_DB (read only)."""
    conn = open_read_only(state_db)
    if conn is None:
        return states_from_rows(())
    try:
        return read_states(conn)
    finally:
        conn.close()


class TransitionRefused(Exception):
    """A move the table does not allow (a programming error inside tick; users get a
    WorkbenchError from checkpoints.py first)."""


def record_transition(
    conn: sqlite3.Connection,
    stage: str,
    trigger: str,
    *,
    who: str,
    at: str,
    reason: str = "",
    **payload: Any,
) -> StageState:
    """Check TRIGGER against the table on the stage's current state and append the event.

    Runs inside the caller's write transaction (BEGIN IMMEDIATE), so the state read here is
    the state the event moves from: two processes can never both make the same move.
    """
    current = read_states(conn)[stage]
    row = find_transition(stage, trigger, current.state)
    if row is None:
        raise TransitionRefused(f"{stage}: no {trigger!r} transition from {current.state}")
    data = {
        "fingerprint": current.fingerprint,
        "stage": stage,
        "trigger": trigger,
        "source": current.state,
        "target": row.target,
        "by": row.by,
        "reason": reason,
        **payload,
    }
    cursor = conn.execute(
        "INSERT INTO events (at, who, what, payload) VALUES (?, ?, ?, ?)",
        (at, who, EVENT, json.dumps(data, default=str)),
    )
    return StageState(stage, row.target, at, who, int(cursor.lastrowid), data)
