"""Workspace and project configuration: project.toml and the brand guide (_brand.yml)."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from creative_workbench.brand_guide import BrandGuide, load_brand_guide
from creative_workbench.errors import ConfigError, ProjectNotFoundError
from creative_workbench.paths import inside_project
from creative_workbench.placements import get_placement

PROJECT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def _check_placement(placement_id: str) -> None:
    try:
        get_placement(placement_id)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QAThresholds(_Strict):
    """QA gate thresholds; every default cites professional QC practice (qa-specs.md).

    Ranges keep verdicts meaningful: levels in dBFS/dBTP are at most 0, tolerances and
    durations are not negative, time limits are positive, and nothing is inf or nan.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    silence_dbfs: float = Field(-60.0, le=0)
    silence_min_s: float = Field(2.0, gt=0)
    digital_silence_dbfs: float = Field(-90.0, le=0)
    loudness_tolerance_lu: float = Field(2.0, ge=0)
    true_peak_max_dbtp: float | None = Field(None, le=0)
    loudness_range_max_lu: float | None = Field(None, gt=0, le=40)  # EBU Tech 3342 LRA; warns
    clip_run_samples: int = Field(3, ge=2)
    clip_level_dbfs: float = Field(-0.01, le=0)
    palette_delta_e: float = Field(5.0, gt=0)
    palette_min_share: float = Field(0.5, ge=0, le=1)
    brand_early_s: float = Field(3.0, ge=0)
    logo_min_width_pct: float = Field(5.0, ge=0, le=100)
    logo_match_threshold: float = Field(0.6, ge=0, le=1)
    end_card_window_s: float = Field(3.0, gt=0)
    end_card_min_hold_s: float = Field(1.5, ge=0)
    cta_match_ratio: float = Field(0.8, ge=0, le=1)
    per_file_time_limit_s: float = Field(60.0, gt=0, le=86400)  # ≤ a day: timers overflow


class Reviewer(_Strict):
    """A named person who decides at a human checkpoint."""

    name: str
    role: str


class DeliverableSpec(_Strict):
    """What one deliverable file is meant to be: placement, CTA, voiceover."""

    file: str
    placement: str
    cta: str | None = None
    voiceover: bool = False
    version: str | None = None

    @field_validator("placement")
    @classmethod
    def _known_placement(cls, value: str) -> str:
        _check_placement(value)
        return value


class ColumnMapping(_Strict):
    """Maps a CSV/Parquet source's columns onto a canonical table (canonical = source)."""

    kind: Literal["ads", "performance"]
    glob: str
    source: str = "custom"
    columns: dict[str, str]
    date_format: str | None = None
    list_separator: str = Field(",", min_length=1)
    captured_at: date | None = None


class PerformanceSettings(_Strict):
    """[performance]: how exports are read. Every policy is reported when it applies."""

    clicks_over_impressions: Literal["drop", "clip", "fail"] = "drop"
    empty_counts: Literal["unknown", "fail"] = "unknown"
    conversions: str | None = Field(
        None, description="export column that counts as a conversion (default per layout)"
    )
    decimal: Literal["auto", ".", ","] = "auto"


class ModelSettings(_Strict):
    """[scoring.model]: the scoring model's XGBoost settings (also `train --set key=value`);
    the defaults here are the model's defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    n_estimators: int = Field(500, ge=1, le=5000)
    max_depth: int = Field(1, ge=1, le=12)
    learning_rate: float = Field(0.4, gt=0, le=1)
    min_child_weight: float = Field(200.0, ge=0, le=1e9)
    cvr_min_child_weight: float = Field(20.0, ge=0, le=1e9)
    reg_lambda: float = Field(5.0, ge=0, le=1e6)
    subsample: float = Field(0.9, gt=0, le=1)
    interval_level: float = Field(0.8, gt=0, lt=1)
    interval_estimators: int = Field(120, ge=1, le=5000)


class ScoringSettings(_Strict):
    """[scoring]: the model's attributes and how it is evaluated."""

    attributes: dict[str, Literal["categorical", "numeric", "text", "date"]] = Field(
        default_factory=dict
    )
    evaluation: Literal["auto", "time", "grouped", "rolling"] = "auto"
    group_by: str | None = None
    folds: int = Field(5, ge=2, le=20)
    repeats: int = Field(1, ge=1, le=20)
    test_weeks: int = Field(8, ge=1)
    min_test_rows: int = Field(30, ge=1)
    min_category_rows: int = Field(5, ge=1)
    model: ModelSettings = Field(default_factory=ModelSettings)
    search: int = Field(0, ge=0, le=200, description="settings tried by `train --search`")
    search_seconds: float = Field(600.0, gt=0, le=86_400, allow_inf_nan=False)
    calendar: bool = Field(False, description="dated rows: the date as a trend/season term")


