"""Project state: WAL SQLite, append-only events, safe under concurrent writers."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ProcessPoolExecutor

import pytest

from creative_workbench.pipeline.store import Store


def _write_events(path: str, worker: int, count: int) -> None:
    store = Store(path)
    for index in range(count):
        store.record_event("test.event", {"worker": worker, "index": index}, who=f"w{worker}")


def test_events_are_recorded_with_who_what_when(tmp_path):
    store = Store(tmp_path / "state.db")
    store.record_event("report.run", {"report": "x"}, who="maya")
    events = store.events()
    assert events.height == 1
    row = events.row(0, named=True)
    assert row["who"] == "maya" and row["what"] == "report.run"
    assert '"report": "x"' in row["payload"] and row["at"].endswith("+00:00")


def test_database_uses_wal(tmp_path):
    Store(tmp_path / "state.db")
    mode = sqlite3.connect(tmp_path / "state.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_events_are_append_only(tmp_path):
    store = Store(tmp_path / "state.db")
    store.record_event("a")
    conn = sqlite3.connect(tmp_path / "state.db")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET who = 'mallory'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events")


def test_concurrent_writers_lose_nothing(tmp_path):
    path = str(tmp_path / "state.db")
    Store(path)
    with ProcessPoolExecutor(max_workers=4) as pool:
        list(pool.map(_write_events, [path] * 4, range(4), [60] * 4))
    events = Store(path).events("test.")
    assert events.height == 240
    assert events.get_column("id").n_unique() == 240


def test_decisions_record_an_event_too(tmp_path):
    store = Store(tmp_path / "state.db")
    store.record_decision("concepts", "C-001", "approved", who="Maya Okafor", note="strong hook")
    assert store.query("SELECT decision FROM decisions").item() == "approved"
    assert store.events().get_column("what").to_list() == ["concepts.decision"]


def test_stage_tables_refuse_unknown_names(tmp_path):
    with pytest.raises(ValueError, match="unknown stage table"):
        Store(tmp_path / "state.db").insert_rows("events", [{"a": 1}])
