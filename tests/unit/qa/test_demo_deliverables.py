"""Every planted defect in the demo deliverables is caught; clean files pass (truth manifest)."""

from __future__ import annotations

import json

import pytest

from creative_workbench.config import Workspace, load_project
from creative_workbench.qa.context import context_for
from creative_workbench.qa.gate import check_file


@pytest.fixture(scope="module")
def demo(demo_workspace):
    project = load_project("demo", Workspace.discover(demo_workspace))
    manifest = json.loads((project.root / "demo_truth" / "deliverables.json").read_text("utf-8"))
    return project, manifest


def test_manifest_covers_clean_files_and_every_defect(demo):
    _, manifest = demo
    assert any(entry["defect"] is None for entry in manifest)
    assert len({entry["defect"] for entry in manifest if entry["defect"]}) >= 7


def test_each_deliverable_triggers_exactly_the_expected_checks(demo):
    project, manifest = demo
    wrong = []
    for entry in manifest:
        path = project.deliverables_dir / entry["file"]
        result = check_file(path, context_for(path, project))
        got = {f.check_id: f.severity for f in result.findings if f.severity != "pass"}
        if got != entry["expect"]:
            wrong.append((entry["file"], entry["defect"], got, entry["expect"]))
    assert wrong == []
