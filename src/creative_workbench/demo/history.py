"""A recorded project history for the demo: three weeks through every stage, with decisions
by the demo's reviewers and one still pending, so `workbench status` and the timeline
report have content out of the box.

The history is illustrative (written by this generator, not measured on this machine); a
`demo.history` event says so and the timeline report repeats it. Rows follow the shapes
the pipeline writes: `flow_runs` plus flow.started/finished/failed events
(pipeline/flows/base.py), `stage.transition` events (pipeline/stages.py) and `decisions`
rows with their `{stage}.decision` events (Store.record_decision).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from creative_workbench.pipeline.store import Store

DAYS = 21
RUNNER = "workbench tick"
STRATEGIST, CREATIVE_LEAD, PRODUCER, SENIOR = (
    "Lena Brandt",
    "Maya Okafor",
    "Tom Reyes",
    "Sam Whitaker",
)
ROLES = {
    STRATEGIST: "strategist",
    CREATIVE_LEAD: "creative lead",
    PRODUCER: "producer",
    SENIOR: "senior reviewer",
}


@dataclass(frozen=True)
class Step:
    """One thing that happened: a run of work, a stage transition or a decision."""

    day: float  # days after the history starts (fractions are times of day)
    kind: str  # "run", "transition" or "decision"
    stage: str
    detail: Mapping[str, object]


def _run(day: float, stage: str, flow: str, minutes: float, failed: str = "") -> Step:
    return Step(day, "run", stage, {"flow": flow, "minutes": minutes, "error": failed})


def _move(day: float, stage: str, trigger: str, target: str, by: str = "system") -> Step:
    """A transition; its source is the stage's state at that moment (filled in on writing)."""
    return Step(day, "transition", stage, {"trigger": trigger, "target": target, "by": by})


def _decide(day: float, stage: str, who: str, decision: str, note: str, subject: str = ""):
    return Step(
        day, "decision", stage, {"who": who, "decision": decision, "note": note, "subject": subject}
    )


def _worked(day: float, stage: str, flow: str, minutes: float, finish: str) -> list[Step]:
    """inputs -> ready, start -> running, the run, finish -> FINISH (all by the tick)."""
    return [
        _move(day, stage, "inputs", "ready"),
        _move(day, stage, "start", "running"),
        _run(day, stage, flow, minutes),
        _move(day + minutes / 1440, stage, "finish", finish),
    ]


def _approval(day: float, stage: str, who: str, decision: str, note: str) -> list[Step]:
    target = {"approve": "ready" if stage == "delivery" else "done", "reject": "waiting"}[decision]
    return [
        _decide(day, stage, who, decision, note),
        _move(day, stage, decision, target, ROLES[who]),
    ]


def _scoring_week(day: float) -> list[Step]:
    return _worked(day, "scoring", "scoring.forecast", 6.5, "done")


# A waived finding on a demo deliverable; the hash prefix is not a real one, so this waiver
# can never count for a real QA run of the file.
WAIVED = "first-marathon_youtube_shorts_v1.mp4::audio.loudness@demo-history"


