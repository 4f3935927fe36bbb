"""Shared fixtures: the real public data folder beside the repo, and temporary workspaces."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO_ROOT.parent / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data: skipped with a reason when absent, a failure under CI=true."""
    if SHARED_DATA.is_dir():
        return SHARED_DATA
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{SHARED_DATA} is missing: CI must run with ../shared beside the repo")
    pytest.skip(f"real public data not found at {SHARED_DATA} (clone ../shared beside the repo)")
