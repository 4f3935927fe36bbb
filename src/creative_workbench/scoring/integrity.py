"""A model version that defends itself: manifest.json holds the sha256 of every file of the
version (card.json, scorer.json, the UBJ models), written at training and also recorded in
the project's state.db; every read checks them. A missing, edited, truncated or malformed
file is one line — "model vN is damaged: FILE: WHAT; retrain or promote another" — never a
native XGBoost stack or a traceback."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from creative_workbench.errors import DataError
from creative_workbench.hashing import file_sha256

MANIFEST = "manifest.json"
REQUIRED = ("card.json", "scorer.json", "model.ubj")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_JSON_BYTES = 50_000_000


def damaged(version: str, file: str, what: str) -> DataError:
    """The one-line error for a damaged model version."""
    return DataError(f"model {version} is damaged: {file}: {what}; retrain or promote another")


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file in FOLDER except the manifest, by name (sorted)."""
    return {
        p.name: file_sha256(p)
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != MANIFEST and not p.name.startswith(".")
    }


def write_manifest(folder: Path) -> dict[str, str]:
    """Write FOLDER's manifest.json; returns the hashes written."""
    hashes = file_hashes(folder)
    (folder / MANIFEST).write_text(json.dumps({"sha256": hashes}, indent=2), "utf-8")
    return hashes


def read_json_object(path: Path, version: str) -> dict[str, Any]:
    """A JSON object from PATH, or the damaged-model error saying what is wrong with it."""
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            raise damaged(version, path.name, f"larger than {MAX_JSON_BYTES:,} bytes")
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise damaged(version, path.name, "missing") from None
    except UnicodeDecodeError:
        raise damaged(version, path.name, "not UTF-8 text") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise damaged(version, path.name, f"malformed or truncated JSON{where}") from None
    except OSError as exc:
        raise damaged(version, path.name, f"unreadable ({exc.strerror})") from None
    if not isinstance(data, dict):
        raise damaged(version, path.name, f"not a JSON object (a {type(data).__name__})")
    return data


def manifest(folder: Path, version: str) -> dict[str, str]:
    """The hashes in FOLDER's manifest.json, checked for shape."""
    hashes = read_json_object(folder / MANIFEST, version).get("sha256")
    if not isinstance(hashes, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and SHA256.match(v) for k, v in hashes.items()
    ):
        raise damaged(version, MANIFEST, "no valid 'sha256' table of file hashes")
    missing = [name for name in REQUIRED if name not in hashes]
    if missing:
        raise damaged(version, MANIFEST, f"no hash for {', '.join(missing)}")
    return hashes


def verify(folder: Path, version: str, recorded: Mapping[str, str] | None = None) -> None:
    """Check every file of FOLDER against its manifest, and the manifest against the hashes
    RECORDED in state.db at training (when there is a record)."""
    hashes = manifest(folder, version)
    if recorded:
        for name in sorted(set(hashes) | set(recorded)):
            if hashes.get(name) != recorded.get(name):
                raise damaged(
                    version, name, "hash differs from the one recorded in state.db at training"
                )
    for name, expected in hashes.items():
        path = folder / name
        if Path(name).name != name or not path.is_file():
            raise damaged(version, name, "missing")
        if file_sha256(path) != expected:
            raise damaged(version, name, "contents changed since training (sha256 mismatch)")
