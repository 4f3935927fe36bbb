"""Concept review decisions: who may decide, recording them, and where each concept stands.

Decisions are append-only rows in state.db's `decisions` table (stage "concepts") plus a
`concepts.decision` event, written by `Store.record_decision`; the reason and the optional
note travel together as JSON in the row's `note`. The latest decision on a concept stands;
earlier ones stay in the history. A candidate the prefilter auto-discarded starts as
"auto_discarded" (a human may restore it); every other candidate starts "pending".

Every surface (the ipywidgets board, its web app, `workbench concepts decide`) records
through `ConceptReview.decide`, so the checks below apply everywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cached_property
from pathlib import Path

import polars as pl

from creative_workbench.config import Project, Reviewer
from creative_workbench.errors import WorkbenchError
from creative_workbench.pipeline.store import Store

STAGE = "concepts"
CANDIDATES_FILE = "candidates.parquet"
BRIEFS_FILE = "briefs.parquet"
# The one place that says who may decide on concepts (roles compared case- and
# separator-insensitively: "creative lead", "Creative-Lead" and "creative_lead" are one role).
DECIDING_ROLES = frozenset({"creative lead", "creative director"})
# decision -> the state it leaves the concept in; "restore" undoes any discard.
DECISIONS = {
    "approve": "approved",
    "approve_with_changes": "changes",
    "discard": "discarded",
    "restore": "pending",
}
KEPT_STATES = frozenset({"approved", "changes"})
STATES = ("pending", "auto_discarded", "approved", "changes", "discarded")
KEEP_REFERENCE = 0.20  # the studio's rule of thumb: about one in five is worth keeping


class ReviewerRefusedError(WorkbenchError):
    """The named person is not a reviewer of the project, or their role may not decide."""


class UnknownConceptError(WorkbenchError):
    """A decision names a concept id that is neither a candidate nor a brief."""


class DecisionError(WorkbenchError):
    """A decision is malformed (unknown kind, missing reason)."""


@dataclass(frozen=True)
class Decision:
    """One recorded decision on a concept."""

    subject: str
    decision: str
    who: str
    reason: str
    note: str
    state: str


def normalise_role(role: str) -> str:
    """'Creative_Lead ' -> 'creative lead'."""
    return " ".join(role.replace("_", " ").replace("-", " ").lower().split())


def may_decide(role: str) -> bool:
    """True when a reviewer with ROLE may approve or discard concepts."""
    return normalise_role(role) in DECIDING_ROLES


def deciding_reviewers(project: Project) -> list[Reviewer]:
    """The project's reviewers whose role may decide on concepts, in project.toml order."""
    return [r for r in project.config.reviewers if may_decide(r.role)]


def authorise(project: Project, name: str) -> Reviewer:
    """The reviewer called NAME, when their role may decide; otherwise a one-line refusal."""
    wanted = " ".join(str(name).split()).casefold()
    found = next((r for r in project.config.reviewers if r.name.casefold() == wanted), None)
    roles = ", ".join(sorted(DECIDING_ROLES))
    if found is None:
        allowed = ", ".join(r.name for r in deciding_reviewers(project)) or "none"
        raise ReviewerRefusedError(
            f"{name!r} is not a reviewer in {project.config_path}; reviewers who may decide "
            f"on concepts: {allowed} (add [[reviewers]] with a role of {roles})"
        )
    if not may_decide(found.role):
        raise ReviewerRefusedError(
            f"{found.name} ({found.role}) may not decide on concepts; roles that may: {roles}"
        )
    return found


def encode_note(reason: str, note: str = "") -> str:
    """The `note` column of a concept decision: reason and note as JSON."""
    return json.dumps({"reason": reason, "note": note}, ensure_ascii=False)


def decode_note(raw: str | None) -> tuple[str, str]:
    """(reason, note) from a decision's `note` column (plain text counts as the reason)."""
    try:
        value = json.loads(raw or "")
    except json.JSONDecodeError:
        return raw or "", ""
    if isinstance(value, dict):
        return str(value.get("reason") or ""), str(value.get("note") or "")
    return raw or "", ""


