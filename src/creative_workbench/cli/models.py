"""`workbench train` and `workbench models list|show|promote`: the scoring model registry."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from creative_workbench.cli.output import safe
from creative_workbench.config import Workspace, load_project
from creative_workbench.pipeline import models as project_models
from creative_workbench.pipeline.store import Store, current_user

out = Console()
models_app = typer.Typer(help="List, inspect and promote scoring models.", no_args_is_help=True)

ProjectOption = Annotated[str, typer.Option("--project", help="Project name under data/projects.")]
RootOption = Annotated[
    Path | None,
    typer.Option("--root", help="Workspace folder holding data/ (default: current folder)."),
]


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return "—" if not math.isfinite(value) else f"{value:.6g}"
    return "—" if value is None else str(value)


def print_wide(table: Table) -> None:
    """Print TABLE at its natural width, never cutting values to the terminal's 80 columns."""
    width = Measurement.get(out, out.options.update(max_width=10_000), table).maximum
    if width <= out.width:
        out.print(table)
        return
    wide = Console(
        file=out.file, width=width, force_terminal=out.is_terminal, no_color=out.no_color
    )
    wide.print(table)


def train_command(
    project: ProjectOption,
    promote: Annotated[
        bool,
        typer.Option(
            "--promote",
            help="Promote the new model if it beats the baselines (95 % CI of the paired "
            "difference excludes zero) and is not worse than the promoted model.",
        ),
    ] = False,
    evaluation: Annotated[
        str | None,
        typer.Option(
            "--eval",
            help="time | grouped | rolling (default: [scoring] evaluation, else chosen "
            "from the data: time when dates allow, grouped for lifetime totals).",
        ),
    ] = None,
    test_weeks: Annotated[
        int | None, typer.Option(help="Weeks of new creatives held out (time split).", min=1)
    ] = None,
    override: Annotated[
        str | None,
        typer.Option(
            "--override",
            help="With --promote: promote even without a clear win; the reason is recorded.",
        ),
    ] = None,
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Model setting for this run, key=value (repeatable), e.g. --set max_depth=2; "
            "keys and ranges as [scoring.model] in project.toml.",
        ),
    ] = None,
    search: Annotated[
        int | None,
        typer.Option(
            "--search",
            help="Try N sampled settings on the evaluation folds first and keep the best "
            "by mean CTR log loss (default: [scoring] search).",
            min=0,
            max=200,
        ),
    ] = None,
    root: RootOption = None,
) -> None:
    """Train a scoring model on the project's performance history and register it."""
    from creative_workbench.pipeline.flows import get_flow
    from creative_workbench.pipeline.training import MODEL, model_settings

    loaded = load_project(project, Workspace.discover(root))
    model_settings(loaded, settings or ())  # a bad --set fails before any work
    with out.status("training (evaluation folds, baselines, final fit)..."):
        outcome = get_flow("scoring.train").run(
            loaded,
            promote=promote,
            register_model=True,  # this command registers every version it trains
            test_weeks=test_weeks,
            evaluation=evaluation,
            override=override,
            settings=settings or [],
            search=search,
        )
    table = Table(title=f"{loaded.name} {outcome.version}: {safe(outcome.plan.description)}")
    table.add_column("model", style="bold", no_wrap=True)
    for column in (
        "CTR log loss",
        "AUC",
        "Spearman",
        "top-20% precision",
        "ECE",
        "coverage",
        "CVR log loss",
    ):
        table.add_column(column, justify="right", no_wrap=True)
    cvr = {r["model"]: r for r in outcome.comparison["cvr"].iter_rows(named=True)}
    for row in outcome.comparison["ctr"].iter_rows(named=True):
        style = "green" if row["model"] == MODEL else None
        table.add_row(
            row["model"],
            *(
                _fmt(row.get(k))
                for k in (
                    "log_loss",
                    "auc",
                    "spearman",
                    "top_quintile_precision",
                    "ece",
                    "coverage",
                )
            ),
            _fmt(cvr.get(row["model"], {}).get("log_loss")),
            style=style,
        )
    print_wide(table)
    for target, paired in outcome.differences.items():
        if paired.height:
            print_wide(_paired_table(target, paired))
    for warning in outcome.data.warnings:
        out.print(f"[yellow]data quality:[/] {safe(warning.message)}", highlight=False)
    for note in outcome.notes:
        out.print(f"note: {safe(note)}", highlight=False)
    out.print(f"{outcome.version}: {safe(outcome.decision)}", highlight=False)


