"""Project state in SQLite (state.db, WAL): an append-only event log plus stage tables."""

from __future__ import annotations

import getpass
import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    what TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER IF NOT EXISTS events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TABLE IF NOT EXISTS qa_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    at TEXT NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT,
    placement TEXT,
    check_id TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('pass', 'warn', 'fail')),
    measured TEXT,
    expected TEXT,
    "where" TEXT,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS qa_results_file ON qa_results (file, at);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    stage TEXT NOT NULL,
    subject TEXT NOT NULL,
    decision TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS predictions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    week TEXT NOT NULL,
    model_version TEXT NOT NULL,
    creative_id TEXT NOT NULL,
    ctr REAL NOT NULL,
    ctr_lower REAL NOT NULL,
    ctr_upper REAL NOT NULL,
    cvr REAL,
    cvr_lower REAL,
    cvr_upper REAL,
    UNIQUE (week, model_version, creative_id)
);
CREATE TABLE IF NOT EXISTS boards (
    name TEXT PRIMARY KEY,
    note TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS board_ads (
    board TEXT NOT NULL,
    ad_id TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,
    PRIMARY KEY (board, ad_id)
);
CREATE TABLE IF NOT EXISTS flow_runs (
    run_id TEXT PRIMARY KEY,
    flow TEXT NOT NULL,
    stage TEXT NOT NULL,
    who TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    seconds REAL,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    params TEXT NOT NULL DEFAULT '{}',
    summary TEXT NOT NULL DEFAULT '{}',
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS flow_runs_flow ON flow_runs (flow, started_at);
"""

TABLES = ("events", "qa_results", "decisions", "predictions")


def now_utc() -> str:
    """Current UTC time as ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def current_user() -> str:
    """Who is acting: $WORKBENCH_USER, else the login name."""
    return os.environ.get("WORKBENCH_USER") or getpass.getuser()


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive advisory lock on FOLDER itself (no lock file is left behind)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: creation is not serialised
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


class Store:
    """One project's state.db; every method opens a short transaction, safe across processes."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._ensure(opening=True)

    def _create(self) -> None:
        conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
        finally:
            conn.close()

    def _size(self) -> int | None:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return None

    def _ensure(self, opening: bool = False) -> None:
        """Create state.db (OPENING a new project), or recreate it when it was deleted or
        emptied while in use: with a warning and a `state.recreated` event, never leaving a
        0-byte file. Creation is serialised across processes by a lock on the folder."""
        if not opening and self._size():
            return
        with _folder_lock(self.path.parent):
            size = self._size()
            if size or (opening and size is None):
                self._create()  # idempotent: CREATE ... IF NOT EXISTS
                return
            for suffix in ("-wal", "-shm"):  # the lost database's log must not be replayed
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._create()
        message = f"{self.path} was missing or empty; recreated it (earlier history is lost)"
        logging.getLogger(__name__).warning(message)
        self.record_event("state.recreated", {"reason": message})

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self._ensure()
        conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction on state.db, for modules that own a table (e.g. boards)."""
        return self._connect()

    def record_event(
        self, what: str, payload: Mapping[str, Any] | None = None, who: str | None = None
    ) -> int:
        """Append an event; returns its id."""
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO events (at, who, what, payload) VALUES (?, ?, ?, ?)",
                (
                    now_utc(),
                    who or current_user(),
                    what,
                    json.dumps(dict(payload or {}), default=str),
                ),
            )
            return int(cursor.lastrowid)

    def record_decision(
        self, stage: str, subject: str, decision: str, who: str, note: str = ""
    ) -> None:
        """Record a human decision (and the matching event) in one transaction."""
        at = now_utc()
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO decisions (at, who, stage, subject, decision, note)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (at, who, stage, subject, decision, note),
            )
            conn.execute(
                "INSERT INTO events (at, who, what, payload) VALUES (?, ?, ?, ?)",
                (
                    at,
                    who,
                    f"{stage}.decision",
                    json.dumps({"subject": subject, "decision": decision, "note": note}),
                ),
            )

    def insert_rows(self, table: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert dict rows into a stage table (not events); returns the count."""
        if table not in TABLES or table == "events":
            raise ValueError(f"unknown stage table {table!r}")
        rows = list(rows)
        if not rows:
            return 0
        columns = list(rows[0])
        quoted = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        verb = "INSERT OR REPLACE" if table == "predictions" else "INSERT"
        with self._connect() as conn:
            conn.executemany(
                f"{verb} INTO {table} ({quoted}) VALUES ({marks})",
                [tuple(r[c] for c in columns) for r in rows],
            )
        return len(rows)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> pl.DataFrame:
        """Run a read query and return a polars DataFrame."""
        import polars as pl

        self._ensure()
        conn = sqlite3.connect(self.path, timeout=30.0)
        try:
            cursor = conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        finally:
            conn.close()
        return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)

    def events(self, what_prefix: str = "") -> pl.DataFrame:
        """Events, oldest first, optionally those whose name starts with a prefix."""
        return self.query(
            "SELECT id, at, who, what, payload FROM events WHERE what LIKE ? ORDER BY id",
            (f"{what_prefix}%",),
        )
