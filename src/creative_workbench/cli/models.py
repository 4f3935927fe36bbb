"""`workbench train` and `workbench models list|show|promote`: the scoring model registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from creative_workbench.cli.output import safe
from creative_workbench.config import Workspace, load_project
from creative_workbench.pipeline.store import Store, current_user, now_utc
from creative_workbench.scoring import registry

out = Console()
models_app = typer.Typer(help="List, inspect and promote scoring models.", no_args_is_help=True)

ProjectOption = Annotated[str, typer.Option("--project", help="Project name under data/projects.")]
RootOption = Annotated[
    Path | None,
    typer.Option("--root", help="Workspace folder holding data/ (default: current folder)."),
]


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6f}"
    return "—" if value is None else str(value)


def train_command(
    project: ProjectOption,
    promote: Annotated[
        bool,
        typer.Option(
            "--promote",
            help="Promote the new model if it beats the baselines and the promoted model.",
        ),
    ] = False,
    test_weeks: Annotated[int, typer.Option(help="Weeks of new creatives held out.")] = 8,
    root: RootOption = None,
) -> None:
    """Train a scoring model on the project's performance history and register it."""
    from creative_workbench.pipeline.training import MODEL, train_project

    loaded = load_project(project, Workspace.discover(root))
    with out.status("training (time split, baselines, final fit)..."):
        outcome = train_project(loaded, promote=promote, test_weeks=test_weeks)
    table = Table(
        title=f"{loaded.name} {outcome.version}: held-out creatives "
        f"(launched from {outcome.split.cutoff})"
    )
    table.add_column("model", style="bold")
    for column in (
        "CTR log loss",
        "AUC",
        "Spearman",
        "top-20% precision",
        "ECE",
        "coverage",
        "CVR log loss",
    ):
        table.add_column(column, justify="right")
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
    out.print(table)
    for warning in outcome.data.warnings:
        out.print(f"[yellow]data quality:[/] {safe(warning.message)}", highlight=False)
    out.print(f"{outcome.version}: {outcome.decision}", highlight=False)


@models_app.command("list")
def list_command(project: ProjectOption, root: RootOption = None) -> None:
    """List the registered models of a project."""
    loaded = load_project(project, Workspace.discover(root))
    frame = registry.list_models(loaded.models_dir)
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
    out.print(table)


@models_app.command("show")
def show_command(
    version: Annotated[str, typer.Argument(help="Model version, e.g. v0001.")],
    project: ProjectOption,
    root: RootOption = None,
) -> None:
    """Show one model's card: data, features, parameters, metrics vs baselines."""
    loaded = load_project(project, Workspace.discover(root))
    card = registry.read_card(loaded.models_dir, version)
    table = Table(title=f"{loaded.name} {version}", show_header=False)
    table.add_column("key", style="bold")
    table.add_column("value")
    for key in ("created_at", "created_by", "promotion"):
        table.add_row(key, safe(_fmt(card.get(key))))
    for key, value in card.get("training", {}).items():
        table.add_row(
            safe(f"training.{key}"),
            safe(json.dumps(value) if isinstance(value, list) else _fmt(value)),
        )
    table.add_row(
        "features", safe(", ".join(card["features"]["categorical"] + card["features"]["numeric"]))
    )
    table.add_row("parameters", safe(json.dumps(card.get("parameters", {}))))
    for target, metrics in card.get("metrics", {}).items():
        model = metrics.get("model", {})
        table.add_row(
            safe(f"{target} model"), safe(", ".join(f"{k} {_fmt(v)}" for k, v in model.items()))
        )
        for name, values in metrics.get("baselines", {}).items():
            table.add_row(safe(f"{target} {name}"), f"log_loss {_fmt(values.get('log_loss'))}")
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
    record = registry.promote(loaded.models_dir, version, who, now_utc())
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
