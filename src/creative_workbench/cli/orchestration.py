"""`workbench tick | watch | status | approve | reject`: the project moves itself, people decide.

Exit codes: `status` returns 0 when nothing failed and nobody is asked for a decision, 1 when
a stage failed (or a project cannot be read), 3 when a stage waits on a decision; `tick`
returns 1 when a stage failed during the tick, else 0; refusals exit 2 with one line.
"""

from __future__ import annotations

import json
import re
from contextlib import suppress
from pathlib import Path
from typing import Annotated

import typer

from creative_workbench.errors import WorkbenchError, WorkFailedError

# C0 controls except tab and newline, DEL and C1, as cli/output.py replaces them; status
# prints plain text (no rich: it must stay fast over many projects).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: object) -> str:
    """TEXT on one line with control characters shown as U+FFFD."""
    return " ".join(CONTROL.sub("\ufffd", str(text)).split())


ROOT_OPTION = typer.Option(
    "--root", help="Workspace folder holding data/ (default: current folder)."
)
Root = Annotated[Path | None, ROOT_OPTION]
ProjectOption = Annotated[str, typer.Option("--project", help="Project name under data/projects.")]


def tick_command(
    project: Annotated[
        str | None, typer.Option("--project", help="Tick this project only.")
    ] = None,
    all_projects: Annotated[bool, typer.Option("--all", help="Tick every project.")] = False,
    executor: Annotated[
        str | None,
        typer.Option(
            help="Where projects with work run: process (default), thread, dask://HOST:PORT."
        ),
    ] = None,
    reports: Annotated[
        bool, typer.Option("--reports/--no-reports", help="Run each stage's report too.")
    ] = True,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Re-run failed stages even if unchanged.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print what moved as JSON.")] = False,
    root: Root = None,
) -> None:
    """Move projects one idempotent step: run what is ready, ask people what needs a decision."""
    from creative_workbench.config import Workspace
    from creative_workbench.pipeline.stage_work import TickSettings
    from creative_workbench.pipeline.tick import dump, tick_all

    if (project is None) == (not all_projects):
        raise WorkbenchError("tick: pass --project NAME or --all (not both)")
    workspace = Workspace.discover(root)
    settings = TickSettings(reports=reports, retry_failed=retry_failed)
    names = [project] if project is not None else None
    if names is not None:  # a single unknown project is a one-line error
        from creative_workbench.config import load_project

        load_project(project, workspace)

    def show(line: str) -> None:  # a project ticked in this process: each move as it happens
        print(safe(line), flush=True)

    found = tick_all(workspace, executor, settings, names=names, on_move=None if as_json else show)
    if as_json:
        print(dump(found))
    else:
        for report in found:
            if report.on_move is None or not report.moves:  # not shown yet
                for line in report.lines():
                    print(safe(line))
    failed = sum(bool(r.failed) for r in found)
    if failed:
        raise WorkFailedError(f"a stage failed in {failed} project(s) during this tick (see above)")


def watch_command(
    executor: Annotated[
        str | None, typer.Option(help="process (default), thread, or dask://HOST:PORT.")
    ] = None,
    reports: Annotated[
        bool, typer.Option("--reports/--no-reports", help="Run each stage's report too.")
    ] = True,
    debounce: Annotated[
        int, typer.Option(min=50, help="Milliseconds of quiet before a batch of changes ticks.")
    ] = 1600,
    root: Root = None,
) -> None:
    """Tick projects whenever their raw inputs or deliverables change (Ctrl-C stops)."""
    from creative_workbench.config import Workspace
    from creative_workbench.pipeline.stage_work import TickSettings
    from creative_workbench.pipeline.watch import watch

    workspace = Workspace.discover(root)

    def show(found) -> None:
        for report in found:
            if report.moves or report.skipped or report.error:
                for line in report.lines():
                    print(safe(line), flush=True)

    print(f"watching {workspace.projects_dir} (raw/, deliverables/); Ctrl-C stops", flush=True)
    with suppress(KeyboardInterrupt):  # Ctrl-C during a tick: the tick recorded it
        watch(workspace, TickSettings(reports=reports), executor, show, debounce_ms=debounce)
    print("stopped watching", flush=True)