def read_candidates(project: Project) -> pl.DataFrame:
    """PROJECT's concepts/candidates.parquet (empty when nothing was imported yet)."""
    return _read(project.concepts_dir / CANDIDATES_FILE)


def read_briefs(project: Project) -> pl.DataFrame:
    """PROJECT's concepts/briefs.parquet (empty when no briefs were written yet)."""
    return _read(project.concepts_dir / BRIEFS_FILE)


def _read(path: Path) -> pl.DataFrame:
    if not path.is_file():
        return pl.DataFrame()
    try:
        return pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise WorkbenchError(f"{path}: cannot read it ({first}); rebuild it") from None


class ConceptReview:
    """A project's concept candidates, briefs and decisions; the one way to record one."""

    def __init__(self, project: Project, store: Store | None = None) -> None:
        self.project = project
        self.store = store or Store(project.state_db)

    @cached_property
    def candidates(self) -> pl.DataFrame:
        """The imported candidates (one row per image)."""
        return read_candidates(self.project)

    @cached_property
    def briefs(self) -> pl.DataFrame:
        """The concept briefs."""
        return read_briefs(self.project)

    @cached_property
    def _ids(self) -> dict[str, str]:
        ids: dict[str, str] = {}
        for frame, column, kind in (
            (self.briefs, "brief_id", "brief"),
            (self.candidates, "candidate_id", "candidate"),
        ):
            if column in frame.columns:
                ids.update(dict.fromkeys(frame[column].drop_nulls().cast(pl.String), kind))
        return ids

    def kind_of(self, concept_id: str) -> str:
        """'candidate' or 'brief'; an unknown id is a one-line error naming close matches."""
        if concept_id in self._ids:
            return self._ids[concept_id]
        folded = {i.casefold(): i for i in self._ids}
        close = get_close_matches(concept_id.casefold(), list(folded), n=3, cutoff=0.5)
        close = [folded[c] for c in close]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        where = self.project.concepts_dir / CANDIDATES_FILE
        raise UnknownConceptError(
            f"no concept {concept_id!r} in {where} or {BRIEFS_FILE}{hint} "
            "(`workbench concepts import` adds candidates)"
        )

    def decide(
        self, concept_id: str, decision: str, by: str, reason: str, note: str = ""
    ) -> Decision:
        """Record BY's DECISION on CONCEPT_ID with REASON (required) and an optional NOTE.

        Raises:
            DecisionError: unknown decision kind or an empty reason.
            ReviewerRefusedError: BY is not a reviewer, or their role may not decide.
            UnknownConceptError: CONCEPT_ID is neither a candidate nor a brief.
        """
        if decision not in DECISIONS:
            raise DecisionError(f"unknown decision {decision!r}: use one of {', '.join(DECISIONS)}")
        reviewer = authorise(self.project, by)
        self.kind_of(concept_id)
        reason, note = " ".join(str(reason or "").split()), str(note or "").strip()
        if not reason:
            raise DecisionError(f"{decision} {concept_id}: give a reason (--reason TEXT)")
        self.store.record_decision(
            STAGE, concept_id, decision, reviewer.name, encode_note(reason, note)
        )
        return Decision(concept_id, decision, reviewer.name, reason, note, DECISIONS[decision])

    def history(self, subject: str | None = None) -> pl.DataFrame:
        """Every concept decision, oldest first: id, at, who, subject, decision, reason, note."""
        sql = "SELECT id, at, who, subject, decision, note FROM decisions WHERE stage = ?"
        params: tuple[str, ...] = (STAGE,)
        if subject is not None:
            sql, params = sql + " AND subject = ?", (STAGE, subject)
        rows = self.store.query(sql + " ORDER BY id", params)
        if rows.is_empty():
            return pl.DataFrame(schema=HISTORY_SCHEMA)
        decoded = [decode_note(n) for n in rows["note"].to_list()]
        return rows.drop("note").with_columns(
            pl.Series("reason", [d[0] for d in decoded], dtype=pl.String),
            pl.Series("note", [d[1] for d in decoded], dtype=pl.String),
        )

    def states(self) -> pl.DataFrame:
        """Each candidate with where it stands now: the prefilter's verdict, then the latest
        human decision (state, decision, who, at, reason, note, decisions = how many)."""
        candidates = self.candidates
        if candidates.is_empty():
            return pl.DataFrame(schema={"candidate_id": pl.String, **STATE_SCHEMA})
        latest = (
            self.history()
            .group_by("subject", maintain_order=True)
            .agg(pl.all().last(), pl.len().alias("decisions"))
            .rename({"subject": "candidate_id"})
            .with_columns(  # a decision kind this module does not know leaves the state as is
                pl.col("decision").replace_strict(DECISIONS, default=None).alias("state")
            )
        )
        auto = _auto_discarded(candidates)
        joined = candidates.join(latest.drop("id"), on="candidate_id", how="left")
        return joined.with_columns(
            pl.coalesce("state", pl.when(auto).then(pl.lit("auto_discarded")))
            .fill_null("pending")
            .alias("state"),
            pl.col("decisions").fill_null(0).cast(pl.Int64),
            batch_expression(candidates).alias("batch"),
        )


