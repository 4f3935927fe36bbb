"""Run the `workbench` CLI in a subprocess, as a hostile user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def workbench(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI's exit code and output for ARGS run in CWD."""
    return subprocess.run(
        [sys.executable, "-m", "creative_workbench.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """Exit 2, exactly one line on stderr, no traceback; returns that line."""
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("error:")
    return lines[0]
