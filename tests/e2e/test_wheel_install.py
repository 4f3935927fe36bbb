"""The package installs as a wheel: build it, install it into a fresh venv in a temp folder
(the Makefile's pinned path), then `workbench new` and a report run there, away from the repo.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
UV = Path(sys.executable).with_name("uv")


def _run(command: list[str], cwd: Path, timeout: float = 900) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    done = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done.stdout


def test_wheel_installs_and_runs_a_new_project(tmp_path: Path) -> None:
    if not UV.is_file():
        pytest.skip("uv is installed by `make install`; run the tests through make")
    dist, venv, workspace = tmp_path / "dist", tmp_path / "venv", tmp_path / "studio"
    _run([UV, "build", "--wheel", "--quiet", "--out-dir", dist, REPO], cwd=tmp_path)
    (wheel,) = dist.glob("creative_workbench-*.whl")
    _run([UV, "venv", "--quiet", "--python", sys.executable, venv], cwd=tmp_path)
    python = venv / "bin" / "python"
    constraints = REPO / "constraints.txt"
    pip = [UV, "pip", "install", "--quiet", "--python", python, "-c", constraints]
    _run([*pip, wheel], cwd=tmp_path)
    _run([*pip, "--no-deps", "rapidocr-onnxruntime"], cwd=tmp_path)  # as the Makefile does

    where = _run([python, "-c", "import creative_workbench as c; print(c.__file__)"], tmp_path)
    assert Path(where.strip()).is_relative_to(venv), "imported the repo, not the wheel"
    workbench = venv / "bin" / "workbench"
    workspace.mkdir()
    _run([workbench, "new", "acme"], cwd=workspace)
    assert (workspace / "data/projects/acme/README.md").is_file()
    _run([workbench, "run", "project_overview", "--project", "acme"], cwd=workspace)
    (html,) = (workspace / "reports" / "acme").glob("*/project_overview.html")
    assert "acme" in html.read_text("utf-8")
