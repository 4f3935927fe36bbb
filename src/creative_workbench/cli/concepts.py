"""`workbench concepts ...`: briefs from white space, concept cards and prompt packs; the
review commands (`import`, `decide`, `board`) join the same group from their own modules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from creative_workbench.cli.output import safe
from creative_workbench.config import Workspace, load_project

out = Console()

concepts_app = typer.Typer(
    help="Turn white space into concept briefs, cards and prompt packs.", no_args_is_help=True
)
ProjectOption = Annotated[str, typer.Option("--project", help="Project name under data/projects.")]
RootOption = Annotated[
    Path | None,
    typer.Option("--root", help="Workspace folder holding data/ (default: current folder)."),
]
NoQAOption = Annotated[
    bool, typer.Option("--no-qa", help="Skip the QA gate's still checks on the cards.")
]


def _rate(row: dict[str, Any], target: str) -> str:
    value, low, high = row[target], row[f"{target}_lower"], row[f"{target}_upper"]
    if value is None:
        return "–"
    interval = f" [{low:.2%}–{high:.2%}]" if low is not None and high is not None else ""
    return f"{value:.2%}{interval}"


def print_briefs(briefs) -> None:
    """The ranked briefs as a table (every value from outside escaped)."""
    table = Table(title=f"{briefs.height} briefs, ranked")
    table.add_column("#", justify="right")
    table.add_column("brief", no_wrap=True)
    for column in ("angle · offer · CTA", "placement", "headline", "gap"):
        table.add_column(column)
    predicted = briefs.get_column("ctr").is_not_null().any()
    flagged = (briefs.get_column("new_values") != "").any()
    if predicted:
        table.add_column("CTR [interval]")
        table.add_column("CVR [interval]")
    if flagged:
        table.add_column("no history (neutral)")
    for row in briefs.iter_rows(named=True):
        cells = [
            str(row["rank"]),
            safe(row["brief_id"]),
            safe(f"{row['angle']} · {row['offer']} · {row['cta']}"),
            safe(f"{row['placement']} ({row['format']})"),
            safe(row["headline"]),
            safe(f"{row['gap_dimension']}: {row['gap_label']} ({row['gap_score']:.2f})"),
        ]
        cells += [_rate(row, "ctr"), _rate(row, "cvr")] if predicted else []
        cells += [safe(row["new_values"])] if flagged else []
        table.add_row(*cells)
    out.print(table)


def print_outcome(result, project_root: Path) -> None:
    """Cards ready/failed (failures listed) and the files written."""
    cards = result.cards
    if cards is None or not cards.height:
        pass
    elif (cards.get_column("qa") == "unchecked").all():
        out.print(f"{cards.height} cards in concepts/cards/ (QA not run)", highlight=False)
    else:
        ready = int(cards.get_column("ready").sum())
        out.print(f"{cards.height} cards in concepts/cards/: {ready} ready", highlight=False)
        for row in cards.filter(cards.get_column("qa") == "fail").iter_rows(named=True):
            out.print(f"  not ready: {safe(row['file'])}: {safe(row['qa_notes'])}", highlight=False)
    if result.pack_files:
        out.print(
            f"{len(result.pack_files)} prompt-pack files in concepts/packs/ "
            "(per-brief JSON, prompt_packs.csv, midjourney.txt, comfyui/)",
            highlight=False,
        )
    for note in result.notes:
        out.print(f"note: {safe(note)}", highlight=False)
    out.print(f"project folder: {safe(project_root)}", highlight=False)


def _given(**values: Any) -> dict[str, Any]:
    """The options the user set (None = the flow's default, declared once in its params)."""
    return {k: v for k, v in values.items() if v is not None}


def _run(flow, project, **params: Any):
    """Run FLOW with a status line counting the cards the QA gate has checked."""
    checked = 0
    with out.status("working…") as status:

        def progress(item: tuple[str, str]) -> None:
            nonlocal checked
            checked += 1
            status.update(f"QA: {checked} cards checked (last: {safe(item[0])} {item[1]})")

        return flow.run(project, on_progress=progress, **params)


@concepts_app.command("briefs")
def briefs_command(
    project: ProjectOption,
    n: Annotated[int | None, typer.Option("-n", "--n", min=1, help="Briefs wanted (30).")] = None,
    cards: Annotated[bool, typer.Option(help="Render the concept cards.")] = True,
    packs: Annotated[bool, typer.Option(help="Write the prompt packs.")] = True,
    no_qa: NoQAOption = False,
    root: RootOption = None,
) -> None:
    """Rank diverse briefs from the project's white space; write cards and prompt packs."""
    from creative_workbench.pipeline.flows.concepts import BRIEFS

    loaded = load_project(project, Workspace.discover(root))
    options = _given(n=n, qa=False if no_qa else None)
    result = _run(BRIEFS, loaded, cards=cards, packs=packs, **options)
    print_briefs(result.briefs)
    print_outcome(result, loaded.root)


@concepts_app.command("cards")
def cards_command(
    project: ProjectOption, no_qa: NoQAOption = False, root: RootOption = None
) -> None:
    """Render (and QA-check) the concept cards of the current briefs."""
    from creative_workbench.pipeline.flows.concepts import CARDS

    loaded = load_project(project, Workspace.discover(root))
    print_outcome(_run(CARDS, loaded, **_given(qa=False if no_qa else None)), loaded.root)


@concepts_app.command("packs")
def packs_command(project: ProjectOption, root: RootOption = None) -> None:
    """Write the prompt packs (Flux, SDXL, Midjourney, ComfyUI) of the current briefs."""
    from creative_workbench.pipeline.flows.concepts import PACKS

    loaded = load_project(project, Workspace.discover(root))
    print_outcome(_run(PACKS, loaded), loaded.root)


def register(app: typer.Typer) -> None:
    """Add the `concepts` group (and the review commands, when installed) to APP."""
    from creative_workbench.cli.concept_decide import register_decide
    from creative_workbench.cli.concept_review import register_review

    register_review(concepts_app)
    register_decide(concepts_app)
    app.add_typer(concepts_app, name="concepts")
