"""The project timeline and cost ledger: what each stage took, measured from state.db
events, set against a traditional agency's hours assumed in project.toml [baseline].

Measured (from events): working time is each flow run (`flow_runs`) and each spell of the
tick running a stage (`stage.transition` to and from running), overlaps counted once; waiting
time is a stage's wait for a person, from the stage reaching needs-decision to the
decision (`stage.transition` events; without them, from the stage's last finished run to
its `decisions` row). Assumed: the baseline hours and hourly rate. The report says which is
which, next to every number.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import plotly.graph_objects as go
import polars as pl

from creative_workbench.config import BaselineSettings, Project
from creative_workbench.pipeline.store import Store

STAGES = ("research", "concepts", "production", "qa", "delivery", "scoring")
COMPARED = ("research", "concepts", "production", "qa", "delivery")  # scoring: a loop beside
NEEDS_DECISION, RUNNING = "needs_decision", "running"
TRANSITION_EVENT = "stage.transition"
KIND_COLOURS = {"working": "#2f5d8a", "waiting": "#e0a21f"}
# The reference document's own claim, shown beside this project's figures (never used in them).
CLAIMED_FASTER = (0.30, 0.40)
CLAIMED_COST_SHARE = (0.40, 0.60)

SEGMENT_SCHEMA = {
    "stage": pl.Utf8,
    "kind": pl.Utf8,
    "start": pl.Datetime("us", "UTC"),
    "end": pl.Datetime("us", "UTC"),
    "hours": pl.Float64,
    "open": pl.Boolean,
    "detail": pl.Utf8,
}


def _time(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _segment(stage: str, kind: str, start: datetime, end: datetime, is_open: bool, detail: str):
    end = max(end, start)
    hours = (end - start).total_seconds() / 3600
    return (stage, kind, start, end, hours, is_open, detail)


def working_segments(store: Store, now: datetime) -> list[tuple]:
    """One segment per flow run (a run still going ends at NOW and is marked open)."""
    runs = store.query(
        "SELECT flow, stage, who, started_at, finished_at, status FROM flow_runs"
        " ORDER BY started_at"
    )
    rows = []
    for run in runs.iter_rows(named=True):
        end = _time(run["finished_at"]) if run["finished_at"] else now
        detail = f"{run['flow']} ({run['status']}, by {run['who']})"
        rows.append(
            _segment(
                run["stage"],
                "working",
                _time(run["started_at"]),
                end,
                not run["finished_at"],
                detail,
            )
        )
    return rows


def transition_segments(store: Store, now: datetime) -> list[tuple]:
    """From stage transitions: each wait for a person (needs-decision to the decision) and
    each spell of the tick running a stage; without transitions, waits from decisions."""
    events = store.query(
        "SELECT at, who, payload FROM events WHERE what = ? ORDER BY id", (TRANSITION_EVENT,)
    )
    if events.is_empty():
        return _waits_from_decisions(store)
    entered: dict[tuple[str, str], datetime] = {}
    rows = []
    for event in events.iter_rows(named=True):
        data = json.loads(event["payload"])
        stage, target, at = data.get("stage"), data.get("target"), _time(event["at"])
        for kind, state in (("waiting", NEEDS_DECISION), ("working", RUNNING)):
            if target == state:
                entered.setdefault((stage, kind), at)
            elif (stage, kind) in entered:
                detail = f"{data.get('trigger', 'moved')} by {event['who']}"
                rows.append(_segment(stage, kind, entered.pop((stage, kind)), at, False, detail))
    for (stage, kind), start in entered.items():
        detail = "decision pending" if kind == "waiting" else "still running"
        rows.append(_segment(stage, kind, start, now, True, detail))
    return rows


def _waits_from_decisions(store: Store) -> list[tuple]:
    """Without transition events: from a stage's last finished run before each decision."""
    runs = store.query("SELECT stage, finished_at FROM flow_runs WHERE finished_at IS NOT NULL")
    decisions = store.query("SELECT at, who, stage, decision FROM decisions ORDER BY id")
    rows, previous = [], {}
    for decision in decisions.iter_rows(named=True):
        stage, at = decision["stage"], decision["at"]
        finished = runs.filter(
            (pl.col("stage") == stage)
            & (pl.col("finished_at") <= at)
            & (pl.col("finished_at") > previous.get(stage, ""))
        )["finished_at"]
        previous[stage] = at
        if finished.len():
            detail = f"{decision['decision']} by {decision['who']}"
            rows.append(_segment(stage, "waiting", _time(finished.max()), _time(at), False, detail))
    return rows


def segments(project: Project, now: datetime | None = None) -> pl.DataFrame:
    """Every working and waiting segment of the project, oldest first."""
    now = now or datetime.now(UTC)
    store = Store(project.state_db)
    rows = working_segments(store, now) + transition_segments(store, now)
    frame = pl.DataFrame(rows, schema=SEGMENT_SCHEMA, orient="row")
    return frame.sort("start")


