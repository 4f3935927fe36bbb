"""The demo's partial concept review: some candidates approved, some with changes, some
discarded (one after an earlier approval: the latest stands), one auto-discard restored,
the rest pending, so every section of the `concept_review` report has content.

Recorded through `ConceptReview.decide`, by the demo's reviewers whose role may decide.
"""

from __future__ import annotations

import polars as pl

from creative_workbench.config import Project
from creative_workbench.pipeline.concept_decisions import ConceptReview, deciding_reviewers

KEEP_SHARE = 0.15  # approved outright, best scores first
CHANGES_SHARE = 0.08  # approved with changes
DISCARD_SHARE = 0.35  # discarded by a reviewer, worst scores first
DISCARD_REASONS = (
    "off-brand palette",
    "weak composition",
    "artefacts (hands, text, faces)",
    "off brief",
    "duplicate of a kept one",
)
CHANGES = (
    ("needs copy changes", "use the brand's CTA wording on the button"),
    ("needs a crop for the placement", "keep the product out of the bottom 20 % safe zone"),
)


def record_demo_decisions(project: Project) -> dict[str, int]:
    """Record the demo's review decisions once; returns how many of each were recorded
    (nothing when the project already has concept decisions or no candidates)."""
    review = ConceptReview(project)
    states = review.states()
    reviewers = deciding_reviewers(project)
    if states.is_empty() or not review.history().is_empty() or not reviewers:
        return {}
    lead = reviewers[0].name
    director = reviewers[1].name if len(reviewers) > 1 else lead
    open_ = states.filter(pl.col("state") == "pending").sort(
        ["score", "candidate_id"], descending=[True, False], nulls_last=True
    )
    ids = open_["candidate_id"].to_list()
    n_keep = max(1, round(len(ids) * KEEP_SHARE))
    n_changes = max(1, round(len(ids) * CHANGES_SHARE))
    n_discard = max(1, round(len(ids) * DISCARD_SHARE))
    counts: dict[str, int] = {}

    def decide(cid: str, decision: str, by: str, reason: str, note: str = "") -> None:
        review.decide(cid, decision, by, reason, note)
        counts[decision] = counts.get(decision, 0) + 1

    for i, cid in enumerate(ids[:n_keep]):
        decide(cid, "approve", lead if i % 3 else director, "on brief, strong hook")
    for i, cid in enumerate(ids[n_keep : n_keep + n_changes]):
        reason, note = CHANGES[i % len(CHANGES)]
        decide(cid, "approve_with_changes", director, reason, note)
    discarded = ids[len(ids) - n_discard :] if n_discard < len(ids) - n_keep else []
    for i, cid in enumerate(discarded):
        if i == 0:  # a second look: the director kept it, the lead's later call stands
            decide(cid, "approve_with_changes", director, "could work with a new headline")
        decide(cid, "discard", lead, DISCARD_REASONS[i % len(DISCARD_REASONS)])
    auto = states.filter(pl.col("state") == "auto_discarded").sort("candidate_id")
    if auto.height:
        decide(
            auto["candidate_id"][0],
            "restore",
            lead,
            "the prefilter was too strict here",
            "motion blur is intended; judge it by eye",
        )
    return counts
