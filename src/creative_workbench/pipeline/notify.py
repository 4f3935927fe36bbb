"""Tell people when a decision is needed or a stage failed, through apprise URLs.

Channels are project.toml's `notify = ["json://host/path", "mailto://...", ...]`. Every
message goes first into an outbox table in state.db (one row per channel), then is sent;
a channel that is down is logged, stays pending and is retried on the next call (or
`flush_notifications`, which each tick runs). Nothing here raises because a channel is down
and nothing waits longer than SEND_TIMEOUT_S per channel. Delivery is at least once: a
sender claims the rows it sends, and a sender killed between sending and recording frees its
rows after CLAIM_S, so that message may arrive twice.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from creative_workbench.config import Project
from creative_workbench.pipeline.store import Store, now_utc

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 10.0  # the longest one channel may hold up a tick
MAX_ATTEMPTS = 50  # after this many failures a message is marked failed, not retried
CLAIM_S = 120  # a sender's claim on a row; a crashed sender's rows free up after this

# What each kind of message looks like in apprise (colour/icon on chat services).
KIND_TYPES = {
    "decision": "warning",
    "decision_needed": "warning",
    "warning": "warning",
    "failure": "failure",
    "stage_failed": "failure",
    "delivered": "success",
    "success": "success",
    "info": "info",
}

OUTBOX = """
CREATE TABLE IF NOT EXISTS notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'dropped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_until TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at TEXT
)
"""


@dataclass(frozen=True)
class FlushResult:
    """What one pass over the outbox did: ids sent, still pending, given up or dropped."""

    sent: tuple[int, ...] = ()
    pending: tuple[int, ...] = ()
    failed: tuple[int, ...] = ()
    dropped: tuple[int, ...] = ()


def _ensure_outbox(conn: sqlite3.Connection) -> None:
    conn.execute(OUTBOX)


def masked(channel: str) -> str:
    """CHANNEL as apprise prints it with secrets hidden (tokens, passwords), for logs."""
    import apprise

    service = apprise.Apprise.instantiate(channel)
    if service is None:
        return channel.split("://", 1)[0] + "://…"
    return str(service.url(privacy=True))


def notify(project: Project, subject: str, body: str, kind: str) -> None:
    """Queue SUBJECT/BODY for every channel of PROJECT and try to send what is pending.

    KIND is one of KIND_TYPES (others are sent as "info"). Never raises because a
    channel is down or a URL is bad: the problem is logged and recorded as an event.
    """
    channels = list(project.config.notify)
    if not channels:
        return
    at = now_utc()
    try:
        with Store(project.state_db).transaction() as conn:
            _ensure_outbox(conn)
            conn.executemany(
                "INSERT INTO notifications (created_at, channel, subject, body, kind, status)"
                " VALUES (?, ?, ?, ?, ?, 'pending')",
                [(at, channel, subject, body, kind) for channel in channels],
            )
    except sqlite3.Error as exc:  # state.db locked or unwritable: say so, do not stop the stage
        log.warning("%s: could not queue notification %r: %s", project.name, subject, exc)
        return
    flush_notifications(project)


def _claim(store: Store, now: datetime) -> list[tuple]:
    """Pending rows nobody else is sending, claimed for CLAIM_S seconds."""
    until = (now + timedelta(seconds=CLAIM_S)).isoformat(timespec="seconds")
    with store.transaction() as conn:
        _ensure_outbox(conn)
        rows = conn.execute(
            "SELECT id, channel, subject, body, kind, attempts FROM notifications"
            " WHERE status = 'pending' AND (claimed_until IS NULL OR claimed_until < ?)"
            " ORDER BY id",
            (now.isoformat(timespec="seconds"),),
        ).fetchall()
        conn.executemany(
            "UPDATE notifications SET claimed_until = ? WHERE id = ?",
            [(until, row[0]) for row in rows],
        )
    return rows


def _send(channel: str, subject: str, body: str, kind: str) -> str:
    """Send one message to one channel; returns '' when delivered, else why not."""
    import apprise

    sender = apprise.Apprise()
    if not sender.add(channel):
        return "not a valid apprise URL"
    result = sender.notify(
        body=body or subject,
        title=subject,
        notify_type=KIND_TYPES.get(kind, "info"),
        timeout=SEND_TIMEOUT_S,
    )
    if result:
        return ""
    return f"channel did not accept the message ({getattr(result, 'status', 'failed')})"


def flush_notifications(project: Project) -> FlushResult:
    """Try every pending notification once (oldest first); never raises for a bad channel."""
    store = Store(project.state_db)
    try:
        rows = _claim(store, datetime.now(UTC))
    except sqlite3.Error as exc:
        log.warning("%s: notification outbox unreadable: %s", project.name, exc)
        return FlushResult()
    configured = set(project.config.notify)
    outcome: dict[str, list[int]] = {"sent": [], "pending": [], "failed": [], "dropped": []}
    for row_id, channel, subject, body, kind, attempts in rows:
        if channel not in configured:  # removed from project.toml: nobody to tell there
            status, error = "dropped", "channel no longer in project.toml notify"
        else:
            try:
                error = _send(channel, subject, body, kind)
            except Exception as exc:  # a plugin bug must not stop the tick either
                error = f"{type(exc).__name__}: {exc}"
            if not error:
                status = "sent"
            elif "valid apprise URL" in error or attempts + 1 >= MAX_ATTEMPTS:
                status = "failed"
            else:
                status = "pending"
        _record(store, project, row_id, channel, subject, status, error)
        outcome[status].append(row_id)
    return FlushResult(**{k: tuple(v) for k, v in outcome.items()})


def _record(
    store: Store, project: Project, row_id: int, channel: str, subject: str, status: str, error: str
) -> None:
    at = now_utc()
    shown = masked(channel)
    if error:
        log.warning(
            "%s: notification %r to %s not delivered (%s): %s",
            project.name,
            subject,
            shown,
            "will retry" if status == "pending" else status,
            error,
        )
    try:
        with store.transaction() as conn:
            conn.execute(
                "UPDATE notifications SET status = ?, attempts = attempts + ?, last_error = ?,"
                " sent_at = ?, claimed_until = NULL WHERE id = ?",
                (status, int(status != "dropped"), error, at if status == "sent" else None, row_id),
            )
        what = "notify.sent" if status == "sent" else f"notify.{status}"
        store.record_event(
            what, {"id": row_id, "channel": shown, "subject": subject, "error": error}, "workbench"
        )
    except sqlite3.Error as exc:
        log.warning("%s: could not record notification %s: %s", project.name, row_id, exc)


def outbox(project: Project) -> list[dict]:
    """Every notification row, oldest first (for status and tests)."""
    store = Store(project.state_db)
    with store.transaction() as conn:
        _ensure_outbox(conn)
    frame = store.query(
        "SELECT id, created_at, channel, subject, kind, status, attempts, last_error, sent_at"
        " FROM notifications ORDER BY id"
    )
    rows = frame.to_dicts()
    for row in rows:
        row["channel"] = masked(row["channel"])
    return rows
