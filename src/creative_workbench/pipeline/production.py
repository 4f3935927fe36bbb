"""The production folder: the approved briefs a studio produces deliverables from.

Written by `workbench tick` once the creative lead approves the concept set, into
PROJECT/production/: `approved_briefs.json` (the briefs table's rows that were approved, each
with the generated images approved for it) and
`manifest.json` (who approved, when, the source table's sha256). Both files are written
atomically together; an approval of a new concept set rewrites them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from creative_workbench.atomic import atomic_write_files, remove_stale_temps
from creative_workbench.config import Project
from creative_workbench.errors import DataError
from creative_workbench.hashing import file_sha256
from creative_workbench.pipeline.store import now_utc

BRIEF_FILES = ("briefs.parquet", "briefs.csv", "briefs.json")
CANDIDATES_FILE = "candidates.parquet"  # imported generations: candidate_id -> brief_id
ID_COLUMNS = ("brief_id", "id")
APPROVALS = ("approve", "approved", "approve_with_changes", "changes")


@dataclass(frozen=True)
class ProductionFolder:
    """What was written: the folder, the number of briefs and where they came from."""

    folder: Path
    briefs: int
    source: str | None

    def summary_record(self) -> dict[str, Any]:
        """One JSON-able line for the stage's event."""
        return {"folder": str(self.folder), "briefs": self.briefs, "source": self.source}


def production_dir(project: Project) -> Path:
    """PROJECT/production/."""
    return project.root / "production"


def find_briefs(project: Project) -> Path | None:
    """The concepts stage's briefs table, if one was written."""
    return next(
        (project.concepts_dir / n for n in BRIEF_FILES if (project.concepts_dir / n).is_file()),
        None,
    )


def read_briefs(path: Path) -> list[dict[str, Any]]:
    """Rows of the briefs table at PATH (parquet, CSV or a JSON list of objects)."""
    try:
        if path.suffix == ".json":
            rows = json.loads(path.read_text("utf-8"))
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise ValueError("expected a JSON list of objects")
            return rows
        import polars as pl

        frame = pl.read_parquet(path) if path.suffix == ".parquet" else pl.read_csv(path)
        return frame.to_dicts()
    except (OSError, ValueError, pl_error()) as exc:
        raise DataError(f"{path}: cannot read the briefs table ({exc}); rewrite it") from None


def pl_error() -> type[Exception]:
    """polars' base error class (imported only when a table is read)."""
    import polars.exceptions

    return polars.exceptions.PolarsError


def approved_concepts(state_db: Path) -> set[str]:
    """Concept/brief ids whose latest per-concept decision is an approval."""
    conn = sqlite3.connect(f"file:{state_db}?mode=ro", uri=True, timeout=30.0)
    try:
        rows = conn.execute(
            "SELECT subject, decision FROM decisions WHERE id IN (SELECT max(id) FROM decisions"
            " WHERE stage = 'concepts' AND subject NOT LIKE 'concepts@%' GROUP BY subject)"
        ).fetchall()
    finally:
        conn.close()
    return {str(s) for s, d in rows if str(d).lower().replace(" ", "_") in APPROVALS}


def _brief_id(row: dict[str, Any]) -> str | None:
    return next((str(row[c]) for c in ID_COLUMNS if row.get(c) is not None), None)


def approved_candidates(project: Project, chosen: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Brief id -> the approved generated images (candidates) made for it."""
    path = project.concepts_dir / CANDIDATES_FILE
    if not chosen or not path.is_file():
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    for row in read_briefs(path):
        if str(row.get("candidate_id")) in chosen and row.get("brief_id") is not None:
            kept = {k: row.get(k) for k in ("candidate_id", "file", "aspect", "tool")}
            found.setdefault(str(row["brief_id"]), []).append(kept)
    return found


def write_production(project: Project, approved_by: str, approved_at: str) -> ProductionFolder:
    """Write PROJECT/production/ from the approved concept set (see the module docstring).

    Briefs the creative lead approved one by one (by brief id, or through an approved
    generated image of theirs) are kept, each with its approved images; without any
    per-concept decision the set's sign-off covers every brief in the table.
    """
    source = find_briefs(project)
    rows = read_briefs(source) if source is not None else []
    chosen = approved_concepts(project.state_db) if project.state_db.is_file() else set()
    images = approved_candidates(project, chosen)
    if chosen:
        rows = [
            {**r, "approved_candidates": images.get(_brief_id(r) or "", [])}
            for r in rows
            if _brief_id(r) in chosen or _brief_id(r) in images
        ]
    folder = production_dir(project)
    folder.mkdir(exist_ok=True)
    remove_stale_temps(folder)
    manifest = {
        "project": project.name,
        "approved_by": approved_by,
        "approved_at": approved_at,
        "written_at": now_utc(),
        "briefs": len(rows),
        "source": source.relative_to(project.root).as_posix() if source else None,
        "source_sha256": file_sha256(source) if source else None,
        "selection": "per-concept approvals" if chosen else "the approved set",
    }
    atomic_write_files(
        {
            folder / "approved_briefs.json": json.dumps(rows, indent=2, default=str).encode(),
            folder / "manifest.json": json.dumps(manifest, indent=2).encode(),
        }
    )
    return ProductionFolder(folder, len(rows), manifest["source"])
