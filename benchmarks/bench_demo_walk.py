"""A full demo walk timed end to end, driven as a producer would: `workbench tick` and
`workbench approve` (and `concepts import`, `verify-delivery`) as CLI processes.

Setup, timed apart from the walk: the demo's raw files (`build_demo(root, seed=7)`) in a
temporary workspace. The deliverable videos are set aside until production is done, so
each tick does the one stage the walk is at (with deliverables present from the start, the
first tick would run research and QA together); putting them back is the editors' hand-off.

The walk: tick (ingest, research flow, competitive_analysis report) -> strategist approves
research -> tick (concepts.briefs: briefs and cards) -> the demo's stand-in generations are
written (demo only, timed apart) and imported -> the creative lead approves the best
candidates (in-process, as the concept board does: `ConceptReview.decide`) and the concept
checkpoint -> tick (production folder) -> deliverables arrive -> tick (QA gate, qa_report)
-> the producer waives every open failing finding (one `approve qa --finding` each) ->
tick (delivery asks the senior reviewer) -> sign-off -> tick (delivery package) ->
verify-delivery -> one more tick that must find nothing to do.

Per step: wall seconds; CPU seconds (the children's user + system, or this process's for
in-process steps: steadier on a shared machine); the seconds the step's flows recorded in
state.db (flow_runs.seconds) and its reports (report.run events; a report's notebook runs
the stage's flow, so its seconds include the flow's); and wall - flow. Tick overhead, the
comparison asked for, is the ticks' wall minus their flows' own seconds (process start-up,
imports, hashing inputs, state.db, the report notebooks around the flows, production
folder, delivery package); the last tick, with nothing to do, is the floor of a CLI step.

Run: PYTHONPATH=$PWD/src python benchmarks/bench_demo_walk.py
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SEED = 7
NAME = "demo"
KEEP_SHARE = 0.15  # candidates the creative lead approves, best scores first
STRATEGIST, CREATIVE_LEAD = "Lena Brandt", "Maya Okafor"
PRODUCER, SENIOR_REVIEWER = "Tom Reyes", "Sam Whitaker"


@dataclass
class Row:
    """One timed step."""

    step: str
    wall: float
    cpu: float
    flow: float | None = None  # seconds the step's flows recorded (flow_runs)
    report: float | None = None  # seconds its reports recorded (report.run; holds the flow)
    note: str = ""
    in_walk: bool = True


def children_cpu() -> float:
    """User + system seconds of finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli(root: Path, *args: str) -> tuple[float, float, str]:
    """Run `workbench ARGS --root ROOT`; wall, CPU and stdout. Any failure stops the bench."""
    before, started = children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "creative_workbench.cli", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    wall, cpu = time.perf_counter() - started, children_cpu() - before
    if done.returncode != 0:
        raise SystemExit(
            f"workbench {' '.join(args)} exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return wall, cpu, done.stdout


def in_process(call: Callable[[], object]) -> tuple[float, float, object]:
    """Wall and CPU seconds of CALL in this process, and its result."""
    cpu, started = time.process_time(), time.perf_counter()
    result = call()
    return time.perf_counter() - started, time.process_time() - cpu, result


class Ledger:
    """What the flows and reports recorded in state.db since the last look."""

    def __init__(self, state_db: Path) -> None:
        self.state_db = state_db
        self.runs: set[str] = set()
        self.event = 0

    def since(self) -> tuple[float | None, float | None, str]:
        """Flow seconds and report seconds recorded since the last call (None when none ran)
        and which flows/reports they were."""
        if not self.state_db.is_file():
            return None, None, ""
        conn = sqlite3.connect(f"file:{self.state_db}?mode=ro", uri=True)
        try:
            runs = conn.execute("SELECT run_id, flow, seconds FROM flow_runs").fetchall()
            events = conn.execute(
                "SELECT id, payload FROM events WHERE what = 'report.run' AND id > ?",
                (self.event,),
            ).fetchall()
            self.event = conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
        finally:
            conn.close()
        new = [(flow, seconds or 0.0) for run, flow, seconds in runs if run not in self.runs]
        self.runs |= {run for run, _, _ in runs}
        reports = [json.loads(payload) for _, payload in events]
        flows = ", ".join(f"{flow} {s:.1f}s" for flow, s in new)
        names = ", ".join(f"{r['report']} {r['seconds']:.1f}s" for r in reports)
        label = "; ".join(part for part in (flows, names) if part)
        flow = sum(s for _, s in new) if new else None
        return flow, sum(r["seconds"] for r in reports) if reports else None, label


def states(state_db: Path) -> dict[str, str]:
    """Each stage's state now."""
    from creative_workbench.pipeline.stages import project_states

    return {stage: s.state for stage, s in project_states(state_db).items()}


def expect(state_db: Path, **wanted: str) -> None:
    """Stop the bench when a stage is not where the walk expects it."""
    now = states(state_db)
    wrong = {k: now[k] for k, v in wanted.items() if now[k] != v}
    if wrong:
        raise SystemExit(f"walk diverged: expected {wanted}, stages are {now}")


def walk(root: Path, rows: list[Row]) -> None:
    """The producer's walk over the demo project built under ROOT."""
    from creative_workbench.config import Workspace, load_project
    from creative_workbench.demo.generations import write_demo_generations
    from creative_workbench.pipeline.checkpoints import open_qa_findings
    from creative_workbench.pipeline.concept_decisions import ConceptReview

    project = load_project(NAME, Workspace(root))
    db = project.state_db
    ledger = Ledger(db)

    def run(step: str, *args: str, note: str = "") -> str:
        wall, cpu, out = cli(root, *args)
        flow, report, label = ledger.since()
        rows.append(Row(step, wall, cpu, flow, report, " · ".join(p for p in (label, note) if p)))
        return out

    def tick(step: str) -> str:
        return run(step, "tick", "--project", NAME)

    def approve(stage: str, by: str, *extra: str, note: str = "") -> str:
        reason = f"bench walk: {stage} signed off"
        return run(f"approve {stage}", "approve", stage, "--project", NAME, "--by", by,
                   "--reason", reason, *extra, note=note)  # fmt: skip

    tick("tick: ingest + research + competitive_analysis")
    expect(db, research="needs_decision", qa="waiting")
    approve("research", STRATEGIST)
    tick("tick: concepts.briefs (briefs, cards)")
    expect(db, research="done", concepts="needs_decision")

    wall, cpu, folder = in_process(lambda: write_demo_generations(project.root, SEED))
    images = sum(1 for p in Path(folder).iterdir() if p.is_file())
    rows.append(Row("stand-in generations (demo)", wall, cpu, note=f"{images} files",
                    in_walk=False))  # fmt: skip
    run("concepts import", "concepts", "import", str(folder), "--project", NAME)

    review = ConceptReview(project)

    def approve_best() -> int:
        import polars as pl

        pending = review.states().filter(pl.col("state") == "pending")
        best = pending.sort(["score", "candidate_id"], descending=[True, False], nulls_last=True)
        ids = best["candidate_id"].to_list()[: max(1, round(pending.height * KEEP_SHARE))]
        for cid in ids:
            review.decide(cid, "approve", CREATIVE_LEAD, "on brief, strong hook")
        return len(ids)

    wall, cpu, kept = in_process(approve_best)
    rows.append(Row("creative lead approves (board)", wall, cpu, note=f"{kept} candidates"))
    approve("concepts", CREATIVE_LEAD)
    tick("tick: production folder")
    expect(db, concepts="done", production="done", qa="waiting")

    aside = root / "incoming_deliverables"
    wall, cpu, _ = in_process(lambda: aside.rename(project.deliverables_dir))
    rows.append(Row("deliverables arrive (rename)", wall, cpu, in_walk=False))
    tick("tick: QA gate + qa_report")
    findings = [f.name for f in open_qa_findings(project)]
    expect(db, qa="needs_decision" if findings else "done")

    started, cpu_before = time.perf_counter(), children_cpu()
    for name in findings:
        cli(root, "approve", "qa", "--project", NAME, "--by", PRODUCER, "--finding", name,
            "--reason", "bench walk: accepted for this cut")  # fmt: skip
    ledger.since()
    rows.append(Row("producer waivers (approve qa --finding)", time.perf_counter() - started,
                    children_cpu() - cpu_before, note=f"{len(findings)} findings, one process"
                    " each"))  # fmt: skip
    expect(db, qa="done")
    tick("tick: delivery asks for sign-off")
    expect(db, delivery="needs_decision")
    approve("delivery", SENIOR_REVIEWER)
    tick("tick: delivery package")
    expect(db, delivery="done")
    packages = sorted(p for p in project.delivery_dir.iterdir() if p.is_dir())
    shipped = sum(1 for p in packages[-1].rglob("*") if p.is_file()) if packages else 0
    out = run("verify-delivery", "verify-delivery", NAME)
    rows[-1].note = f"{' '.join(out.split())}; {packages[-1].name}: {shipped} files"
    idle = run("tick: nothing left to do", "tick", "--project", NAME)
    if "nothing to do" not in idle:
        raise SystemExit(f"the last tick still moved something:\n{idle}")


def print_table(rows: list[Row], load: tuple) -> None:
    """The per-step table, totals, tick overhead and the machine's load."""

    def cell(value: float | None, width: int = 7) -> str:
        return f"{value:{width}.1f}" if value is not None else f"{'-':>{width}}"

    print(
        f"{'step':<46} {'wall s':>7} {'cpu s':>7} {'flow s':>7} {'report s':>8} "
        f"{'wall-flow':>9}  notes"
    )
    for row in rows:
        step = row.step + ("" if row.in_walk else " *")
        over = row.wall - row.flow if row.flow is not None else None
        print(
            f"{step:<46} {row.wall:7.1f} {row.cpu:7.1f} {cell(row.flow)} "
            f"{cell(row.report, 8)} {cell(over, 9)}  {row.note}"
        )
    walked = [r for r in rows if r.in_walk]
    ticks = [r for r in walked if r.step.startswith("tick")]
    total, cpu = sum(r.wall for r in walked), sum(r.cpu for r in walked)
    print(f"{'walk total (* rows excluded)':<46} {total:7.1f} {cpu:7.1f}")
    tick_wall = sum(r.wall for r in ticks)
    tick_flow = sum(r.flow or 0.0 for r in ticks)
    outside = sum(r.report - (r.flow or 0.0) for r in ticks if r.report is not None)
    print(
        f"  {len(ticks)} ticks: {tick_wall:.1f} s wall, of which the flows' own seconds "
        f"(flow_runs) {tick_flow:.1f} s; tick overhead (wall - flows) {tick_wall - tick_flow:.1f}"
        f" s, of which the reports' notebooks beyond their flow {outside:.1f} s"
    )
    idle = ticks[-1]
    print(
        f"  a tick with nothing to do (process start, hash inputs, read state): {idle.wall:.2f}"
        f" s wall, {idle.cpu:.2f} s cpu"
    )
    print(f"  * not part of the walk (setup, or demo-only stand-ins); cores: {os.cpu_count()}")
    print(f"load average (1, 5, 15 min) before: {load[0]}  after: {load[1]}")


def main() -> int:
    from creative_workbench.demo import build_demo

    load_before = tuple(round(x, 2) for x in os.getloadavg())
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-walk-") as tmp:
        root = Path(tmp)
        wall, cpu, folder = in_process(lambda: build_demo(root, seed=SEED, name=NAME))
        files = sum(1 for p in Path(folder).rglob("*") if p.is_file())
        rows.append(Row("raw files (build_demo, seed 7)", wall, cpu, note=f"{files} files",
                        in_walk=False))  # fmt: skip
        shutil.move(Path(folder) / "deliverables", root / "incoming_deliverables")
        try:
            walk(root, rows)
        finally:
            load_after = tuple(round(x, 2) for x in os.getloadavg())
            print(f"demo walk, seed {SEED}, python {sys.version.split()[0]}")
            print_table(rows, (load_before, load_after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