def history_steps() -> list[Step]:
    """The demo's three weeks, oldest first (day 0 09:00 is the kick-off)."""
    steps = [
        *_worked(0.375, "research", "research", 4.2, "needs_decision"),
        *_approval(
            1.48, "research", STRATEGIST, "approve", "Lead with fit and comfort; price is crowded"
        ),
        *_worked(1.49, "concepts", "concepts.briefs", 6.8, "needs_decision"),
        *_approval(
            3.63, "concepts", CREATIVE_LEAD, "reject", "Too close to Stridewell's trail angle"
        ),
        *_worked(4.39, "concepts", "concepts.briefs", 7.1, "needs_decision"),
        *_approval(5.42, "concepts", CREATIVE_LEAD, "approve", "Keep 3 of 15; see the board notes"),
        *_worked(5.43, "production", "production_folder", 0.4, "done"),
        # The first cut is edited outside the workbench, then QA'd and delivered.
        *_worked(10.40, "qa", "qa", 2.1, "needs_decision"),
        _decide(10.61, "qa", PRODUCER, "waive", "Client asked for the louder mix", WAIVED),
        _move(10.61, "qa", "waived", "done", ROLES[PRODUCER]),
        _move(10.61, "delivery", "inputs", "needs_decision"),
        *_approval(11.44, "delivery", SENIOR, "approve", "First cut approved for the client"),
        _move(11.45, "delivery", "start", "running"),
        _run(11.45, "delivery", "delivery_package", 0.6),
        _move(11.45 + 0.6 / 1440, "delivery", "finish", "done"),
        # The second round: a truncated upload fails QA, the re-run needs a decision.
        _move(18.58, "qa", "inputs", "ready"),
        _move(18.58, "qa", "start", "running"),
        _run(18.58, "qa", "qa", 1.3, failed="MediaError: reels_v1.mp4: truncated upload"),
        _move(18.58 + 1.3 / 1440, "qa", "fail", "failed"),
        _move(18.70, "qa", "retry", "ready"),
        _move(18.70, "qa", "start", "running"),
        _run(18.70, "qa", "qa", 3.4),
        _move(18.70 + 3.4 / 1440, "qa", "finish", "needs_decision"),
        # Pending: the producer has not yet waived or sent back the new failing findings.
        *_scoring_week(0.30),
        *_scoring_week(7.30),
        *_scoring_week(14.30),
    ]
    return sorted(steps, key=lambda s: s.day)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def record_demo_history(
    state_db: Path,
    end: datetime | None = None,
    fingerprints: Mapping[str, str] | None = None,
) -> int:
    """Write the history into STATE_DB so that it ends DAYS days after it starts, at END
    (default: now); FINGERPRINTS (stage -> inputs fingerprint) go into the transitions.
    Returns the number of events written."""
    end = (end or datetime.now(UTC)).replace(microsecond=0)
    start = end - timedelta(days=DAYS)
    fingerprints = fingerprints or {}
    rows: list[tuple[str, str, str, dict]] = []  # (at, who, what, payload)
    runs = []
    states: dict[str, str] = {}
    errors: dict[str, str] = {}  # each stage's last run error, the reason of its "fail" move
    for number, step in enumerate(history_steps()):
        at = start + timedelta(days=step.day)
        detail = dict(step.detail)
        if step.kind == "run":
            run_id = f"demo{number:08d}"
            seconds = float(detail["minutes"]) * 60
            done = at + timedelta(seconds=seconds)
            status = "failed" if detail["error"] else "done"
            errors[step.stage] = detail["error"]
            runs.append(
                (
                    run_id,
                    detail["flow"],
                    step.stage,
                    _iso(at),
                    _iso(done),
                    seconds,
                    status,
                    detail["error"],
                )
            )
            base = {"run_id": run_id, "flow": detail["flow"], "stage": step.stage}
            rows.append((_iso(at), RUNNER, "flow.started", base))
            outcome = {"error": detail["error"]} if detail["error"] else {"summary": {}}
            rows.append(
                (_iso(done), RUNNER, f"flow.{status}", base | {"seconds": seconds} | outcome)
            )
        elif step.kind == "transition":
            detail["source"] = states.get(step.stage, "waiting")
            states[step.stage] = str(detail["target"])
            who = (
                RUNNER
                if detail["by"] == "system"
                else next(n for n, r in ROLES.items() if r == detail["by"])
            )
            payload = {
                "fingerprint": fingerprints.get(step.stage),
                "stage": step.stage,
                **detail,
                "reason": errors.get(step.stage, "") if detail["trigger"] == "fail" else "",
            }
            rows.append((_iso(at), who, "stage.transition", payload))
        else:
            subject = (
                detail.pop("subject") or f"{step.stage}@{fingerprints.get(step.stage) or 'demo'}"
            )
            rows.append(
                (
                    _iso(at),
                    str(detail["who"]),
                    "decision",
                    {"stage": step.stage, "subject": subject, **detail},
                )
            )
    rows.append(
        (
            _iso(end),
            RUNNER,
            "demo.history",
            {"days": DAYS, "note": "illustrative history written by the demo generator"},
        )
    )
    rows.sort(key=lambda row: row[0])
    with Store(state_db).transaction() as conn:
        conn.executemany(
            "INSERT INTO flow_runs (run_id, flow, stage, who, started_at, finished_at, seconds,"
            " status, params, summary, error) VALUES (?, ?, ?, 'workbench tick', ?, ?, ?, ?,"
            " '{\"demo_history\": true}', '{}', ?)",
            runs,
        )
        for at, who, what, payload in rows:
            if what == "decision":
                conn.execute(
                    "INSERT INTO decisions (at, who, stage, subject, decision, note)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        at,
                        who,
                        payload["stage"],
                        payload["subject"],
                        payload["decision"],
                        payload["note"],
                    ),
                )
                what = f"{payload['stage']}.decision"
                payload = {k: payload[k] for k in ("subject", "decision", "note")}
            conn.execute(
                "INSERT INTO events (at, who, what, payload) VALUES (?, ?, ?, ?)",
                (at, who, what, json.dumps(payload, default=str)),
            )
    return len(rows)
