"""Core commands: list and run reports, list projects."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from creative_workbench.cli.output import safe
from creative_workbench.config import Workspace
from creative_workbench.errors import ReportError, WorkFailedError
from creative_workbench.pipeline.registry import REPORTS
from creative_workbench.pipeline.runner import ReportResult, check_jobs, plan_jobs, run_jobs

out = Console()

ProjectOption = Annotated[
    list[str] | None,
    typer.Option("--project", help="Project name under data/projects (repeat for several)."),
]
RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root", help="Workspace folder holding data/ and reports/ (default: current folder)."
    ),
]


def parse_params(pairs: list[str]) -> dict[str, object]:
    """Turn ['key=value', 'list=a,b'] into a dict; values are validated by the report."""
    params: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ReportError(f"parameter {pair!r} must look like key=value")
        key = key.strip()
        if key in params:
            existing = params[key]
            params[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            params[key] = value
    return params


def _coerce_lists(params: dict[str, object], reports: list[str]) -> dict[str, object]:
    """Split comma-separated values for parameters that the reports declare as lists."""
    list_fields = {
        name
        for report in reports
        for name, field in REPORTS[report].params.model_fields.items()
        if "list" in str(field.annotation)
    }
    return {
        key: (
            value.split(",")
            if key in list_fields and isinstance(value, str) and value
            else []
            if key in list_fields and value == ""
            else value
        )
        for key, value in params.items()
    }


def reports_command() -> None:
    """List the registered reports and their parameters."""
    table = Table(title="Reports", show_lines=True)
    table.add_column("report", style="bold")
    table.add_column("for")
    table.add_column("parameters (type = default)")
    for spec in REPORTS.values():
        params = "\n".join(f"{n}: {t} = {d}" for n, t, d in spec.describe_params())
        table.add_row(f"{spec.name}\n[dim]{spec.title}[/]", spec.audience, params)
    out.print(table)


def run_command(
    report: Annotated[
        str | None, typer.Argument(help="Report name (see `workbench reports`).")
    ] = None,
    project: ProjectOption = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "-p", "--param", help="Report parameter key=value (repeatable; lists comma-separated)."
        ),
    ] = None,
    all_reports: Annotated[
        bool, typer.Option("--all", help="Run every registered report.")
    ] = False,
    executor: Annotated[
        str | None, typer.Option(help="process (default), thread, or dask://HOST:PORT.")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Parallel workers.")] = None,
    root: RootOption = None,
) -> None:
    """Run reports on projects with papermill and write offline HTML under reports/."""
    if not project:
        raise ReportError("name a project with --project NAME")
    if bool(report) == all_reports:
        raise ReportError("name one REPORT or pass --all")
    names = list(REPORTS) if all_reports else [report or ""]
    for name in names:
        if name not in REPORTS:
            raise ReportError(f"unknown report {name!r}: use one of {', '.join(REPORTS)}")
    params = _coerce_lists(parse_params(param or []), names)
    unknown = set(params) - {f for n in names for f in REPORTS[n].params.model_fields}
    if unknown:
        raise ReportError(
            f"unknown parameter(s) {', '.join(sorted(unknown))} for "
            f"{', '.join(names)}; see `workbench reports`"
        )
    jobs = plan_jobs(names, project, params)
    workspace = Workspace.discover(root)
    check_jobs(jobs, workspace)
    failures = _run_with_progress(jobs, workspace, executor, workers)
    if failures:
        raise WorkFailedError(f"{failures} of {len(jobs)} report(s) failed (see above)")


def _run_with_progress(jobs, workspace, executor, workers) -> int:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    failures = 0
    with Progress(
        TextColumn("[bold]reports"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task("run", total=len(jobs))

        def done(result: ReportResult) -> None:
            nonlocal failures
            bar.advance(task)
            if result.ok:
                name = safe(f"{result.project}/{result.report}")
                bar.console.print(f"[green]✓[/] {name} ({result.seconds:.1f} s)")
            else:
                failures += 1
                bar.console.print(
                    f"[red]✗[/] {safe(result.project)}/{safe(result.report)}: {safe(result.error)}",
                    highlight=False,
                )

        results = run_jobs(jobs, workspace, executor, workers, on_done=done)
    for result in results:
        if result.ok:
            out.print(safe(result.html), highlight=False, soft_wrap=True)
    return failures


def projects_command(root: RootOption = None) -> None:
    """List the projects in the workspace."""
    workspace = Workspace.discover(root)
    names = workspace.project_names()
    if not names:
        out.print(f"no projects under {safe(workspace.projects_dir)}; try `workbench demo`")
    for name in names:
        out.print(name)


def register(app: typer.Typer) -> None:
    """Add the core commands to APP."""
    app.command("reports")(reports_command)
    app.command("run")(run_command)
    app.command("projects")(projects_command)
