"""The demo's recorded history: consistent stage moves, real reviewers, a pending decision."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from creative_workbench import Workspace, load_project
from creative_workbench.demo.history import DAYS, record_demo_history
from creative_workbench.demo.project_file import REVIEWERS
from creative_workbench.pipeline.store import Store
from creative_workbench.reports import timeline
from tests.projects import make_project

END = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


@pytest.fixture
def project(tmp_path):
    make_project(tmp_path)
    project = load_project("acme", Workspace(tmp_path))
    assert record_demo_history(project.state_db, end=END, fingerprints={"research": "abc"}) > 40
    return project


def test_every_stage_moves_through_the_table_in_order(project):
    events = Store(project.state_db).events("stage.transition")
    state = {}
    for payload in map(json.loads, events["payload"]):
        stage = payload["stage"]
        assert payload["source"] == state.get(stage, "waiting"), payload
        state[stage] = payload["target"]
    assert state == {
        "research": "done",
        "concepts": "done",
        "production": "done",
        "qa": "needs_decision",  # pending: the producer has not decided yet
        "delivery": "done",
        "scoring": "done",
    }
    first = next(p for p in map(json.loads, events["payload"]) if p["stage"] == "research")
    assert first["fingerprint"] == "abc"
    times = events["at"].to_list()
    assert times == sorted(times) and times[0] >= (END - timedelta(days=DAYS)).isoformat()


def test_decisions_are_made_by_demo_reviewers_holding_the_role(project):
    roles = {r["name"]: r["role"] for r in REVIEWERS}
    store = Store(project.state_db)
    decisions = store.query("SELECT who, stage, decision FROM decisions ORDER BY id")
    assert decisions.rows() == [
        ("Lena Brandt", "research", "approve"),
        ("Maya Okafor", "concepts", "reject"),
        ("Maya Okafor", "concepts", "approve"),
        ("Tom Reyes", "qa", "waive"),
        ("Sam Whitaker", "delivery", "approve"),
    ]
    for move in store.events("stage.transition").iter_rows(named=True):
        payload = json.loads(move["payload"])
        if payload["by"] != "system":
            assert roles[move["who"]] == payload["by"]
    assert {"strategist", "senior reviewer", "producer", "creative lead"} <= set(roles.values())


def test_timeline_of_the_demo_history(project):
    frame = timeline.segments(project, now=END)
    stages = {r["stage"]: r for r in timeline.stage_table(frame).iter_rows(named=True)}
    assert all(stages[s]["runs"] >= 1 for s in timeline.STAGES)
    assert stages["concepts"]["decisions"] == 2 and stages["qa"]["pending_since"] is not None
    failed = Store(project.state_db).query(
        "SELECT count(*) AS n FROM flow_runs WHERE status = 'failed'"
    )
    assert failed["n"][0] == 1
    span = frame["end"].max() - frame["start"].min()
    assert timedelta(days=18) < span <= timedelta(days=DAYS)
    assert timeline.caveats(project)[0].startswith("This project's history was written by the demo")


@pytest.mark.slow
def test_timeline_report_notebook_executes_to_offline_html(project):
    from creative_workbench.pipeline.runner import run_report

    html_path = run_report("project_timeline", "acme", workspace=Workspace(project.root.parents[2]))
    body = html_path.read_text("utf-8")
    assert "Measured (from events)" in body and "Assumed (baseline in project.toml)" in body
    assert "illustrative, not measured" in body
    assert "Acme &lt;Shoes&gt; &amp; Co" in body and "<Shoes>" not in body
    assert body.count("plotly.js v") == 1 and "cdn.plot.ly" not in body.split("</script>")[0]
    assert "nb.show(" not in body  # code hidden
