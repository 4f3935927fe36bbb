"""The seeded demo project: one coherent fictional market for Northwind Running.

`build_demo(workspace_root, seed)` writes data/projects/NAME/ deterministically (same seed,
same bytes): the brand guide and logo, project.toml, competitor ads as Meta Ad Library API
pages with images, Northwind's past creatives with a year of daily Meta Ads Manager exports,
deliverable MP4s with planted defects, and demo_truth/ (what the stages should find).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from creative_workbench.config import Workspace, check_project_name
from creative_workbench.demo.brand import write_brand
from creative_workbench.demo.creatives import write_creatives_and_performance
from creative_workbench.demo.deliverable_plan import DELIVERABLES
from creative_workbench.demo.deliverables import write_deliverables
from creative_workbench.demo.market import write_market
from creative_workbench.demo.project_file import write_project_file
from creative_workbench.demo.truth import truth_markdown

__all__ = ["BUILD_STEPS", "build_demo"]

BUILD_STEPS = ("brand", "project", "market", "performance", "deliverables")


def _build_into(folder: Path, seed: int, report: Callable[[str, str], None]) -> None:
    report("brand", "brand guide and logo")
    write_brand(folder)
    report("project", "project.toml")
    write_project_file(folder, [d.project_entry() for d in DELIVERABLES])
    for empty in ("concepts", "delivery", "models"):
        (folder / empty).mkdir(parents=True, exist_ok=True)
    report("market", "competitor ads and images")
    write_market(folder, seed)
    report("performance", "creatives and a year of daily performance")
    write_creatives_and_performance(folder, seed)
    (folder / "demo_truth" / "performance_truth.md").write_text(truth_markdown(), "utf-8")
    report("deliverables", "deliverable videos")
    write_deliverables(folder, seed, progress=lambda message: report("deliverables", message))


def build_demo(
    workspace_root: Path | str,
    seed: int = 7,
    name: str = "demo",
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Build the demo project under WORKSPACE_ROOT/data/projects/NAME and return its folder.

    The project is built in a temporary folder beside the target and renamed into place, so
    a crash never leaves half a demo; an older demo of the same name is replaced.

    Args:
        workspace_root: The workspace folder (holds data/projects/).
        seed: Seed of every random choice; the same seed gives identical files.
        name: Project name (letters, digits, '-' and '_').
        progress: Optional callable receiving one message per step.
    """
    check_project_name(name)
    target = Workspace.discover(workspace_root).project_dir(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def report(step: str, message: str) -> None:
        if progress is not None:
            progress(f"[{step}] {message} ({time.perf_counter() - started:.1f} s)")

    staging = Path(tempfile.mkdtemp(prefix=f".{name}.building.", dir=target.parent))
    try:
        _build_into(staging, int(seed), report)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{name}.old.", dir=target.parent))
            target.rename(old / name)
            staging.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report("done", str(target))
    return target
