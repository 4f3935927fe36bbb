"""Each project's working copies of the report notebooks, for JupyterLab.

The templates in the package's notebooks/ folder never change when someone explores: a
project gets its own copies under data/projects/NAME/notebooks/ with `project` pre-filled
in the parameters cell. A copy records the hash of the template it came from, so a newer
template is reported (and `--reset` replaces the copy) instead of silently overwriting edits.
"""

from __future__ import annotations

import ast
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from creative_workbench.atomic import atomic_write_text
from creative_workbench.config import Project
from creative_workbench.errors import ReportError
from creative_workbench.pipeline.registry import REPORTS, ReportSpec

METADATA_KEY = "creative_workbench"


@dataclass(frozen=True)
class WorkingCopy:
    """One project notebook and what happened to it: created, kept, replaced or outdated."""

    report: str
    path: Path
    status: str


def template_hash(spec: ReportSpec) -> str:
    """sha256 of the template notebook's bytes."""
    return hashlib.sha256(spec.notebook_path.read_bytes()).hexdigest()


def set_parameter(source: str, name: str, value: object) -> str:
    """SOURCE (a parameters cell) with the top-level `NAME = ...` assignment set to VALUE."""
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            lines = source.splitlines()
            lines[node.lineno - 1 : node.end_lineno] = [f"{name} = {json.dumps(value)}"]
            return "\n".join(lines)
    raise ReportError(f"parameters cell has no `{name} = ...` line to pre-fill")


def prefilled(spec: ReportSpec, project: str) -> nbformat.NotebookNode:
    """The template of SPEC with `project` set to PROJECT and its origin in the metadata."""
    book = nbformat.read(spec.notebook_path, as_version=4)
    cells = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ReportError(f"{spec.notebook_path}: needs exactly one cell tagged 'parameters'")
    cells[0].source = set_parameter(cells[0].source, "project", project)
    book.metadata[METADATA_KEY] = {"report": spec.name, "template_sha256": template_hash(spec)}
    return book


def working_copies(project: Project, *, reset: bool = False) -> list[WorkingCopy]:
    """Make sure PROJECT has a copy of every report notebook; RESET replaces existing ones."""
    copies = []
    for spec in REPORTS.values():
        path = project.notebooks_dir / spec.notebook
        if path.exists() and not reset:
            status = "kept" if _origin(path) == template_hash(spec) else "outdated"
        else:
            status = "replaced" if path.exists() else "created"
            atomic_write_text(path, nbformat.writes(prefilled(spec, project.name)))
        copies.append(WorkingCopy(spec.name, path, status))
    return copies


def _origin(path: Path) -> str | None:
    try:
        book = nbformat.read(path, as_version=4)
    except Exception:  # a copy the user broke is reported as outdated, never overwritten
        return None
    return book.metadata.get(METADATA_KEY, {}).get("template_sha256")