HISTORY_SCHEMA = {
    "id": pl.Int64,
    "at": pl.String,
    "who": pl.String,
    "subject": pl.String,
    "decision": pl.String,
    "reason": pl.String,
    "note": pl.String,
}
STATE_SCHEMA = {
    "state": pl.String,
    "decision": pl.String,
    "who": pl.String,
    "at": pl.String,
    "reason": pl.String,
    "note": pl.String,
    "decisions": pl.Int64,
    "batch": pl.String,
}


def _auto_discarded(candidates: pl.DataFrame) -> pl.Expr:
    if "auto_discarded" not in candidates.columns:
        return pl.lit(False)
    return pl.col("auto_discarded").fill_null(False)


def batch_expression(candidates: pl.DataFrame) -> pl.Expr:
    """A candidate's batch: its `batch` column when there is one, else the import run it came
    in with (`imported_at`, to the minute), else the folder its file sits in."""
    if "batch" in candidates.columns:
        return pl.col("batch").cast(pl.String).fill_null("(none)")
    if "imported_at" in candidates.columns:
        stamp = pl.col("imported_at").cast(pl.String).str.slice(0, 16).str.replace("T", " ")
        return pl.concat_str(pl.lit("import "), stamp).fill_null("(unknown import)")
    if "file" not in candidates.columns:
        return pl.lit("all")
    parent = pl.col("file").cast(pl.String).str.replace(r"/[^/]*$", "")
    return (
        pl.when(pl.col("file").cast(pl.String).str.contains("/"))
        .then(parent.str.replace(r"^concepts/generations/?", ""))
        .otherwise(pl.lit(""))
        .replace("", "generations")
    )


def record_decision(
    project: Project, concept_id: str, decision: str, by: str, reason: str, note: str = ""
) -> Decision:
    """Record one decision on PROJECT (see `ConceptReview.decide`)."""
    return ConceptReview(project).decide(concept_id, decision, by, reason, note)


def keep_rates(states: pl.DataFrame, by: str = "batch") -> pl.DataFrame:
    """Keep rate per value of BY ("batch", "who" = reviewer, "brief_id"; None: overall).

    kept = approved + approved with changes; decided = every candidate no longer pending
    (auto-discards count as decided per batch; per reviewer only their standing decisions
    count); keep_rate = kept / decided (null when nothing is decided yet).
    """
    frame = states if by is None else states.with_columns(pl.col(by).cast(pl.String))
    if by == "who":
        frame = frame.filter(pl.col("who").is_not_null())
    key = by or "_all"
    if by is None:
        frame = frame.with_columns(pl.lit("all").alias(key))
    counts = [(pl.col("state") == s).sum().cast(pl.Int64).alias(s) for s in STATES]
    out = (
        frame.group_by(key)
        .agg(pl.len().cast(pl.Int64).alias("candidates"), *counts)
        .with_columns(
            (pl.col("approved") + pl.col("changes")).alias("kept"),
            (pl.col("candidates") - pl.col("pending")).alias("decided"),
        )
        .with_columns(
            pl.when(pl.col("decided") > 0)
            .then(pl.col("kept") / pl.col("decided"))
            .otherwise(None)
            .alias("keep_rate")
        )
        .sort(key, nulls_last=True)
    )
    return out.drop(key) if by is None else out
