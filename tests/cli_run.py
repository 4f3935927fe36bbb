"""Run the `workbench` CLI in a subprocess, as a user would, and check its one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def workbench(
    *args: str | Path, cwd: Path, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """The CLI's exit code and output for ARGS run in CWD, on an 80-column terminal."""
    return subprocess.run(
        [sys.executable, "-m", "creative_workbench.cli", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "80"},
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Exit 2, exactly one `error:` line on stderr holding each of NEEDLES, no traceback;
    returns that line."""
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("error:")
    for needle in needles:
        assert needle in lines[0], result.stderr
    return lines[0]