def _paired_table(target: str, paired) -> Table:
    table = Table(title=f"{target.upper()} log loss: model minus each other model, paired by fold")
    for column in ("versus", "difference", "95 % CI", "folds won", "verdict"):
        table.add_column(column, no_wrap=True, justify="left" if column == "versus" else "right")
    for row in paired.iter_rows(named=True):
        table.add_row(
            row["versus"],
            f"{row['difference']:+.3g}",
            f"[{row['ci_low']:+.3g}, {row['ci_high']:+.3g}]",
            f"{row['folds_won']}/{row['folds']}",
            row["verdict"],
        )
    return table


@models_app.command("list")
def list_command(project: ProjectOption, root: RootOption = None) -> None:
    """List the registered models of a project."""
    loaded = load_project(project, Workspace.discover(root))
    frame = project_models.list_models(loaded)
    if frame.height == 0:
        out.print(f"{loaded.name}: no models yet; run `workbench train --project {loaded.name}`")
        return
    table = Table(title=f"{loaded.name}: models")
    for column in frame.columns:
        table.add_column(column.replace("_", " "))
    for row in frame.iter_rows():
        table.add_row(
            *(("yes" if v else "") if isinstance(v, bool) else safe(_fmt(v)) for v in row)
        )
    print_wide(table)


@models_app.command("show")
def show_command(
    version: Annotated[str, typer.Argument(help="Model version, e.g. v0001.")],
    project: ProjectOption,
    root: RootOption = None,
) -> None:
    """Show one model's card: data, features, parameters, metrics vs baselines."""
    loaded = load_project(project, Workspace.discover(root))
    card = project_models.read_card(loaded, version)
    table = Table(title=f"{loaded.name} {version}", show_header=False)
    table.add_column("key", style="bold")
    table.add_column("value")

    def add(key: str, value: object) -> None:
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value
        table.add_row(safe(key), safe(_fmt(text)))

    for key in ("created_at", "created_by", "promotion"):
        add(key, card.get(key))
    for key, value in card.get("training", {}).items():
        add(f"training.{key}", value)
    for key, value in card.get("evaluation", {}).items():
        add(f"evaluation.{key}", value)
    add("features", ", ".join(card["features"]["categorical"] + card["features"]["numeric"]))
    add("parameters", card.get("parameters", {}))
    tuning = card.get("tuning", {}) if isinstance(card.get("tuning"), dict) else {}
    add("tuning.overrides", tuning.get("overrides", []))
    if isinstance(tuning.get("search"), dict):
        found = tuning["search"]
        add("tuning.search", f"{len(found.get('tried', []))} settings tried; {found.get('note')}")
        add("tuning.search.chosen", found.get("chosen"))
    for target, metrics in card.get("metrics", {}).items():
        model = metrics.get("model", {})
        add(f"{target} model", ", ".join(f"{k} {_fmt(v)}" for k, v in model.items()))
        for name, values in metrics.get("baselines", {}).items():
            add(f"{target} {name}", f"log_loss {_fmt(values.get('log_loss'))}")
        for row in metrics.get("paired", []):
            add(
                f"{target} vs {row['versus']}",
                f"{row['difference']:+.3g} [95 % CI {_fmt(row['ci_low'])}, "
                f"{_fmt(row['ci_high'])}] {row['verdict']}",
            )
    out.print(table)


@models_app.command("promote")
def promote_command(
    version: Annotated[str, typer.Argument(help="Model version to promote.")],
    project: ProjectOption,
    root: RootOption = None,
) -> None:
    """Make VERSION the model that forecasts use (a recorded human decision)."""
    loaded = load_project(project, Workspace.discover(root))
    who = current_user()
    record = project_models.promote(loaded, version, who)
    Store(loaded.state_db).record_decision(
        "scoring", version, "promoted", who, f"manual promotion (previous: {record['previous']})"
    )
    out.print(
        f"{loaded.name}: {version} promoted by {who} (previous: {record['previous']})",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add `train` and the `models` group to the workbench app."""
    app.command("train")(train_command)
    app.add_typer(models_app, name="models")
