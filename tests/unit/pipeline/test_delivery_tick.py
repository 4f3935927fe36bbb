"""The whole checkpoint walk with the stage machine: tick runs QA, the producer waives, the
senior reviewer signs off, tick builds the package, people hear about each decision.

Runs once pipeline/tick.py and pipeline/checkpoints.py (the orchestration branch) are
present; skipped before that merge.
"""

from __future__ import annotations

import json

import pytest

from creative_workbench import Workspace, load_project
from creative_workbench.pipeline.delivery import verify_delivery
from creative_workbench.pipeline.notify import outbox
from tests.projects import make_project
from tests.unit.pipeline.test_delivery import GOOD, NOLOGO, write_deliverables
from tests.unit.pipeline.test_notify import webhook

checkpoints = pytest.importorskip("creative_workbench.pipeline.checkpoints")
tick_module = pytest.importorskip("creative_workbench.pipeline.tick")
studio = pytest.importorskip("tests.studio")


def test_tick_waiver_sign_off_and_tick_deliver_a_sealed_package(tmp_path):
    from creative_workbench.pipeline.stage_work import TickSettings

    settings = TickSettings(reports=False)
    with webhook() as (port, inbox):
        channel = f'notify = ["json://127.0.0.1:{port}/studio"]\n'
        write_deliverables(make_project(tmp_path, toml=channel + studio.STUDIO_TOML))
        project = load_project("acme", Workspace(tmp_path))
        tick_module.tick(project, settings)  # QA runs; the logo finding needs a decision
        (finding,) = checkpoints.open_qa_findings(project)
        assert finding.name == f"{NOLOGO}::brand.logo"
        producer = studio.REVIEWERS["producer"]
        checkpoints.decide(project, "qa", "approve", producer, "logo on the end card", finding.name)
        tick_module.tick(project, settings)  # delivery now waits on the senior reviewer
        assert build_count(project) == 0
        senior = studio.REVIEWERS["senior reviewer"]
        checkpoints.decide(project, "delivery", "approve", senior, "ship it")
        tick_module.tick(project, settings)
        titles = [payload["title"] for _, payload in inbox.posts]
    (package,) = project.delivery_dir.iterdir()
    files = json.loads((package / "manifest.json").read_text("utf-8"))["files"]
    assert [(f["file"], f["qa_verdict"], f["approver"]) for f in files] == [
        (GOOD, "pass", senior),
        (NOLOGO, "waived", senior),
    ]
    assert verify_delivery(project) == []
    assert titles == [
        "acme: qa needs a decision from the producer",
        "acme: delivery needs a decision from the senior reviewer",
    ]
    assert {row["status"] for row in outbox(project)} == {"sent"}


def build_count(project) -> int:
    folder = project.delivery_dir
    return (
        len([p for p in folder.iterdir() if not p.name.startswith(".")]) if folder.is_dir() else 0
    )
