"""`workbench qa`: check deliverables against their placement and brand before they ship."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from creative_workbench.cli.output import safe
from creative_workbench.config import Workspace, load_project
from creative_workbench.errors import WorkbenchError, WorkFailedError
from creative_workbench.placements import get_placement
from creative_workbench.reports.theme import SEVERITY_COLOURS

out = Console()
err = Console(stderr=True)


class QAFailedError(WorkFailedError):
    """Some deliverable failed the gate: exit code 1, like a failed test run."""


def qa_command(
    paths: Annotated[list[Path], typer.Argument(help="Deliverable files or folders to check.")],
    project: Annotated[str, typer.Option("--project", help="Project name under data/projects.")],
    placement: Annotated[
        str | None,
        typer.Option(
            help="Placement id for every file (default: project.toml deliverables, else the file "
            "name <concept>_<placement>_<version>)."
        ),
    ] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write results as JSON.")] = None,
    junit_path: Annotated[Path | None, typer.Option("--junit", help="Write JUnit XML.")] = None,
    executor: Annotated[
        str | None, typer.Option(help="process (default), thread, or dask://HOST:PORT.")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Parallel workers.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
    root: Annotated[
        Path | None,
        typer.Option("--root", help="Workspace folder holding data/ (default: current folder)."),
    ] = None,
) -> None:
    """Check deliverables; exit 0 when all pass, 1 when any fails (warnings only with --strict)."""
    from creative_workbench.qa.sandbox import prestart, worker_plan

    if executor is None:  # the checker children load while this process loads the rest
        named = len(paths) if paths and all(p.is_file() for p in paths) else None
        prestart(*worker_plan(workers, named))
    from creative_workbench.pipeline.flows import get_flow
    from creative_workbench.pipeline.qa_output import write_json, write_junit
    from creative_workbench.pipeline.qa_run import collect_files
    from creative_workbench.qa.findings import blocks

    for option, target in (("--json", json_path), ("--junit", junit_path)):
        check_output_path(option, target)
    loaded = load_project(project, Workspace.discover(root))
    loaded.brand  # noqa: B018 - a missing guide or broken logo stops here, before any check
    if placement is not None:
        get_placement(placement)
    files = collect_files(paths)
    with Progress(
        TextColumn("[bold]qa"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
    ) as bar:
        task = bar.add_task("", total=len(files))

        def done(result) -> None:
            bar.update(task, advance=1, description=safe(Path(result.file).name))

        run = get_flow("qa").run(
            loaded,
            paths=[str(f) for f in files],
            placement=placement,
            strict=strict,
            executor=executor,
            workers=workers,
            on_progress=done,
        )
    out.print(summary_table(run), soft_wrap=True)
    if json_path:
        write_json(run, json_path, strict)
    if junit_path:
        write_junit(run, junit_path, strict)
    if run.failed(strict):
        bad = sum(blocks(r.severity, strict) for r in run.results)
        raise QAFailedError(
            f"{bad} of {len(run.results)} deliverable(s) did not pass QA"
            + (" (--strict: warnings count)" if strict else "")
        )


def check_output_path(option: str, path: Path | None) -> None:
    """Refuse an output file that cannot be written, before any file is checked."""
    if path is None:
        return
    if path.is_dir():
        raise WorkbenchError(f"{option} {path}: is a directory; name a file to write")
    parent = next((p for p in path.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise WorkbenchError(f"{option} {path}: {parent} is not a directory")


def summary_table(run) -> Table:
    """Rich table: one row per file with its verdict and the first failing checks."""
    table = Table(title=f"QA gate — run {run.run_id}")
    for name in ("file", "placement", "verdict", "problems", "s"):
        table.add_column(name, justify="right" if name == "s" else "left", overflow="fold")
    for result in run.results:
        colour = SEVERITY_COLOURS[result.severity]
        problems = [f"{f.check_id}: {f.message}" for f in result.findings if f.severity != "pass"]
        table.add_row(
            safe(Path(result.file).name),
            safe(result.placement or "—"),
            f"[{colour}]{result.severity}[/]",
            "\n".join(safe(p) for p in problems[:4]) + (" …" if len(problems) > 4 else ""),
            f"{result.seconds:.2f}",
        )
    return table


def register(app: typer.Typer) -> None:
    """Add `workbench qa` to APP."""
    app.command("qa")(qa_command)