def status_command(
    project: Annotated[
        str | None, typer.Option("--project", help="This project only (default: all).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
    root: Root = None,
) -> None:
    """Show each project's stage and who it waits on; exit 0 fine, 1 failed, 3 decision needed."""
    from creative_workbench.config import Workspace
    from creative_workbench.pipeline.status import exit_code, workspace_status

    workspace = Workspace.discover(root)
    found = workspace_status(workspace, [project] if project else None)
    if as_json:
        print(json.dumps([s.to_dict() for s in found], indent=2))
    else:
        for line in status_lines(found):
            print(line)
    raise typer.Exit(exit_code(found))


def status_lines(found) -> list[str]:
    """Plain lines for the status of each project (names and reasons printed as given)."""
    lines = []
    for status in found:
        if status.error:
            lines.append(f"{status.project}: error: {safe(status.error)}")
            continue
        since = f" since {status.since}" if status.since else ""
        lines.append(f"{status.project}: {status.stage} {status.state}{since}")
        lines.append("  " + " · ".join(f"{k} {v['state']}" for k, v in status.stages.items()))
        for wait in status.waiting_on:
            who = ", ".join(wait.names) or f"nobody holds the role {wait.role!r} yet"
            lines.append(f"  {wait.stage}: waiting on {wait.role} ({safe(who)}) since {wait.since}")
            lines += [f"    open finding: {safe(name)}" for name in wait.findings]
        for stage, state in status.stages.items():
            if state["state"] == "failed":
                lines.append(f"  {stage}: failed at {state['since']}: {safe(state['reason'])}")
                lines.append(
                    f"    re-runs when its inputs change, or: workbench tick --project "
                    f"{status.project} --retry-failed"
                )
        if status.last_failure and all(s["state"] != "failed" for s in status.stages.values()):
            failure = status.last_failure
            why = safe(failure["reason"]) or "(no reason recorded)"
            lines.append(f"  last failure: {failure['stage']} at {failure['at']}: {why}")
    return lines or ["no projects (run `workbench demo` or `workbench new NAME`)"]


def _decide(decision: str, stage: str, project: str, by: str, reason: str, finding, root) -> None:
    from creative_workbench.config import Workspace, load_project
    from creative_workbench.pipeline.checkpoints import decide

    loaded = load_project(project, Workspace.discover(root))
    made = decide(loaded, stage, decision, by, reason, finding)
    print(f"{project}: {made.stage} {made.decision} by {by}: now {made.state.state}")


Stage = Annotated[str, typer.Argument(help="research, concepts, qa or delivery.")]
By = Annotated[str, typer.Option("--by", help="Your name, as listed in project.toml reviewers.")]
Reason = Annotated[str, typer.Option("--reason", help="Why (kept with the decision).")]


def approve_command(
    stage: Stage,
    project: ProjectOption,
    by: By,
    reason: Reason,
    finding: Annotated[
        str | None, typer.Option("--finding", help="QA only: waive FILE::CHECK (one finding).")
    ] = None,
    root: Root = None,
) -> None:
    """Sign off a stage waiting on your decision (QA: waive one failing finding)."""
    _decide("approve", stage, project, by, reason, finding, root)


def reject_command(
    stage: Stage, project: ProjectOption, by: By, reason: Reason, root: Root = None
) -> None:
    """Send a stage waiting on your decision back (it waits for new input)."""
    _decide("reject", stage, project, by, reason, None, root)


def register(app: typer.Typer) -> None:
    """Add tick, watch, status, approve and reject to APP."""
    app.command("tick")(tick_command)
    app.command("watch")(watch_command)
    app.command("status")(status_command)
    app.command("approve")(approve_command)
    app.command("reject")(reject_command)
