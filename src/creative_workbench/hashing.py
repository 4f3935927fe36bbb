"""Content hashes: the sha256 every stage records for a file it read, checked or shipped."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> str:
    """Hex sha256 of PATH's bytes (read in chunks; raises OSError when unreadable)."""
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
