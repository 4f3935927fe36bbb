"""Boards: named, saved sets of competitor ads with a note and tags, kept in state.db.

A board is shared by everyone who opens the project (JupyterLab, the web app, the CLI):
it lives in the project's state.db (`boards`, `board_ads`), and every change is also an
event in the append-only log, so who saved what and when stays on record.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from creative_workbench.errors import DataError
from creative_workbench.pipeline.store import Store, current_user, now_utc

MAX_NAME_LENGTH = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Board:
    """One board: its name, note, tags and the ads on it (in the order they were added)."""

    name: str
    note: str
    tags: tuple[str, ...]
    created_at: str
    created_by: str
    updated_at: str
    ad_ids: tuple[str, ...]


def clean_name(name: str) -> str:
    """A board name stripped of surrounding space; empty, too long or control characters
    raise DataError."""
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise DataError("board name is empty: type a name for the board")
    if len(cleaned) > MAX_NAME_LENGTH or _CONTROL.search(cleaned):
        raise DataError(
            f"board name {cleaned[:40]!r}: use at most {MAX_NAME_LENGTH} printable characters"
        )
    return cleaned


def parse_tags(tags: str | Iterable[str]) -> tuple[str, ...]:
    """Tags from a comma-separated string or a list: trimmed, empty ones dropped, no repeats."""
    items = tags.split(",") if isinstance(tags, str) else list(tags)
    cleaned = (" ".join(str(t).split()) for t in items)
    return tuple(dict.fromkeys(t for t in cleaned if t))


class Boards:
    """The boards of one project, read and written through its Store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    def at(cls, state_db: Path | str) -> Boards:
        """Boards kept in the state.db at STATE_DB (created on first use)."""
        return cls(Store(state_db))

    def names(self) -> list[str]:
        """Board names, most recently changed first."""
        rows = self.store.query("SELECT name FROM boards ORDER BY updated_at DESC, name")
        return rows.get_column("name").to_list() if rows.height else []

    def version(self) -> int:
        """Changes whenever any board changes (the id of the latest board event)."""
        rows = self.store.query("SELECT max(id) AS v FROM events WHERE what LIKE 'board.%'")
        return int(rows.item() or 0)

    def exists(self, name: str) -> bool:
        """True when a board called NAME exists."""
        return clean_name(name) in self.names()

    def create(self, name: str, note: str = "", tags: str | Iterable[str] = ()) -> Board:
        """A new empty board; DataError when the name is taken."""
        name, at, who = clean_name(name), now_utc(), current_user()
        try:
            with self.store.transaction() as conn:
                conn.execute(
                    "INSERT INTO boards (name, note, tags, created_at, created_by, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (name, note, json.dumps(list(parse_tags(tags))), at, who, at),
                )
                _log(conn, "board.created", {"board": name}, at, who)
        except sqlite3.IntegrityError:
            raise DataError(f"a board called {name!r} already exists: pick another name") from None
        return self.get(name)

    def get(self, name: str) -> Board:
        """The board called NAME; DataError when there is none."""
        name = clean_name(name)
        rows = self.store.query("SELECT * FROM boards WHERE name = ?", (name,))
        if rows.is_empty():
            raise DataError(f"no board called {name!r}: create it first")
        row = rows.row(0, named=True)
        return Board(
            name=row["name"],
            note=row["note"],
            tags=tuple(json.loads(row["tags"])),
            created_at=row["created_at"],
            created_by=row["created_by"],
            updated_at=row["updated_at"],
            ad_ids=tuple(self.ads(name).get_column("ad_id").to_list()),
        )

    def update(
        self, name: str, *, note: str | None = None, tags: str | Iterable[str] | None = None
    ) -> Board:
        """Change a board's note and/or tags."""
        board = self.get(name)
        new_note = board.note if note is None else note
        new_tags = board.tags if tags is None else parse_tags(tags)
        at, who = now_utc(), current_user()
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE boards SET note = ?, tags = ?, updated_at = ? WHERE name = ?",
                (new_note, json.dumps(list(new_tags)), at, board.name),
            )
            _log(conn, "board.updated", {"board": board.name}, at, who)
        return self.get(board.name)

    def add_ads(self, name: str, ad_ids: Iterable[str], note: str = "") -> int:
        """Put AD_IDS on the board (ads already on it are kept as they are); returns how many
        were new."""
        board, at, who = self.get(name), now_utc(), current_user()
        wanted = [a for a in dict.fromkeys(str(a) for a in ad_ids) if a not in board.ad_ids]
        if not wanted:
            return 0
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO board_ads (board, ad_id, note, added_at, added_by)"
                " VALUES (?, ?, ?, ?, ?)",
                [(board.name, ad_id, note, at, who) for ad_id in wanted],
            )
            conn.execute("UPDATE boards SET updated_at = ? WHERE name = ?", (at, board.name))
            _log(conn, "board.ads_added", {"board": board.name, "ad_ids": wanted}, at, who)
        return len(wanted)

    def remove_ads(self, name: str, ad_ids: Iterable[str]) -> int:
        """Take AD_IDS off the board; returns how many were on it."""
        board, at, who = self.get(name), now_utc(), current_user()
        present = [a for a in dict.fromkeys(str(a) for a in ad_ids) if a in board.ad_ids]
        if not present:
            return 0
        with self.store.transaction() as conn:
            conn.executemany(
                "DELETE FROM board_ads WHERE board = ? AND ad_id = ?",
                [(board.name, ad_id) for ad_id in present],
            )
            conn.execute("UPDATE boards SET updated_at = ? WHERE name = ?", (at, board.name))
            _log(conn, "board.ads_removed", {"board": board.name, "ad_ids": present}, at, who)
        return len(present)

    def delete(self, name: str) -> None:
        """Delete the board and its list of ads (the event log keeps the history)."""
        board, at, who = self.get(name), now_utc(), current_user()
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM board_ads WHERE board = ?", (board.name,))
            conn.execute("DELETE FROM boards WHERE name = ?", (board.name,))
            _log(conn, "board.deleted", {"board": board.name}, at, who)

    def ads(self, name: str) -> pl.DataFrame:
        """The board's ads: ad_id, note, added_at, added_by, oldest first."""
        rows = self.store.query(
            "SELECT ad_id, note, added_at, added_by FROM board_ads WHERE board = ?"
            " ORDER BY added_at, rowid",
            (clean_name(name),),
        )
        if rows.width == 0 or rows.is_empty():
            return pl.DataFrame(
                schema={"ad_id": pl.Utf8, "note": pl.Utf8, "added_at": pl.Utf8, "added_by": pl.Utf8}
            )
        return rows


def _log(conn: sqlite3.Connection, what: str, payload: dict, at: str, who: str) -> None:
    conn.execute(
        "INSERT INTO events (at, who, what, payload) VALUES (?, ?, ?, ?)",
        (at, who, what, json.dumps(payload)),
    )
