"""Scoring flows: train (evaluate, register, promote) and the weekly forecast."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from creative_workbench.pipeline.flows.base import Flow, FlowParams

if TYPE_CHECKING:
    from creative_workbench.config import Project
    from creative_workbench.pipeline.forecast import Forecast
    from creative_workbench.pipeline.training import TrainingOutcome


class TrainParams(FlowParams):
    """Retrain and compare with the promoted model; register (a new version under models/)
    and promote only when asked. Model settings and the split default to [scoring]."""

    promote: bool = False
    register_model: bool = False
    test_weeks: int | None = Field(None, ge=1, description="default: [scoring] test_weeks")
    evaluation: Literal["time", "grouped", "rolling"] | None = None
    override: str | None = Field(None, description="with promote: the reason to promote anyway")
    settings: list[str] = Field(default_factory=list, description="key=value [scoring.model]")
    search: int | None = Field(None, ge=0, le=200, description="default: [scoring] search")


class ForecastParams(FlowParams):
    """Weekly forecast for the week starting on WEEK (default: the latest complete week, or
    the week after the data when approved concepts wait), with the test budget to split."""

    week: date | None = None
    budget: float = Field(10000.0, gt=0)
    backfill_weeks: int = Field(6, ge=0, le=52, description="earlier weeks for the track record")


def train(project: Project, params: TrainParams) -> TrainingOutcome:
    """Evaluate against the baselines and the promoted model; register/promote when asked."""
    from creative_workbench.pipeline.training import train_project

    return train_project(
        project,
        promote=params.promote,
        register=params.register_model,
        test_weeks=params.test_weeks,
        evaluation=params.evaluation,
        override=params.override,
        settings=params.settings,
        search=params.search,
    )


def forecast(project: Project, params: ForecastParams) -> Forecast:
    """Rank the week's candidates, split the budget, store predictions, backfill earlier
    weeks and hold them to account (track record)."""
    from creative_workbench.pipeline import forecast as weekly
    from creative_workbench.pipeline.store import Store
    from creative_workbench.pipeline.track_record import track_record
    from creative_workbench.pipeline.training_data import load_training_data
    from creative_workbench.pipeline.week_models import models_for_weeks

    data = load_training_data(project)
    start = (
        weekly.default_week(project, data)
        if params.week is None
        else weekly.week_start(params.week)
    )
    store = Store(project.state_db)
    due = weekly.weeks_to_backfill(project, data, start, store, params.backfill_weeks)
    models = models_for_weeks(project, data, [*due, start], backfilled=due)
    weekly.backfill(project, data, start, store, params.backfill_weeks, params.budget, models)
    ranking, version, notes = weekly.forecast_week(
        project, data, start, params.budget, store, models[start]
    )
    record, detail = track_record(store, data, start)
    return weekly.Forecast(start, version, ranking, record, detail, notes)


TRAIN = Flow(
    name="scoring.train",
    stage="scoring",
    summary="Train the scoring model, compare it with baselines and the promoted model.",
    reads=("project.toml", "raw/performance/", "raw/creatives/", "models/"),
    writes=("models/",),
    params=TrainParams,
    body=train,
)
FORECAST = Flow(
    name="scoring.forecast",
    stage="scoring",
    summary="Rank the week's candidates with intervals and split the test budget.",
    reads=("project.toml", "raw/performance/", "raw/creatives/", "models/", "concepts/"),
    writes=("state.db:predictions", "cache/"),
    params=ForecastParams,
    body=forecast,
)
FLOWS = (TRAIN, FORECAST)
