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


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace holding the seeded demo project, built once per test run.

    Shared by pytest-xdist workers through a file lock, so the demo is built only once.
    Tests must treat it as read-only (copy what they change into tmp_path).
    """
    from filelock import FileLock

    from creative_workbench.demo import build_demo

    base = tmp_path_factory.getbasetemp()
    # Under pytest-xdist each worker's basetemp sits inside this run's folder: share that one.
    shared_root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    root = shared_root / "demo-workspace"
    with FileLock(str(shared_root / "demo-workspace.lock")):
        if not (root / "data" / "projects" / "demo" / "project.toml").is_file():
            build_demo(root, seed=7)
    return root