def _union(intervals) -> list[tuple[datetime, datetime]]:
    """Overlapping (start, end) intervals merged: a flow run inside a tick's running spell
    counts once."""
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def stage_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Per stage: working spells (runs; overlapping ones count once), working and waiting
    hours, decisions and what is still open (all measured)."""
    rows = []
    for stage in STAGES:
        part = frame.filter(pl.col("stage") == stage)
        working = part.filter(pl.col("kind") == "working")
        waiting = part.filter(pl.col("kind") == "waiting")
        pending = waiting.filter(pl.col("open"))
        spells = _union(zip(working["start"], working["end"], strict=True))
        rows.append(
            {
                "stage": stage,
                "runs": len(spells),
                "working_h": sum((end - start).total_seconds() for start, end in spells) / 3600,
                "waiting_h": waiting["hours"].sum(),
                "decisions": waiting.filter(~pl.col("open")).height,
                "pending_since": pending["start"].min() if pending.height else None,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "stage": pl.Utf8,
            "runs": pl.Int64,
            "working_h": pl.Float64,
            "waiting_h": pl.Float64,
            "decisions": pl.Int64,
            "pending_since": pl.Datetime("us", "UTC"),
        },
    )


def ledger(stages: pl.DataFrame, baseline: BaselineSettings) -> pl.DataFrame:
    """Measured hours against the assumed baseline: one row per stage, one for coordination
    (the studio's waits for people vs the agency's handoffs) and a total over rows that have
    a baseline. Costs use the one [baseline] hourly_rate on both sides."""
    working = dict(zip(stages["stage"], stages["working_h"], strict=True))
    measured = {stage: working[stage] for stage in COMPARED}
    measured["coordination"] = float(stages["waiting_h"].sum())
    rows = []
    for name, hours in measured.items():
        assumed = getattr(baseline, name)
        source = BaselineSettings.model_fields[name].description or ""
        rows.append((name, hours, assumed, source))
    compared = [(h, b) for _, h, b, _ in rows if b is not None]
    total = (sum(h for h, _ in compared), sum(b for _, b in compared))
    rows.append(("total (rows with a baseline)", *total, "sum of the rows above that have one"))
    rate = baseline.hourly_rate
    frame = pl.DataFrame(
        rows,
        schema={
            "row": pl.Utf8,
            "measured_h": pl.Float64,
            "baseline_h": pl.Float64,
            "baseline_source": pl.Utf8,
        },
        orient="row",
    )
    return frame.with_columns(
        ratio=pl.when(pl.col("baseline_h") > 0).then(pl.col("measured_h") / pl.col("baseline_h")),
        measured_cost=pl.col("measured_h") * rate,
        baseline_cost=pl.col("baseline_h") * rate,
    ).select(
        "row",
        "measured_h",
        "baseline_h",
        "ratio",
        "measured_cost",
        "baseline_cost",
        "baseline_source",
    )


@dataclass(frozen=True)
class LedgerSummary:
    """The bottom line: total hours and cost both ways, and their ratios."""

    measured_h: float
    baseline_h: float
    time_ratio: float | None
    measured_cost: float
    baseline_cost: float
    cost_ratio: float | None
    hourly_rate: float

    @property
    def faster(self) -> float | None:
        """Share of the baseline time saved (negative: slower than the baseline)."""
        return None if self.time_ratio is None else 1 - self.time_ratio


def summary(table: pl.DataFrame, baseline: BaselineSettings) -> LedgerSummary:
    """The total row of a ledger as numbers."""
    total = table.row(-1, named=True)
    return LedgerSummary(
        total["measured_h"],
        total["baseline_h"],
        total["ratio"],
        total["measured_cost"],
        total["baseline_cost"],
        total["measured_cost"] / total["baseline_cost"] if total["baseline_cost"] else None,
        baseline.hourly_rate,
    )


def delivered(stages: pl.DataFrame) -> bool:
    """True once a delivery run is recorded (the measured hours then cover a whole project)."""
    return bool(stages.filter(pl.col("stage") == "delivery")["runs"].sum())


def verdict_lines(
    result: LedgerSummary, currency: str, stages: pl.DataFrame | None = None
) -> list[str]:
    """Plain sentences for the client, each saying whether a number is measured or assumed;
    with STAGES, a project not delivered yet is said to be compared only in part."""
    rate = f"{result.hourly_rate:,.0f} {currency}/h"
    lines = [
        f"Measured (from events): {result.measured_h:,.1f} h of workbench time and waits for "
        f"people, {result.measured_cost:,.0f} {currency} at {rate} (rate assumed).",
        f"Assumed (baseline in project.toml): {result.baseline_h:,.1f} h of traditional-agency "
        f"work, {result.baseline_cost:,.0f} {currency} at the same rate.",
    ]
    if result.measured_h <= 0:
        lines.append("Nothing is measured yet (no runs or decisions in state.db): no ratio.")
        return lines
    if result.faster is None:
        lines.append("No baseline hours are set, so there is no ratio to show.")
        return lines
    if stages is not None and not delivered(stages):
        lines.append(
            "Not delivered yet: the measured hours cover the stages so far, the baseline a "
            "whole project, so the ratios below flatter the studio until delivery."
        )
    low, high = CLAIMED_FASTER
    held = "holds" if result.faster >= low else "does not hold"
    lines.append(
        f"Time ratio {result.time_ratio:.2f}: {abs(result.faster):.0%} "
        f"{'faster' if result.faster >= 0 else 'slower'} than the baseline; the reference's "
        f"claim of {low:.0%}-{high:.0%} faster {held} for this project."
    )
    cost_low, cost_high = CLAIMED_COST_SHARE
    share = result.cost_ratio or 0.0
    cost_held = "holds" if share <= cost_high else "does not hold"
    lines.append(
        f"Cost ratio {share:.2f} (one hourly rate on both sides, so it equals the time ratio); "
        f"the reference's claim of {cost_low:.0%}-{cost_high:.0%} of agency cost {cost_held}."
    )
    return lines


CAVEATS = (
    "Working time is machine time of workbench runs (flow_runs, tick spells); work done "
    "outside the workbench (editing, shoots, calls) is not in the events, so measured hours "
    "leave it out.",
    "Waiting time is calendar time from a stage needing a decision to the decision, nights and "
    "weekends included: it bounds the people's review time from above.",
    "Baseline hours are assumptions: defaults from the reference document unless project.toml "
    "[baseline] sets them; stages without a figure are left out of the totals.",
)


def caveats(project: Project) -> list[str]:
    """What the numbers can and cannot say; first, whether the history is the demo's."""
    lines = list(CAVEATS)
    if Store(project.state_db).events("demo.history").height:
        lines.insert(
            0,
            "This project's history was written by the demo generator: illustrative, not "
            "measured on this machine.",
        )
    return lines


