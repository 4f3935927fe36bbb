"""The report registry: each report's notebook and its validated parameters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from creative_workbench.config import check_project_name, describe_validation_error
from creative_workbench.errors import ReportError
from creative_workbench.pipeline.flows import scoring
from creative_workbench.pipeline.flows.qa import QAParams
from creative_workbench.pipeline.flows.research import ResearchParams
from creative_workbench.pipeline.flows.scoring import TrainParams

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"  # ships in the wheel


class ReportParams(BaseModel):
    """Parameters every report takes; papermill injects them into the notebook."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    project: str = "demo"

    @field_validator("project")
    @classmethod
    def _safe_project(cls, value: str) -> str:
        try:
            return check_project_name(value)
        except Exception as exc:
            raise ValueError(str(exc)) from None


class OverviewParams(ReportParams):
    """project_overview takes only the project."""


class CompetitiveParams(ReportParams, ResearchParams):
    """Competitive analysis: the research flow's parameters (window, brands, platforms)."""


class QAReportParams(ReportParams, QAParams):
    """QA report: the QA flow's parameters (default: every file in deliverables/)."""


class TrainingParams(ReportParams, TrainParams):
    """Model training: the scoring.train flow's parameters (register/promote only when asked)."""


class ForecastParams(ReportParams, scoring.ForecastParams):
    """Weekly performance forecast: the scoring.forecast flow's parameters."""


class TimelineParams(ReportParams):
    """Project timeline and cost ledger: takes only the project (baseline: project.toml)."""


class ConceptReviewParams(ReportParams):
    """Concept review: the imported batch, its decisions and keep rates (project only)."""


@dataclass(frozen=True)
class ReportSpec:
    """A registered report: its name, notebook and parameter model."""

    name: str
    title: str
    notebook: str
    params: type[ReportParams]
    audience: str

    @property
    def notebook_path(self) -> Path:
        return NOTEBOOKS_DIR / self.notebook

    def validate(self, values: dict[str, Any]) -> ReportParams:
        """Validate raw parameter values; errors name the parameter and what to fix."""
        try:
            return self.params.model_validate(values)
        except ValidationError as exc:
            raise ReportError(f"report {self.name}: {describe_validation_error(exc)}") from None

    def describe_params(self) -> list[tuple[str, str, str]]:
        """(name, type, default) for each parameter, for `workbench reports`."""
        rows = []
        for name, field in self.params.model_fields.items():
            annotation = getattr(field.annotation, "__name__", None) or str(field.annotation)
            default = "required" if field.is_required() else repr(field.default)
            rows.append((name, annotation.replace("datetime.", ""), default))
        return rows


REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            "project_overview",
            "Project overview",
            "project_overview.ipynb",
            OverviewParams,
            "everyone",
        ),
        ReportSpec(
            "competitive_analysis",
            "Competitive analysis",
            "competitive_analysis.ipynb",
            CompetitiveParams,
            "strategist",
        ),
        ReportSpec("qa_report", "QA gate report", "qa_report.ipynb", QAReportParams, "producer"),
        ReportSpec(
            "model_training", "Model training", "model_training.ipynb", TrainingParams, "analyst"
        ),
        ReportSpec(
            "performance_forecast",
            "Weekly performance forecast",
            "performance_forecast.ipynb",
            ForecastParams,
            "producer",
        ),
        ReportSpec(
            "project_timeline",
            "Project timeline and cost ledger",
            "project_timeline.ipynb",
            TimelineParams,
            "producer",
        ),
        ReportSpec(
            "concept_review",
            "Concept review",
            "concept_review.ipynb",
            ConceptReviewParams,
            "creative lead",
        ),
    )
}


def get_report(name: str) -> ReportSpec:
    """Look up a report by name; an unknown name lists the known ones."""
    if name not in REPORTS:
        raise ReportError(f"unknown report {name!r}: use one of {', '.join(REPORTS)}")
    return REPORTS[name]
