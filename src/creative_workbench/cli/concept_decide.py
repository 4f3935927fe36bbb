"""`workbench concepts decide` (a reviewer's decision from a script) and `workbench concepts
board` (the review board as a web app on 127.0.0.1, Voilà)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from creative_workbench.cli.output import safe

DEFAULT_BOARD_PORT = 8867  # one above `workbench app`, so both can run side by side
ProjectOption = Annotated[str, typer.Option("--project", help="Project name under data/projects.")]
RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root", help="Workspace folder holding data/ (default: $WORKBENCH_HOME or here)."
    ),
]


def decide_command(
    concept_id: Annotated[str, typer.Argument(help="Candidate id (or brief id) to decide on.")],
    project: ProjectOption,
    by: Annotated[str, typer.Option("--by", help="Reviewer name as in project.toml.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (required).")],
    approve: Annotated[bool, typer.Option("--approve", help="Keep it as it is.")] = False,
    changes: Annotated[
        bool, typer.Option("--changes", help="Keep it with changes (say which in --note).")
    ] = False,
    discard: Annotated[bool, typer.Option("--discard", help="Drop it.")] = False,
    restore: Annotated[
        bool, typer.Option("--restore", help="Undo a discard (also the prefilter's).")
    ] = False,
    note: Annotated[str, typer.Option("--note", help="Optional note, e.g. the changes.")] = "",
    root: RootOption = None,
) -> None:
    """Record a reviewer's decision on a concept: --approve, --changes, --discard or --restore.

    Decisions are appended to the project's state.db (who, when, what, why); the latest
    decision on a concept stands and earlier ones stay in its history. Only a reviewer
    whose role may decide on concepts (creative lead, creative director) is accepted.
    """
    from rich.console import Console

    from creative_workbench.config import Workspace, load_project
    from creative_workbench.pipeline.concept_decisions import DecisionError, record_decision

    flags = {
        "approve": approve,
        "approve_with_changes": changes,
        "discard": discard,
        "restore": restore,
    }
    chosen = [kind for kind, on in flags.items() if on]
    if len(chosen) != 1:
        raise DecisionError(
            f"decide {concept_id}: give exactly one of --approve, --changes, --discard, --restore"
        )
    loaded = load_project(project, Workspace.discover(root))
    done = record_decision(loaded, concept_id, chosen[0], by, reason, note)
    Console().print(
        f"{safe(done.subject)}: {safe(done.decision)} by {safe(done.who)} "
        f"({safe(done.reason)}) -> {safe(done.state)}",
        highlight=False,
    )


def board_command(
    project: ProjectOption,
    by: Annotated[
        str | None, typer.Option("--by", help="Reviewer preselected on the board.")
    ] = None,
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port on 127.0.0.1 to serve on.")
    ] = DEFAULT_BOARD_PORT,
    root: RootOption = None,
) -> None:
    """Serve the concept review board at http://127.0.0.1:PORT/ for the creative lead."""
    from rich.console import Console

    from creative_workbench.config import Workspace, load_project
    from creative_workbench.pipeline.concept_decisions import authorise
    from creative_workbench.reports.concept_board_app import serve

    loaded = load_project(project, Workspace.discover(root))
    if by is not None:
        authorise(loaded, by)
    Console(stderr=True).print(
        f"serving {safe(loaded.name)}'s concept review board at http://127.0.0.1:{port}/ "
        "(Ctrl-C stops it)",
        highlight=False,
    )
    serve(loaded, port=port, reviewer=by)


def register_decide(concepts_app: typer.Typer) -> None:
    """Add `decide` and `board` to the `workbench concepts` group."""
    concepts_app.command("decide")(decide_command)
    concepts_app.command("board")(board_command)