def gantt_figure(frame: pl.DataFrame) -> go.Figure:
    """Each stage's working (blue) and waiting-for-a-person (amber) time on a calendar axis;
    open segments (still running, decision pending) are drawn paler."""
    figure = go.Figure()
    for kind, colour in KIND_COLOURS.items():
        for is_open in (False, True):
            part = frame.filter((pl.col("kind") == kind) & (pl.col("open") == is_open))
            if part.is_empty():
                continue
            label = "working (measured)" if kind == "working" else "waiting for a person (measured)"
            figure.add_bar(
                y=part["stage"].to_list(),
                base=[t.isoformat() for t in part["start"]],
                x=[
                    (e - s).total_seconds() * 1000
                    for s, e in zip(part["start"], part["end"], strict=True)
                ],
                orientation="h",
                marker={"color": colour, "opacity": 0.45 if is_open else 1.0},
                name=label + (" — still open" if is_open else ""),
                customdata=[
                    [html.escape(d), f"{h:.1f}"]
                    for d, h in zip(part["detail"], part["hours"], strict=True)
                ],
                hovertemplate="%{y}: %{customdata[0]}<br>%{customdata[1]} h<extra></extra>",
            )
    runs = frame.filter(pl.col("kind") == "working")
    if not runs.is_empty():  # runs take minutes: too thin to see on a weeks-long axis
        figure.add_scatter(
            y=runs["stage"].to_list(),
            x=[t.isoformat() for t in runs["start"]],
            mode="markers",
            marker={"symbol": "diamond", "size": 11, "color": KIND_COLOURS["working"]},
            name="a workbench run starts (measured)",
            customdata=[
                [html.escape(d), f"{h * 60:.1f}"]
                for d, h in zip(runs["detail"], runs["hours"], strict=True)
            ],
            hovertemplate="%{y}: %{customdata[0]}<br>%{customdata[1]} min<extra></extra>",
        )
    figure.update_xaxes(type="date")
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(STAGES)))
    figure.update_layout(
        barmode="overlay", title="Timeline per stage (from state.db events)", height=420
    )
    if frame.is_empty():
        figure.add_annotation(
            text="No recorded runs or decisions yet",
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
        )
    return figure


def hours_figure(table: pl.DataFrame) -> go.Figure:
    """Measured hours against assumed baseline hours, per ledger row (total left out)."""
    rows = table.head(table.height - 1)
    figure = go.Figure()
    figure.add_bar(
        x=rows["row"].to_list(),
        y=rows["measured_h"].to_list(),
        name="measured (from events)",
        marker_color="#2f5d8a",
    )
    figure.add_bar(
        x=rows["row"].to_list(),
        y=rows["baseline_h"].to_list(),
        name="assumed agency baseline",
        marker_color="#b8c2cc",
    )
    figure.update_layout(
        barmode="group",
        title="Hours per stage: measured vs assumed baseline",
        yaxis_title="hours",
        height=380,
    )
    return figure
