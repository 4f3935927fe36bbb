"""Atomic file writes: write a temp file in the same folder, then rename over the target.

Temp files are named `.<target>.<pid>-<random>.tmp`, so a write killed half-way leaves a
file that `remove_stale_temps` recognises (its writer is gone) and removes on the next run.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

# A temp of an older writer (no pid in its name) counts as stale after this many seconds.
STALE_AFTER_S = 600
_TEMP_PID = re.compile(r"^\..+\.(\d+)(?:-[^.]*)?\.tmp$")  # .<target>.<pid>[-<random>].tmp


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.{os.getpid()}-"


def _write_temp(path: Path, data: bytes) -> Path:
    """DATA in a new temp file beside PATH, flushed to disk; returns the temp's path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write DATA to PATH so readers see either the old file or the whole new one."""
    tmp = _write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    """Write TEXT as UTF-8 atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_files(files: Mapping[Path, bytes]) -> list[Path]:
    """Publish FILES together: all are written to temps first, then renamed one after the
    other; when any step fails, the files already renamed are put back as they were."""
    temps: dict[Path, Path] = {}
    backups: dict[Path, Path | None] = {}
    try:
        for path, data in files.items():
            temps[path] = _write_temp(path, data)
        for path, tmp in temps.items():
            backups[path] = _backup(path)
            os.replace(tmp, path)
    except BaseException:
        for path, backup in backups.items():  # undo: the old file back, or none
            if backup is not None:
                os.replace(backup, path)
            elif not temps[path].exists():
                path.unlink(missing_ok=True)
        raise
    finally:
        for leftover in [*temps.values(), *(b for b in backups.values() if b)]:
            leftover.unlink(missing_ok=True)
    return list(files)


def _backup(path: Path) -> Path | None:
    """A hard link (else a copy) of PATH under a temp name, or None when PATH is absent."""
    if not path.is_file():
        return None
    handle, name = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    os.close(handle)
    backup = Path(name)
    backup.unlink()
    try:
        os.link(path, backup)
    except OSError:
        shutil.copy2(path, backup)
    return backup


def _writer_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by someone else
        return False
    return False


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete temp files under FOLDER left by killed writes: their writer's pid is gone, or
    they are over STALE_AFTER_S old (a live write takes milliseconds). Returns them."""
    if not folder.is_dir():
        return []
    removed = []
    now = time.time()
    for path in folder.rglob(".*.tmp"):
        match = _TEMP_PID.match(path.name)
        try:
            gone = match is not None and _writer_gone(int(match.group(1)))
            if (gone or now - path.stat().st_mtime > STALE_AFTER_S) and path.is_file():
                path.unlink()
                removed.append(path)
        except OSError:  # removed meanwhile, or not ours to remove
            continue
    return removed
