"""The stage machine's one table: every state reachable, roles at the checkpoints, events."""

from __future__ import annotations

import sqlite3
from collections import deque

import pytest

from creative_workbench.pipeline import stages
from creative_workbench.pipeline.store import Store, now_utc


def reachable(stage: str) -> set[str]:
    """States STAGE can reach from its initial state through declared transitions."""
    seen, todo = {stages.INITIAL}, deque([stages.INITIAL])
    while todo:
        state = todo.popleft()
        for row in stages.TRANSITIONS:
            if row.stage == stage and state in row.sources and row.target not in seen:
                seen.add(row.target)
                todo.append(row.target)
    return seen


@pytest.mark.parametrize("stage", stages.ALL_STAGES)
def test_every_declared_transition_is_reachable(stage: str) -> None:
    states = reachable(stage)
    rows = [row for row in stages.TRANSITIONS if row.stage == stage]
    assert rows, f"{stage} declares no transitions"
    for row in rows:
        assert set(row.sources) & states, f"{stage}.{row.trigger} can never fire"
        assert row.target in stages.STATES and set(row.sources) <= set(stages.STATES)
    # Every stage can fail and come back, and ends done.
    assert {stages.READY, stages.RUNNING, stages.DONE, stages.FAILED} <= states


def test_checkpoints_belong_to_the_named_roles() -> None:
    assert stages.CHECKPOINTS == {
        "research": "strategist",
        "concepts": "creative lead",
        "qa": "producer",
        "delivery": "senior reviewer",
    }
    human = {(t.stage, t.trigger) for t in stages.TRANSITIONS if t.by != stages.SYSTEM}
    assert human == {
        (stage, trigger) for stage in stages.CHECKPOINTS for trigger in ("approve", "reject")
    } | {("qa", "waive"), ("qa", "waived")}
    # People decide only on a stage waiting for them; the system never takes a decision.
    for row in stages.TRANSITIONS:
        if row.by != stages.SYSTEM:
            assert row.sources == (stages.NEEDS_DECISION,)
            assert row.by == stages.CHECKPOINTS[row.stage]
        else:
            assert row.trigger not in ("approve", "reject")


def test_stages_without_a_checkpoint_never_wait_on_people() -> None:
    for stage in ("production", "scoring"):
        assert stages.NEEDS_DECISION not in reachable(stage)


def test_one_row_per_trigger_and_source() -> None:
    keys = [(t.stage, t.trigger, s) for t in stages.TRANSITIONS for s in t.sources]
    assert len(keys) == len(set(keys))


def test_roles_compare_case_and_separator_blind() -> None:
    assert stages.normalise_role(" Creative_Lead ") == stages.CREATIVE_LEAD
    assert stages.normalise_role("senior-reviewer") == stages.SENIOR_REVIEWER


def test_state_is_derived_from_append_only_events(tmp_path) -> None:
    store = Store(tmp_path / "state.db")
    assert stages.project_states(tmp_path / "state.db")["research"].state == stages.WAITING
    with store.transaction() as conn:
        stages.record_transition(
            conn, "research", "inputs", who="cron", at=now_utc(), fingerprint="f1"
        )
        stages.record_transition(conn, "research", "start", who="cron", at=now_utc(), pid=1)
    found = stages.project_states(tmp_path / "state.db")
    assert found["research"].state == stages.RUNNING
    assert found["research"].fingerprint == "f1"  # carried forward from the inputs move
    assert found["research"].payload["pid"] == 1
    assert found["concepts"].state == stages.WAITING
    events = store.events("stage.transition")
    assert events.height == 2 and set(events["who"]) == {"cron"}
    with (
        pytest.raises(sqlite3.IntegrityError, match="append-only"),
        store.transaction() as conn,
    ):
        conn.execute("DELETE FROM events")


def test_an_undeclared_move_is_refused_and_writes_nothing(tmp_path) -> None:
    store = Store(tmp_path / "state.db")
    with (
        pytest.raises(stages.TransitionRefused, match="no 'approve' transition from waiting"),
        store.transaction() as conn,
    ):
        stages.record_transition(conn, "research", "approve", who="x", at=now_utc())
    assert store.events().height == 0
