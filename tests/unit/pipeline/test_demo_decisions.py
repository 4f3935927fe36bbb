"""The demo's partial review: every state present, a restore, a superseded decision."""

from __future__ import annotations

from creative_workbench import Workspace, load_project
from creative_workbench.demo.decisions import record_demo_decisions
from creative_workbench.demo.project_file import REVIEWERS
from creative_workbench.pipeline.concept_decisions import ConceptReview, keep_rates, may_decide
from tests.concept_projects import make_concept_project


def test_demo_decisions_cover_every_state_once(tmp_path):
    make_concept_project(tmp_path, n=40)
    project = load_project("acme", Workspace(tmp_path))
    counts = record_demo_decisions(project)
    assert counts == {"approve": 4, "approve_with_changes": 3, "discard": 9, "restore": 1}
    review = ConceptReview(project)
    states = review.states()
    by_state = dict(states.group_by("state").len().iter_rows())
    assert by_state == {
        "approved": 4,
        "changes": 2,
        "discarded": 9,
        "auto_discarded": 12,
        "pending": 13,
    }
    superseded = states.filter(states["decisions"] > 1)
    assert superseded["state"].to_list() == ["discarded"]
    restored = states.filter(states["decision"] == "restore")
    assert restored["state"].to_list() == ["pending"] and restored["candidate_id"][0] == "c002"
    assert set(keep_rates(states, "who")["who"]) == {"Maya Okafor", "Rui Costa"}
    assert record_demo_decisions(project) == {}  # once only
    assert review.history().height == 17


def test_the_demo_has_a_creative_lead_and_director_who_may_decide():
    deciding = [r["name"] for r in REVIEWERS if may_decide(r["role"])]
    assert deciding == ["Maya Okafor", "Rui Costa"]
