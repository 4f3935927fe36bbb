"""Building blocks of the `concept_review` report: the batch, keep rates (with the ~20 %
reference line, a reference and not a target), discard reasons, the approved set, cards and
the decision history. Outside text reaches HTML only through escaping functions."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from creative_workbench.config import Project
from creative_workbench.pipeline.concept_decisions import (
    KEEP_REFERENCE,
    KEPT_STATES,
    ConceptReview,
    keep_rates,
)
from creative_workbench.reports.concept_cards import (
    ConceptThumbnails,
    candidate_rows,
    cards_grid_html,
    concept_card_html,
    percent,
)

CARD_LIMIT = 120  # cards per section of the static report
REPORT_THUMB_SIDE = 160  # smaller than the board's: a 300-card batch stays a light file
SECTIONS = {
    "kept": ("approved", "changes"),
    "pending": ("pending",),
    "discarded": ("discarded",),
    "auto_discarded": ("auto_discarded",),
}
APPROVED_FORMATS = {"ctr_pred": percent, "ctr_lower": percent, "ctr_upper": percent}
BY_LABELS = {"batch": "batch", "who": "reviewer", "brief_id": "brief"}


@dataclass
class ReviewData:
    """Everything the report shows, read once."""

    project: Project
    rows: pl.DataFrame  # candidates with state, decision and brief columns
    history: pl.DataFrame  # every decision, oldest first
    briefs: pl.DataFrame


def load(project: Project) -> ReviewData:
    """Read PROJECT's candidates, briefs and concept decisions."""
    review = ConceptReview(project)
    return ReviewData(project, candidate_rows(review), review.history(), review.briefs)


def scope_lines(data: ReviewData) -> list[str]:
    """What the batch holds, in plain sentences."""
    rows = data.rows
    if rows.is_empty():
        return [
            f"No imported candidates in {data.project.concepts_dir}: run "
            "`workbench concepts import FOLDER` first."
        ]
    counts = dict(rows.group_by("state").len().iter_rows())
    (overall,) = keep_rates(rows, None).iter_rows(named=True)
    rate = "—" if overall["keep_rate"] is None else f"{overall['keep_rate']:.0%}"
    reviewers = sorted(rows["who"].drop_nulls().unique().to_list())
    return [
        f"{rows.height} candidates from {rows['batch'].n_unique()} batch(es) and "
        f"{data.briefs.height} brief(s).",
        f"{counts.get('approved', 0)} approved, {counts.get('changes', 0)} approved with "
        f"changes, {counts.get('discarded', 0)} discarded by a reviewer, "
        f"{counts.get('auto_discarded', 0)} auto-discarded by the prefilter, "
        f"{counts.get('pending', 0)} still pending.",
        f"Keep rate so far: {rate} of the decided candidates (the studio's rule of thumb is "
        f"about {KEEP_REFERENCE:.0%}: a reference, not a target).",
        f"{data.history.height} decisions recorded by {', '.join(reviewers) or 'nobody yet'}; "
        "the latest decision on a concept stands, earlier ones are in the history below.",
    ]


def keep_table(data: ReviewData, by: str) -> pl.DataFrame:
    """Keep rate per BY ('batch', 'who' or 'brief_id') with the counts behind it."""
    if data.rows.is_empty():
        return pl.DataFrame()
    table = keep_rates(data.rows, by)
    label = BY_LABELS.get(by, by)
    return (
        table.rename({by: label})
        .with_columns(
            pl.col(label).fill_null("(unlinked)"),
            pl.col("keep_rate").map_elements(percent, return_dtype=pl.String),
        )
        .rename({"changes": "with changes", "auto_discarded": "auto-discarded"})
    )


def keep_rate_figure(data: ReviewData, by: str) -> go.Figure:
    """Keep rate per BY as bars, with the ~20 % reference line."""
    label = BY_LABELS.get(by, by)
    figure = go.Figure()
    table = keep_rates(data.rows, by) if not data.rows.is_empty() else pl.DataFrame()
    if not table.is_empty():
        names = [str(v) if v is not None else "(unlinked)" for v in table[by].to_list()]
        rates = [v if v is not None else 0.0 for v in table["keep_rate"].to_list()]
        texts = [
            f"{k} of {d}" if d else "nothing decided"
            for k, d in zip(table["kept"], table["decided"], strict=True)
        ]
        figure.add_bar(x=names, y=rates, text=texts, textposition="outside", name="keep rate")
    figure.add_hline(
        y=KEEP_REFERENCE,
        line={"dash": "dash", "color": "#5f6b73"},
        annotation_text=f"~{KEEP_REFERENCE:.0%} reference (not a target)",
        annotation_position="top left",
    )
    figure.update_yaxes(tickformat=".0%", range=[0, 1.1], title="kept / decided")
    figure.update_xaxes(title=label, type="category")
    figure.update_layout(title=f"Keep rate per {label}", height=360, showlegend=False)
    return figure


def discard_reasons(data: ReviewData) -> pl.DataFrame:
    """Why candidates are out: reviewers' reasons and the prefilter's, with counts."""
    rows = data.rows
    if rows.is_empty():
        return pl.DataFrame()
    human = rows.filter(pl.col("state") == "discarded").select(
        pl.lit("reviewer").alias("by"), pl.col("reason")
    )
    auto_reason = "discard_reason" if "discard_reason" in rows.columns else None
    auto = rows.filter(pl.col("state") == "auto_discarded").select(
        pl.lit("prefilter").alias("by"),
        (pl.col(auto_reason) if auto_reason else pl.lit(None)).cast(pl.String).alias("reason"),
    )
    return (
        pl.concat([human, auto])
        .with_columns(pl.col("reason").fill_null("(no reason given)"))
        .group_by("by", "reason")
        .len("candidates")
        .sort(["candidates", "by", "reason"], descending=[True, False, False])
    )


def approved_set(data: ReviewData) -> pl.DataFrame:
    """The kept candidates (approved, with or without changes): what goes on to production
    and to the weekly forecast."""
    rows = data.rows
    if rows.is_empty():
        return pl.DataFrame()
    wanted = [
        "candidate_id", "brief_id", "headline", "placement", "score", "ctr_pred",
        "ctr_lower", "ctr_upper", "state", "who", "at", "reason", "note", "file",
    ]  # fmt: skip
    kept = rows.filter(pl.col("state").is_in(list(KEPT_STATES)))
    return kept.select([c for c in wanted if c in kept.columns])


def history_table(data: ReviewData) -> pl.DataFrame:
    """Every decision, newest first (who, when, what, why)."""
    if data.history.is_empty():
        return data.history
    return data.history.sort("id", descending=True).select(
        "at", "who", "subject", "decision", "reason", "note"
    )


def cards_html(data: ReviewData, section: str, limit: int = CARD_LIMIT) -> str:
    """The cards of one SECTION ('kept', 'pending', 'discarded', 'auto_discarded')."""
    rows = data.rows
    if rows.is_empty():
        return "<p>No candidates.</p>"
    chosen = rows.filter(pl.col("state").is_in(list(SECTIONS[section])))
    if chosen.is_empty():
        return "<p>None.</p>"
    thumbnails = ConceptThumbnails(data.project, long_side=REPORT_THUMB_SIDE)
    cards = [
        concept_card_html(row, thumbnails.data_uri(row))
        for row in chosen.head(limit).iter_rows(named=True)
    ]
    more = (
        f"<p style='color:#5f6b73'>{limit} of {chosen.height} shown.</p>"
        if chosen.height > limit
        else ""
    )
    return cards_grid_html(cards) + more
