"""`workbench watch`: tick the projects whose raw inputs or deliverables change.

watchfiles reports changes under data/projects/*/raw/ and */deliverables/ (debounced: a
burst of copies becomes one batch); each batch ticks the projects it touched. A tick is
idempotent and locked, so a watch beside cron ticks never runs the same work twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from creative_workbench.config import Workspace
from creative_workbench.pipeline.stage_inputs import IGNORED_PREFIXES, IGNORED_SUFFIXES
from creative_workbench.pipeline.stage_work import TickSettings
from creative_workbench.pipeline.tick import TickReport, tick_all

WATCHED = ("raw", "deliverables")
DEBOUNCE_MS = 1600  # watchfiles' default: changes within this window make one batch


def changed_project(projects_dir: Path, path: str) -> str | None:
    """The project a changed PATH belongs to, if it is a watched input (else None)."""
    try:
        parts = Path(path).relative_to(projects_dir).parts
    except ValueError:
        return None
    # The watched folder itself counts: files copied into a new folder can land before the
    # watcher follows it, and a tick re-reads the whole folder anyway.
    if len(parts) < 2 or parts[1] not in WATCHED:
        return None
    name = parts[-1]
    if name.startswith(IGNORED_PREFIXES) or name.endswith(IGNORED_SUFFIXES):
        return None
    return parts[0]


def projects_in(projects_dir: Path, changes: Iterable[tuple[Any, str]]) -> list[str]:
    """Sorted names of the projects a batch of watchfiles CHANGES touched."""
    found = {changed_project(projects_dir, path) for _, path in changes}
    return sorted(name for name in found if name)


def watch(
    workspace: Workspace,
    settings: TickSettings | None = None,
    executor: str | None = None,
    on_tick: Callable[[list[TickReport]], None] | None = None,
    stop_event: Any = None,
    debounce_ms: int = DEBOUNCE_MS,
) -> None:
    """Tick every project once, then again for each batch of changes until STOP_EVENT is
    set (or Ctrl-C); ON_TICK receives each batch's reports."""
    from watchfiles import watch as watch_changes

    projects_dir = workspace.projects_dir
    projects_dir.mkdir(parents=True, exist_ok=True)
    show = on_tick or (lambda reports: None)
    show(tick_all(workspace, executor, settings))

    def watched(change: Any, path: str) -> bool:
        return changed_project(projects_dir, path) is not None

    for changes in watch_changes(
        projects_dir,
        watch_filter=watched,
        debounce=debounce_ms,
        stop_event=stop_event,
        raise_interrupt=False,
    ):
        names = [n for n in projects_in(projects_dir, changes) if (projects_dir / n).is_dir()]
        if names:
            show(tick_all(workspace, executor, settings, names=names))
