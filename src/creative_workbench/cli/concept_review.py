"""`workbench concepts import` and `restore`: bring generated images in, prefilter them, and
put an auto-discarded one back. `register_review(concepts_app)` adds both to the concepts
group (cli/concepts.py calls it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from creative_workbench.cli.output import safe
from creative_workbench.config import Workspace, load_project
from creative_workbench.errors import WorkbenchError

out = Console(soft_wrap=True)  # one line per problem, however long
err = Console(stderr=True)

ProjectOption = Annotated[str, typer.Option("--project", help="Project name under data/projects.")]
RootOption = Annotated[
    Path | None,
    typer.Option("--root", help="Workspace folder holding data/ (default: current folder)."),
]


def import_command(
    folder: Annotated[Path, typer.Argument(help="Folder of generated PNG/JPEG/WebP images.")],
    project: ProjectOption,
    executor: Annotated[
        str | None, typer.Option(help="process (default), thread, or dask://HOST:PORT.")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Parallel workers.")] = None,
    no_ocr: Annotated[
        bool, typer.Option("--no-ocr", help="Skip reading text the prompts ask for.")
    ] = False,
    root: RootOption = None,
) -> None:
    """Import generated images, link them to briefs and prefilter them."""
    if not folder.is_dir():
        raise WorkbenchError(f"{folder}: no such folder; name the folder of generated images")
    from creative_workbench.pipeline.flows.concept_import import IMPORT_FLOW

    loaded = load_project(project, Workspace.discover(root))
    given: dict[str, object] = {"folder": folder, "ocr": not no_ocr}
    given |= {k: v for k, v in (("executor", executor), ("workers", workers)) if v is not None}
    with err.status(f"importing and prefiltering {safe(folder)} …"):
        result = IMPORT_FLOW.run(loaded, given)
    print_result(result)


def print_result(result) -> None:
    """Counts: imported, linked by source, unlinked (listed), discarded by reason, problems."""
    summary = result.summary_record()
    out.print(
        f"imported {summary['imported']} new image(s); {summary['already_imported']} already "
        f"imported; {summary['candidates']} candidate(s) in total",
        highlight=False,
    )
    if not result.briefs_found:
        out.print("no concepts/briefs.parquet yet: only file names can link images", style="yellow")
    linked = ", ".join(f"{source} {count}" for source, count in summary["linked"].items())
    out.print(f"linked to a brief: {linked or 'none'}", highlight=False)
    unlinked = result.unlinked()
    out.print(f"unlinked (kept): {len(unlinked)}", highlight=False)
    for name, note in unlinked:
        out.print(f"  {safe(name)}: {safe(note)}", highlight=False)
    reasons = ", ".join(f"{flag} {n}" for flag, n in summary["discarded_by_reason"].items())
    out.print(
        f"auto-discarded (all candidates): {summary['auto_discarded']}"
        + (f" ({reasons})" if reasons else ""),
        highlight=False,
    )
    if result.ignored:
        out.print(f"ignored (not PNG/JPEG/WebP): {len(result.ignored)}", highlight=False)
    out.print(f"problems: {len(result.problems)}", highlight=False)
    for problem in result.problems:
        out.print(f"  {safe(problem)}", highlight=False)


def register_review(concepts_app: typer.Typer) -> None:
    """Add `import` to the `workbench concepts` group (restoring a candidate is
    `concepts decide ID --restore`, with the same role rules as every decision)."""
    concepts_app.command("import")(import_command)