class BaselineSettings(_Strict):
    """[baseline]: a traditional agency's billable hours per stage (assumed, not measured)
    and the hourly rate that turns hours into cost; the timeline report compares them with
    the hours measured from this project's events.

    Each default's description says where it comes from: the reference document the
    product grew from (a studio producer's account of AI-assisted production; the
    `reference/` sheets beside the repo). A stage it gives no figure for is None and is
    left out of the comparison until project.toml sets it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    research: float | None = Field(
        60.0,
        ge=0,
        description="reference, section 1 (competitive research): 40-80 billable hours by "
        "hand for a junior strategist over two weeks; the midpoint",
    )
    concepts: float | None = Field(
        20.0,
        ge=0,
        description="reference, economics section: about 40 hours of creative work per "
        "project; half of it to concepts (the even split is assumed)",
    )
    production: float | None = Field(
        20.0,
        ge=0,
        description="reference, economics section: the other half of the 40 creative hours "
        "(the even split is assumed)",
    )
    qa: float | None = Field(
        None, ge=0, description="reference names manual QA but gives no hours: set your own"
    )
    delivery: float | None = Field(
        None, ge=0, description="reference gives no hours for delivery: set your own"
    )
    coordination: float | None = Field(
        80.0,
        ge=0,
        description="reference, economics section: about 80 hours of coordination, meetings "
        "and handoffs; the studio's counterpart is the time stages wait for a person",
    )
    hourly_rate: float = Field(
        150.0,
        gt=0,
        description="not in the reference (it quotes monthly retainers only): a placeholder "
        "rate, set your studio's",
    )


class ProjectConfig(_Strict):
    """The contents of data/projects/NAME/project.toml."""

    client: str
    brand_guide: str = "_brand.yml"
    currency: str = "USD"
    currency_rates: dict[str, float] = Field(default_factory=dict)
    cta_wording: list[str] = Field(default_factory=list)
    placements: list[str] = Field(default_factory=list)
    competitors: list[str] = Field(default_factory=list)
    reviewers: list[Reviewer] = Field(default_factory=list)
    thresholds: QAThresholds = Field(default_factory=QAThresholds)
    deliverables: list[DeliverableSpec] = Field(default_factory=list)
    mappings: list[ColumnMapping] = Field(default_factory=list)
    captured_at: dict[str, date] = Field(
        default_factory=dict, description="ad file glob -> the date its page was captured"
    )
    performance: PerformanceSettings = Field(default_factory=PerformanceSettings)
    scoring: ScoringSettings = Field(default_factory=ScoringSettings)
    notify: list[str] = Field(
        default_factory=list, description="apprise URLs told when a decision is needed"
    )
    baseline: BaselineSettings = Field(default_factory=BaselineSettings)

    @field_validator("placements")
    @classmethod
    def _known_placements(cls, value: list[str]) -> list[str]:
        for placement_id in value:
            _check_placement(placement_id)
        return value


@dataclass(frozen=True)
class Workspace:
    """The folder holding data/projects/ and reports/."""

    root: Path

    @classmethod
    def discover(cls, root: Path | str | None = None) -> Workspace:
        """Use ROOT, else $WORKBENCH_HOME, else the nearest folder at or above the current
        one that holds data/projects (so notebooks and shells inside a workspace find it),
        else the current folder (where `workbench demo` starts a new workspace)."""
        chosen = root or os.environ.get("WORKBENCH_HOME")
        if chosen:
            return cls(Path(chosen).resolve())
        here = Path.cwd().resolve()
        found = next((p for p in (here, *here.parents) if (p / "data" / "projects").is_dir()), here)
        return cls(found)

    @property
    def projects_dir(self) -> Path:
        return self.root / "data" / "projects"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    def project_dir(self, name: str) -> Path:
        """Folder of project NAME; unsafe names are refused before touching disk."""
        check_project_name(name)
        return self.projects_dir / name

    def project_names(self) -> list[str]:
        """Projects that have a project.toml."""
        if not self.projects_dir.is_dir():
            return []
        return sorted(p.parent.name for p in self.projects_dir.glob("*/project.toml"))


def check_project_name(name: str) -> str:
    """Refuse names with '/', '..' or other characters unsafe for a folder name."""
    if not PROJECT_NAME.match(name or ""):
        raise ProjectNotFoundError(
            f"project name {name!r} is not allowed: use letters, digits, '-' and '_' only"
        )
    return name


@dataclass(frozen=True)
class Project:
    """A client project folder (see the project folder contract in DESIGN.md)."""

    name: str
    root: Path
    config: ProjectConfig

    @property
    def config_path(self) -> Path:
        return self.root / "project.toml"

    @property
    def raw_ads_dir(self) -> Path:
        return self.root / "raw" / "ads"

    @property
    def raw_performance_dir(self) -> Path:
        return self.root / "raw" / "performance"

    @property
    def raw_creatives_dir(self) -> Path:
        return self.root / "raw" / "creatives"

    @property
    def raw_media_dir(self) -> Path:
        return self.root / "raw" / "media"

    @property
    def brand_dir(self) -> Path:
        return self.root / "brand"

    @property
    def concepts_dir(self) -> Path:
        return self.root / "concepts"

    @property
    def deliverables_dir(self) -> Path:
        return self.root / "deliverables"

    @property
    def delivery_dir(self) -> Path:
        return self.root / "delivery"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def notebooks_dir(self) -> Path:
        """This project's working copies of the report notebooks (for JupyterLab)."""
        return self.root / "notebooks"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def state_db(self) -> Path:
        return self.root / "state.db"

    @cached_property
    def brand(self) -> BrandGuide:
        """The project's brand guide."""
        name = self.config.brand_guide
        path = inside_project(self.root, name, "project.toml brand_guide")
        if not path.is_file():
            raise ConfigError(
                f"project.toml brand_guide = {name!r} not found in {self.root}; "
                "fix the name or add the brand guide there"
            )
        return load_brand_guide(path, self.root)

    def deliverable_spec(self, filename: str) -> DeliverableSpec | None:
        """The configured spec for a deliverable file name, if any."""
        return next((d for d in self.config.deliverables if d.file == filename), None)


