"""One path rule: every path a project file names stays inside the project folder."""

from __future__ import annotations

from pathlib import Path

from creative_workbench.errors import ConfigError


def inside_project(project_dir: Path, relative: str | Path, what: str) -> Path:
    """RELATIVE resolved under PROJECT_DIR (after symlinks), or a ConfigError naming WHAT.

    The message names the setting and the path only: the target is never opened here.
    """
    root = Path(project_dir).resolve()
    raw = Path(relative)
    if raw.is_absolute():
        raise ConfigError(f"{what} = {str(relative)!r} is absolute; use a path inside {root}")
    resolved = (root / raw).resolve()
    if not resolved.is_relative_to(root):
        raise ConfigError(f"{what} = {str(relative)!r} leads outside the project folder {root}")
    return resolved


def glob_inside_project(project_dir: Path, pattern: str, what: str) -> list[Path]:
    """Files matching the glob PATTERN under PROJECT_DIR; a pattern or match outside is an error."""
    folder = Path(project_dir)
    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        raise ConfigError(f"{what} = {pattern!r} leads outside the project folder {folder}")
    matches = sorted(path for path in folder.glob(pattern) if path.is_file())
    for path in matches:  # a symlink inside the project may still point outside it
        inside_project(folder, path.relative_to(folder), f"{what} (match {path.name!r})")
    return matches
