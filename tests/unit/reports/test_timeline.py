"""Timeline and cost ledger from a small recorded history: measured vs assumed figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from creative_workbench import Workspace, load_project
from creative_workbench.config import BaselineSettings
from creative_workbench.pipeline.store import Store
from creative_workbench.reports import timeline
from tests.projects import PROJECT_TOML, make_project

NOW = datetime(2026, 11, 3, 11, 0, tzinfo=UTC)


def record(project, runs=(), moves=(), decisions=()):
    """Write flow_runs rows, stage.transition events and decisions as the pipeline does."""
    with Store(project.state_db).transaction() as conn:
        for number, (stage, start, end) in enumerate(runs):
            conn.execute(
                "INSERT INTO flow_runs (run_id, flow, stage, who, started_at, finished_at,"
                " status) VALUES (?, ?, ?, 'tick', ?, ?, ?)",
                (f"r{number}", f"{stage}_flow", stage, start, end, "done" if end else "running"),
            )
        for at, who, stage, trigger, target in moves:
            payload = {"stage": stage, "trigger": trigger, "target": target}
            conn.execute(
                "INSERT INTO events (at, who, what, payload) VALUES (?, ?, 'stage.transition', ?)",
                (at, who, json.dumps(payload)),
            )
        for at, who, stage, decision in decisions:
            conn.execute(
                "INSERT INTO decisions (at, who, stage, subject, decision) VALUES (?, ?, ?, ?, ?)",
                (at, who, stage, stage, decision),
            )


@pytest.fixture
def project(tmp_path):
    make_project(tmp_path)
    return load_project("acme", Workspace(tmp_path))


HISTORY = {
    "runs": [
        ("research", "2026-11-02T09:00:00+00:00", "2026-11-02T09:30:00+00:00"),
        ("concepts", "2026-11-02T10:00:00+00:00", "2026-11-02T11:00:00+00:00"),
        ("qa", "2026-11-03T10:30:00+00:00", None),  # still running at NOW
    ],
    "moves": [
        ("2026-11-02T09:30:00+00:00", "tick", "research", "finish", "needs_decision"),
        ("2026-11-02T13:30:00+00:00", "<Lena>", "research", "approve", "done"),
        ("2026-11-02T11:00:00+00:00", "tick", "concepts", "finish", "needs_decision"),
    ],
}


def test_segments_split_working_from_waiting_and_mark_what_is_open(project):
    record(project, **HISTORY)
    frame = timeline.segments(project, now=NOW)
    rows = {(r["stage"], r["kind"]): r for r in frame.iter_rows(named=True)}
    assert rows[("research", "working")]["hours"] == pytest.approx(0.5)
    assert rows[("research", "waiting")]["hours"] == pytest.approx(4.0)
    assert rows[("research", "waiting")]["detail"] == "approve by <Lena>"
    assert rows[("concepts", "waiting")]["open"] and rows[("concepts", "waiting")]["hours"] == 24
    assert rows[("qa", "working")]["open"] and rows[("qa", "working")]["hours"] == 0.5
    stages = timeline.stage_table(frame)
    concepts = stages.filter(stages["stage"] == "concepts").row(0, named=True)
    assert concepts["pending_since"] == datetime(2026, 11, 2, 11, 0, tzinfo=UTC)
    assert concepts["decisions"] == 0 and concepts["runs"] == 1


def test_ledger_compares_measured_hours_with_the_assumed_baseline(project):
    record(project, **HISTORY)
    stages = timeline.stage_table(timeline.segments(project, now=NOW))
    baseline = BaselineSettings()
    ledger = timeline.ledger(stages, baseline)
    by_row = {r["row"]: r for r in ledger.iter_rows(named=True)}
    assert by_row["research"]["measured_h"] == pytest.approx(0.5)
    assert by_row["research"]["baseline_h"] == 60.0
    assert "40-80 billable hours" in by_row["research"]["baseline_source"]
    assert by_row["coordination"]["measured_h"] == pytest.approx(28.0)  # 4 h + 24 h waits
    assert by_row["qa"]["baseline_h"] is None and by_row["qa"]["ratio"] is None
    total = by_row["total (rows with a baseline)"]
    # research 0.5 + concepts 1 + production 0 + coordination 28; qa has no baseline
    assert total["measured_h"] == pytest.approx(29.5) and total["baseline_h"] == 180.0
    result = timeline.summary(ledger, baseline)
    assert result.time_ratio == pytest.approx(29.5 / 180)
    assert result.measured_cost == pytest.approx(29.5 * 150) and result.baseline_cost == 27000
    lines = timeline.verdict_lines(result, "USD")
    assert lines[0].startswith("Measured (from events): 29.5 h")
    assert lines[1].startswith("Assumed (baseline in project.toml): 180.0 h")
    assert "84% faster" in lines[2] and "claim of 30%-40% faster holds" in lines[2]


def test_project_toml_baseline_overrides_and_a_slow_project_is_said_to_be_slow(tmp_path):
    toml = PROJECT_TOML.replace(
        "[thresholds]",
        "[baseline]\nresearch = 0.25\nconcepts = 0\nproduction = 0\ncoordination = 0\nqa = 0.15\n"
        "hourly_rate = 90\n\n[thresholds]",
    )
    make_project(tmp_path, toml=toml)
    project = load_project("acme", Workspace(tmp_path))
    record(project, runs=[HISTORY["runs"][0]])
    ledger = timeline.ledger(
        timeline.stage_table(timeline.segments(project, NOW)), project.config.baseline
    )
    research = ledger.row(0, named=True)
    assert (research["baseline_h"], research["ratio"]) == (0.25, 2.0)
    assert ledger.filter(ledger["row"] == "qa")["baseline_h"].to_list() == [0.15]
    result = timeline.summary(ledger, project.config.baseline)
    assert result.hourly_rate == 90 and result.time_ratio == pytest.approx(0.5 / 0.4)
    assert "slower than the baseline" in timeline.verdict_lines(result, "EUR")[2]
    assert "does not hold" in timeline.verdict_lines(result, "EUR")[2]


def test_without_transition_events_waits_come_from_decisions(project):
    record(
        project,
        runs=[HISTORY["runs"][0]],
        decisions=[("2026-11-02T12:00:00+00:00", "Lena", "research", "approve")],
    )
    (wait,) = timeline.segments(project, NOW).filter(kind="waiting").iter_rows(named=True)
    assert wait["hours"] == pytest.approx(2.5) and wait["detail"] == "approve by Lena"


def test_figures_label_measured_and_assumed_and_escape_names(project):
    record(project, **HISTORY)
    frame = timeline.segments(project, NOW)
    gantt = timeline.gantt_figure(frame)
    names = {trace.name for trace in gantt.data}
    assert "working (measured)" in names and "waiting for a person (measured) — still open" in names
    hover = [c[0] for trace in gantt.data for c in trace.customdata]
    assert "approve by &lt;Lena&gt;" in hover
    hours = timeline.hours_figure(timeline.ledger(timeline.stage_table(frame), BaselineSettings()))
    assert [t.name for t in hours.data] == ["measured (from events)", "assumed agency baseline"]
    assert timeline.caveats(project) == list(timeline.CAVEATS)


def test_nothing_measured_or_not_delivered_is_said_plainly(project):
    empty = timeline.stage_table(timeline.segments(project, NOW))
    result = timeline.summary(timeline.ledger(empty, BaselineSettings()), BaselineSettings())
    lines = timeline.verdict_lines(result, "USD", empty)
    assert lines[-1].startswith("Nothing is measured yet") and len(lines) == 3
    record(project, **HISTORY)
    stages = timeline.stage_table(timeline.segments(project, NOW))
    result = timeline.summary(timeline.ledger(stages, BaselineSettings()), BaselineSettings())
    assert timeline.verdict_lines(result, "USD", stages)[2].startswith("Not delivered yet")
    assert not timeline.delivered(stages)


def test_tick_spells_add_working_time_without_counting_a_flow_run_twice(project):
    record(
        project,
        runs=[("qa", "2026-11-02T10:10:00+00:00", "2026-11-02T10:40:00+00:00")],
        moves=[
            ("2026-11-02T10:00:00+00:00", "tick", "qa", "start", "running"),
            ("2026-11-02T10:45:00+00:00", "tick", "qa", "finish", "done"),
            ("2026-11-02T12:00:00+00:00", "tick", "delivery", "start", "running"),
            ("2026-11-02T12:06:00+00:00", "tick", "delivery", "finish", "done"),
        ],
    )
    stages = timeline.stage_table(timeline.segments(project, NOW))
    by_stage = {r["stage"]: r for r in stages.iter_rows(named=True)}
    assert by_stage["qa"]["working_h"] == pytest.approx(0.75)  # the run lies inside the spell
    assert by_stage["qa"]["runs"] == 1
    assert by_stage["delivery"]["working_h"] == pytest.approx(0.1) and timeline.delivered(stages)
