"""Concept review decisions on a real state.db and real candidates/briefs parquet files."""

from __future__ import annotations

import json

import pytest

from creative_workbench import Workspace, load_project
from creative_workbench.pipeline.concept_decisions import (
    ConceptReview,
    DecisionError,
    ReviewerRefusedError,
    UnknownConceptError,
    authorise,
    keep_rates,
    may_decide,
)
from creative_workbench.pipeline.store import Store
from tests.concept_projects import make_concept_project


@pytest.fixture
def review(tmp_path):
    make_concept_project(tmp_path, n=10)
    return ConceptReview(load_project("acme", Workspace(tmp_path)))


def _count(store: Store, table: str) -> int:
    return store.query(f"SELECT count(*) AS n FROM {table}")["n"][0]


def test_initial_states_come_from_the_prefilter(review):
    states = review.states()
    by_id = dict(zip(states["candidate_id"], states["state"], strict=True))
    assert by_id["c002"] == "auto_discarded" and by_id["c000"] == "pending"
    assert states["batch"].unique().to_list() == ["round-1"]
    assert states["decisions"].sum() == 0


def test_decisions_are_append_only_and_the_latest_stands(review):
    review.decide("c000", "approve", "maya okafor", "strong hook", note="crop <tighter>")
    review.decide("c000", "discard", "Rui Costa", "off brief")
    review.decide("c002", "restore", "Maya Okafor", "blur is intentional")
    states = review.states()
    row = states.filter(states["candidate_id"] == "c000").row(0, named=True)
    assert (row["state"], row["who"], row["reason"], row["decisions"]) == (
        "discarded",
        "Rui Costa",
        "off brief",
        2,
    )
    assert states.filter(states["candidate_id"] == "c002")["state"].item() == "pending"
    history = review.history("c000")
    assert history["decision"].to_list() == ["approve", "discard"]
    assert history["who"].to_list() == ["Maya Okafor", "Rui Costa"]  # names as configured
    assert history["note"].to_list() == ["crop <tighter>", ""]
    events = review.store.events("concepts.decision")
    assert events.height == 3
    payload = json.loads(events["payload"][0])
    assert payload["subject"] == "c000" and json.loads(payload["note"])["reason"] == "strong hook"
    with pytest.raises(Exception, match="append-only"), review.store.transaction() as conn:
        conn.execute("DELETE FROM events")


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("Tom Reyes", r"Tom Reyes \(producer\) may not decide on concepts; roles that may"),
        ("Nobody", r"'Nobody' is not a reviewer in .*project.toml; reviewers who may decide"),
    ],
)
def test_unauthorised_or_unknown_reviewer_is_refused_and_nothing_is_written(review, who, message):
    with pytest.raises(ReviewerRefusedError, match=message) as excinfo:
        review.decide("c000", "approve", who, "looks good")
    assert "\n" not in str(excinfo.value)
    assert _count(review.store, "decisions") == 0 and _count(review.store, "events") == 0


def test_unknown_concept_names_close_matches_and_writes_nothing(review):
    with pytest.raises(UnknownConceptError, match=r"no concept 'c01' .*did you mean c001") as exc:
        review.decide("c01", "approve", "Maya Okafor", "good")
    assert "\n" not in str(exc.value)
    with pytest.raises(UnknownConceptError, match=r"'C003' .*did you mean c003"):
        review.decide("C003", "approve", "Maya Okafor", "good")
    with pytest.raises(UnknownConceptError, match=r"no concept 'zzz'.*\(`workbench"):
        review.decide("zzz", "approve", "Maya Okafor", "good")
    assert _count(review.store, "decisions") == 0


def test_a_brief_can_be_decided_too(review):
    assert review.decide("b02", "discard", "Maya Okafor", "weak gap").state == "discarded"
    assert review.history()["subject"].to_list() == ["b02"]


def test_malformed_decisions_are_refused(review):
    with pytest.raises(DecisionError, match="unknown decision 'keep': use one of approve"):
        review.decide("c000", "keep", "Maya Okafor", "good")
    with pytest.raises(DecisionError, match="give a reason"):
        review.decide("c000", "approve", "Maya Okafor", "   ")
    assert _count(review.store, "decisions") == 0


def test_roles_are_defined_once_and_compared_loosely(review):
    assert may_decide("Creative_Lead") and may_decide("creative-director")
    assert not may_decide("producer") and not may_decide("lead")
    assert authorise(review.project, "  rui   COSTA ").name == "Rui Costa"


def test_keep_rates_per_batch_reviewer_and_brief(review):
    # c000..c009: c002, c005, c008 auto-discarded; 7 left for people.
    for cid in ("c000", "c001"):
        review.decide(cid, "approve", "Maya Okafor", "on brief")
    review.decide("c003", "approve_with_changes", "Rui Costa", "swap the CTA")
    for cid in ("c004", "c006"):
        review.decide(cid, "discard", "Rui Costa", "off palette")
    review.decide("c007", "approve", "Rui Costa", "fine")
    review.decide("c007", "discard", "Maya Okafor", "duplicate of c001")  # latest stands
    states = review.states()
    (batch,) = keep_rates(states, "batch").iter_rows(named=True)
    assert (batch["candidates"], batch["pending"], batch["auto_discarded"]) == (10, 1, 3)
    assert (batch["kept"], batch["decided"]) == (3, 9)
    assert batch["keep_rate"] == pytest.approx(3 / 9)
    reviewers = {r["who"]: r for r in keep_rates(states, "who").iter_rows(named=True)}
    assert reviewers["Maya Okafor"]["keep_rate"] == pytest.approx(2 / 3)
    assert reviewers["Rui Costa"]["keep_rate"] == pytest.approx(1 / 3)
    briefs = {r["brief_id"]: r for r in keep_rates(states, "brief_id").iter_rows(named=True)}
    assert briefs["b01"]["kept"] == 1 and briefs[None]["candidates"] == 1
    (overall,) = keep_rates(states, None).iter_rows(named=True)
    assert overall["keep_rate"] == pytest.approx(3 / 9)


def test_no_candidates_yet_gives_empty_tables(tmp_path):
    from tests.projects import make_project

    make_project(tmp_path)
    review = ConceptReview(load_project("acme", Workspace(tmp_path)))
    assert review.states().is_empty() and review.history().is_empty()
    assert keep_rates(review.states(), "batch").is_empty()
    with pytest.raises(UnknownConceptError, match="no concept 'c1'"):
        review.decide("c1", "approve", "Maya Okafor", "x")


def test_batches_follow_the_import_run_when_the_table_has_one(review):
    import polars as pl

    path = review.project.concepts_dir / "candidates.parquet"
    table = pl.read_parquet(path)
    runs = ["2026-12-01T09:30:12+00:00"] * 4 + ["2026-12-02T14:05:59+00:00"] * 6
    table.with_columns(pl.Series("imported_at", runs)).write_parquet(path)
    rates = keep_rates(ConceptReview(review.project).states(), "batch")
    assert rates.select("batch", "candidates").rows() == [
        ("import 2026-12-01 09:30", 4),
        ("import 2026-12-02 14:05", 6),
    ]


def test_a_foreign_decision_kind_leaves_the_state_to_the_prefilter(review):
    review.store.record_decision("concepts", "c002", "archived", "someone", "by another tool")
    review.decide("c000", "approve", "Maya Okafor", "good")
    by_id = dict(review.states().select("candidate_id", "state").iter_rows())
    assert by_id["c002"] == "auto_discarded" and by_id["c000"] == "approved"
    assert review.history()["reason"].to_list() == ["by another tool", "good"]  # plain text