def load_project(name: str, workspace: Workspace | None = None) -> Project:
    """Load data/projects/NAME/project.toml into a Project; errors name file and key."""
    workspace = workspace or Workspace.discover()
    folder = workspace.project_dir(name)
    path = folder / "project.toml"
    if not workspace.projects_dir.is_dir():
        raise ProjectNotFoundError(
            f"project {name!r} not found: no workspace at {workspace.root} (no data/projects "
            "in it or any folder above); cd into your workspace, pass --root, set "
            "WORKBENCH_HOME, or run `workbench demo` to start one here"
        )
    if not path.is_file():
        known = ", ".join(workspace.project_names()) or "none yet (run `workbench demo`)"
        raise ProjectNotFoundError(f"project {name!r} not found: no {path}; known: {known}")
    return Project(name, folder, load_project_config(path))


def load_project_config(path: Path) -> ProjectConfig:
    """Parse and validate one project.toml."""
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: malformed TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    try:
        return ProjectConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {describe_validation_error(exc)}") from None


def describe_validation_error(exc: ValidationError) -> str:
    """One line for the first pydantic error: the key path and what is wrong."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    if first["type"] == "extra_forbidden":
        return f"unknown key {where!r}; remove it or check its spelling"
    if first["type"] == "missing":
        return f"missing required key {where!r}"
    message = first["msg"].removeprefix("Value error, ")
    return f"{where}: {message}"
