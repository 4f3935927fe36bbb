"""`workbench new NAME`: a project folder a new analyst can start from — a commented
project.toml (every key with its default, from the config models), a _brand.yml template, a
README saying what goes where, and the raw/ folders; optionally the first performance export
copied into raw/performance/."""

from __future__ import annotations

import shutil
from pathlib import Path

from creative_workbench.atomic import atomic_write_text
from creative_workbench.config import (
    ModelSettings,
    PerformanceSettings,
    Project,
    ScoringSettings,
    Workspace,
    load_project,
)
from creative_workbench.errors import ConfigError, DataError

FOLDERS = ("raw/ads", "raw/performance", "raw/creatives", "raw/media", "brand", "deliverables")


EXAMPLES = {
    "conversions": '"Total_Conversion"  # default: the export layout\'s own column',
    "group_by": '"campaign"  # default: creative_id',
    "attributes": '{ campaign = "categorical", headline = "text", budget = "numeric" }',
}


def _value(key: str, value: object) -> str:
    if key in EXAMPLES and not value:
        return EXAMPLES[key]
    if isinstance(value, str):
        return f'"{value}"'
    return str(value).lower() if isinstance(value, bool) else str(value)


def _section(name: str, model: object, notes: dict[str, str]) -> str:
    lines = [f"# [{name}]"]
    for key, value in model.model_dump().items():
        if isinstance(value, dict) and key not in EXAMPLES:
            continue  # a table of its own
        lines.append(f"# {notes.get(key, key)}")
        lines.append(f"# {key} = {_value(key, value)}")
    return "\n".join(lines)


PERFORMANCE_NOTES = {
    "clicks_over_impressions": "rows with clicks > impressions: drop | clip | fail",
    "empty_counts": "an empty impressions/clicks cell is unknown (row left out) | fail",
    "conversions": "which export column counts as a conversion (e.g. Total_Conversion)",
    "decimal": 'number style: auto (decimal commas detected) | "." | ","',
}
SCORING_NOTES = {
    "attributes": "model attributes and their types (categorical | numeric | text | date);\n"
    "# empty: derived from the performance export (campaign, age, keyword, ...)",
    "evaluation": "auto | time | grouped | rolling",
    "group_by": "grouped CV keeps each value of this column on one side (default creative_id)",
    "folds": "grouped CV folds",
    "repeats": "grouped CV shuffles",
    "test_weeks": "time split: weeks of newly launched creatives held out",
    "min_test_rows": "the least test rows with impressions an evaluation accepts",
    "min_category_rows": "a value seen in fewer rows is new (no credit or blame)",
    "search": "settings `workbench train` tries on the evaluation folds first (0 = none)",
    "search_seconds": "time box of that search",
    "calendar": "dated rows: learn the date too (trend and season, apart from fatigue);\n"
    "# off by default: no clear gain on the synthetic keyword backtest",
}
MODEL_NOTES = {
    "n_estimators": "trees per rate model (1..5000; also `workbench train --set key=value`)",
    "max_depth": "1 = additive, exactly explained; deeper learns interactions (1..12)",
    "learning_rate": "(0, 1]",
    "min_child_weight": "least binomial information per leaf, about expected clicks (>= 0)",
    "cvr_min_child_weight": "the same for the conversion model (>= 0)",
    "reg_lambda": "L2 regularisation of leaf values (>= 0)",
    "subsample": "share of rows per tree (0, 1]",
    "interval_estimators": "trees per interval (quantile) model (1..5000)",
    "interval_level": "central coverage of the prediction intervals (0, 1)",
}


def project_toml(name: str) -> str:
    """The commented project.toml of a new project."""
    return (
        "\n\n".join(
            [
                f"# Project {name}: only `client` is required; every other key shows its default.\n"
                f'client = "{name}"\n'
                '# brand_guide = "_brand.yml"\n# currency = "USD"\n'
                "# currency_rates = { EUR = 1.08 }  # project currency per 1 unit of another\n"
                '# competitors = ["Rival A", "Rival B"]\n# placements = ["meta_feed"]',
                "# Performance exports (Meta, Google Ads, TikTok, KAG) go in raw/performance/ as\n"
                "# delivered. Any other CSV is read through a mapping, e.g. a keyword-day table:\n"
                '# [[mappings]]\n# kind = "performance"\n'
                '# glob = "raw/performance/keywords_*.csv"\n'
                '# columns = { creative_id = "Keyword", date = "Day", impressions = "Impr.",\n'
                '#   clicks = "Clicks", spend = "Cost", match_type = "Match type" }',
                _section("performance", PerformanceSettings(), PERFORMANCE_NOTES),
                _section("scoring", ScoringSettings(), SCORING_NOTES),
                _section("scoring.model", ModelSettings(), MODEL_NOTES),
            ]
        )
        + "\n"
    )


def brand_yml(name: str) -> str:
    """A _brand.yml template (Posit's brand.yml): QA checks palette and logo once filled."""
    return (
        "# Brand guide in Posit's brand.yml format. Fill in the palette and logo to let QA\n"
        "# check deliverables against them.\n"
        f"meta:\n  name: {name}\n"
        '# color:\n#   palette:\n#     primary: "#112233"\n#   primary: primary\n'
        "# logo:\n#   medium: brand/logo.png\n"
    )


def project_readme(name: str) -> str:
    """The README of a new project: what goes where, and the commands that read it."""
    return (
        f"# {name}\n\n"
        "| folder | what goes in it | read by |\n|---|---|---|\n"
        "| `project.toml` | client, competitors, placements, deliverables, mappings, "
        "scoring settings | every command |\n"
        "| `_brand.yml`, `brand/` | brand guide (palette, logo files) | `workbench qa`, "
        "project_overview |\n"
        "| `raw/ads/` | competitor ad exports (Meta Ad Library, TikTok, Google) | "
        "`workbench ingest`, competitive_analysis |\n"
        "| `raw/performance/` | performance exports as delivered | `workbench train`, "
        "performance_forecast |\n"
        "| `raw/creatives/` | optional creatives table (id plus attribute columns) | "
        "`workbench train` |\n"
        "| `raw/media/` | images and videos of competitor ads (thumbnails) | "
        "competitive_analysis |\n"
        "| `deliverables/` | finished spots and stills to check | `workbench qa` |\n\n"
        f"Reports: `workbench run REPORT --project {name}` writes `reports/{name}/DATE/`; "
        "`workbench reports` lists them.\n"
    )


def new_project(name: str, workspace: Workspace, performance: Path | None = None) -> Project:
    """Create data/projects/NAME with the template files; refuse an existing project."""
    folder = workspace.project_dir(name)
    if (folder / "project.toml").exists():
        raise ConfigError(f"{folder}: project {name!r} already exists")
    if performance is not None and not performance.is_file():
        raise DataError(f"{performance}: performance export not found")
    for sub in FOLDERS:
        (folder / sub).mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / "_brand.yml", brand_yml(name))
    atomic_write_text(folder / "README.md", project_readme(name))
    if performance is not None:
        shutil.copy2(performance, folder / "raw" / "performance" / performance.name)
    atomic_write_text(folder / "project.toml", project_toml(name))
    return load_project(name, workspace)
