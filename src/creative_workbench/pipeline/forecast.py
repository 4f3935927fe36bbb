"""The weekly performance forecast: rank this week's candidates, split the test budget,
store the predictions, and hold earlier weeks' predictions to account.

Candidates are the approved concepts in concepts/approved.parquet when it exists (default
week: the week after the data), else the creatives launching or running in the week
(default: the latest complete week of data; a week after the data takes those running in
its last week). A candidate carrying an attribute value without history is flagged
(new_values) and gets only the exploration share of the budget, never a winner's share.

A forecast never uses a model that saw the week: when the promoted model's data reaches
into the week (as on the demo, whose data runs through the default week), a model with the
same settings is fitted on the data before the week. Earlier weeks are backfilled the same
way, so the track record (pipeline.track_record: model next to the naive per-entity
forecast, week by week) has no leakage. Stored
predictions are the track record and are never recomputed; models fitted for a week are
kept in the project cache (XGBoost's own format, keyed by settings and data hash) and
reused by later runs; the weeks' fits run two at a time (pipeline.week_models).

Run it every Monday at 07:00 for the week starting that day (cron):

    0 7 * * 1 workbench run performance_forecast --root /srv/wb --project acme -p week=$(date +\\%F)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import polars as pl

from creative_workbench.config import Project
from creative_workbench.errors import DataError
from creative_workbench.pipeline.attributes import ENTITY
from creative_workbench.pipeline.store import Store, now_utc
from creative_workbench.pipeline.training_data import (
    TrainingData,
    creative_attributes,
)
from creative_workbench.pipeline.week_models import WeekModel, model_for_week, models_for_weeks
from creative_workbench.schemas import ConceptsSchema, validate
from creative_workbench.scoring.allocation import beta_from_interval, split_budget
from creative_workbench.scoring.explain import top_reasons
from creative_workbench.scoring.features import (
    DELIVERY_COLUMNS,
    add_creative_features,
    add_delivery_features,
    label,
)
from creative_workbench.scoring.scorer import CreativeScorer

DESCRIBED = ("name", "ad_format", "placement", "angle", "cta", "offer")
PREDICTION_COLUMNS = ("ctr", "ctr_lower", "ctr_upper", "cvr", "cvr_lower", "cvr_upper")
RANKING_SCHEMA = {
    **dict.fromkeys(("creative_id", *DESCRIBED), pl.Utf8),
    **dict.fromkeys(PREDICTION_COLUMNS, pl.Float64),
    "reasons": pl.List(pl.Utf8),
    "new_values": pl.Utf8,
    "p_best": pl.Float64,
    "budget": pl.Float64,
}


@dataclass
class Forecast:
    """One week's ranked candidates, budget split, track record and notes."""

    week: date
    model_version: str
    ranking: pl.DataFrame
    track_record: pl.DataFrame
    track_detail: pl.DataFrame
    notes: list[str] = field(default_factory=list)

    def summary_record(self) -> dict[str, object]:
        """The flow's event: week, model version and how many candidates were ranked."""
        return {
            "week": self.week.isoformat(),
            "model_version": self.model_version,
            "candidates": self.ranking.height,
        }


def week_start(value: date | str | None, rows: pl.DataFrame | None = None) -> date:
    """The Monday of VALUE's week; None = the last full Monday-Sunday week in ROWS."""
    if value is None:
        if rows is None or rows.height == 0:
            raise DataError("no performance data to pick a default forecast week from")
        last = rows.get_column("period_end").max()
        return (
            last
            - timedelta(days=last.weekday())
            - (timedelta(0) if last.weekday() == 6 else timedelta(days=7))
        )
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise DataError(f"week {value!r} is not an ISO date (YYYY-MM-DD)") from None
    return value - timedelta(days=value.weekday())


def default_week(project: Project, data: TrainingData) -> date:
    """With concepts: the week after the data. Else the latest complete week of data."""
    last_full = week_start(None, data.rows)
    if load_concepts(project) is not None:
        return last_full + timedelta(weeks=1)
    return last_full


def load_concepts(project: Project) -> pl.DataFrame | None:
    """Approved (else all non-rejected) concepts from concepts/approved.parquet, or None."""
    path = project.concepts_dir / "approved.parquet"
    if not path.is_file():
        return None
    concepts = validate(pl.read_parquet(path), ConceptsSchema, path)
    approved = concepts.filter(pl.col("status") == "approved")
    return approved if approved.height else concepts.filter(pl.col("status") != "rejected")


def candidates(project: Project, data: TrainingData, week: date) -> tuple[pl.DataFrame, str]:
    """Candidate rows with attributes and a launch date, and what they are."""
    concepts = load_concepts(project)
    if concepts is not None and concepts.height:
        frame = concepts.select(
            pl.col("concept_id").alias("creative_id"),
            pl.col("title").alias("name"),
            "ad_format",
            "aspect",
            "placement",
            "angle",
            "cta",
            "offer",
            "hook",
            pl.lit(None, pl.Float64).alias("duration_s"),
            pl.lit(None, pl.Float64).alias("palette_adherence"),
            pl.lit(None, pl.Float64).alias("logo_time_s"),
            pl.lit(None, pl.Utf8).alias("audience"),
            pl.lit(week).alias("launch_date"),
        )
        return creative_attributes(frame, project.config.thresholds.brand_early_s), "concepts"
    rows = data.rows.filter(pl.col("period_start") < week + timedelta(days=7))
    last = rows.get_column("period_start").max()
    live_from = week if last is None or last >= week else last - timedelta(days=6)
    running = rows.filter(pl.col("period_start") >= live_from).get_column("creative_id")
    pool = data.creatives.filter(
        pl.col("launch_date").is_between(week, week + timedelta(6))
        | (pl.col("creative_id").is_in(running.unique().implode()) & (pl.col("launch_date") < week))
    )
    return pool, "creatives launching or running this week"


def new_values(scorer: CreativeScorer, rows: pl.DataFrame) -> pl.DataFrame:
    """Per candidate of ROWS, its attribute values without history ('' when none): values
    the model never saw enough of (an empty attribute is unknown, not new)."""
    ids = rows.get_column("creative_id").to_list()
    found: dict[str, list[str]] = {i: [] for i in ids}
    for column, mask in scorer.encoder_.unknown(rows).items():
        if column in (*DELIVERY_COLUMNS, ENTITY):
            continue
        values = rows.get_column(column).cast(pl.Utf8).to_list()
        for creative, flag, value in zip(ids, mask, values, strict=True):
            text = f"{label(column)} = {value}"
            if flag and value is not None and text not in found[creative]:
                found[creative].append(text)
    return pl.DataFrame(
        {"creative_id": list(found), "new_values": ["; ".join(v) for v in found.values()]},
        schema={"creative_id": pl.Utf8, "new_values": pl.Utf8},
    )


def week_rows(candidates: pl.DataFrame, week: date, early_s: float) -> pl.DataFrame:
    """One row per candidate per day it runs in the week (from launch), delivery features on."""
    days = pl.DataFrame({"period_start": [week + timedelta(d) for d in range(7)]})
    rows = candidates.join(days, how="cross").filter(
        pl.col("period_start") >= pl.col("launch_date")
    )
    rows = rows.with_columns(pl.col("period_start").alias("period_end"))
    if "brand_early" not in rows.columns and "logo_time_s" in rows.columns:
        rows = add_creative_features(rows, early_s)
    return add_delivery_features(rows)


def predict_week(
    scorer: CreativeScorer, candidates: pl.DataFrame, week: date, early_s: float
) -> pl.DataFrame:
    """Week-average predictions with intervals and top reasons per candidate."""
    rows = week_rows(candidates, week, early_s)
    if rows.height == 0:
        return pl.DataFrame(
            schema={"creative_id": pl.Utf8, **dict.fromkeys(PREDICTION_COLUMNS, pl.Float64)}
        )
    predicted = pl.concat([rows.select("creative_id"), scorer.predict(rows)], how="horizontal")
    means = predicted.group_by("creative_id", maintain_order=True).agg(
        pl.col(list(PREDICTION_COLUMNS)).mean()
    )
    reasons = top_reasons(scorer, rows, "ctr", k=3)
    return means.join(reasons, on="creative_id", how="left").join(
        new_values(scorer, rows), on="creative_id", how="left"
    )


def forecast_week(
    project: Project,
    data: TrainingData,
    week: date,
    budget: float,
    store: Store,
    model: WeekModel | None = None,
) -> tuple[pl.DataFrame, str, list[str]]:
    """Predict, rank, split the budget and store one week's predictions (MODEL: the week's
    model from models_for_weeks, else found here)."""
    pool, kind = candidates(project, data, week)
    if pool.height == 0:
        return (
            pl.DataFrame(schema=RANKING_SCHEMA),
            "",
            [f"no candidates for the week of {week} ({kind})"],
        )
    scorer, version, notes = model or model_for_week(project, data, week)
    early = project.config.thresholds.brand_early_s
    predicted = predict_week(scorer, pool, week, early)
    described = [
        pl.col(c).cast(pl.Utf8) if c in pool.columns else pl.lit(None, pl.Utf8).alias(c)
        for c in DESCRIBED
    ]
    ranking = (
        pool.select("creative_id", *described)
        .join(predicted, on="creative_id")
        .sort("ctr", descending=True)
    )
    alpha, beta = beta_from_interval(
        *(ranking.get_column(c).to_numpy() for c in ("ctr", "ctr_lower", "ctr_upper"))
    )
    cvr = [ranking.get_column(c).to_numpy() for c in ("cvr", "cvr_lower", "cvr_upper")]
    second = beta_from_interval(*cvr) if np.isfinite(cvr[0]).all() else None
    new = ranking.get_column("new_values").fill_null("").to_numpy() != ""
    amounts, wins = split_budget(budget, alpha, beta, second=second, explore_only=new)
    ranking = ranking.with_columns(pl.Series("p_best", wins), pl.Series("budget", amounts))
    store_predictions(store, week, version, ranking)
    if new.any():
        notes = [
            *notes,
            f"{int(new.sum())} candidate(s) carry attribute values without history "
            "(new_values): flagged, and given only the exploration share of the budget",
        ]
    return ranking, version, [f"candidates: {ranking.height} {kind}", *notes]


def store_predictions(store: Store, week: date, version: str, ranking: pl.DataFrame) -> int:
    """Write predictions to the project's predictions table (replacing a re-run's)."""
    at = now_utc()
    rows = [
        {
            "at": at,
            "week": str(week),
            "model_version": version,
            "creative_id": r["creative_id"],
            **{
                c: (None if r[c] is None or not np.isfinite(r[c]) else float(r[c]))
                for c in PREDICTION_COLUMNS
            },
        }
        for r in ranking.iter_rows(named=True)
    ]
    return store.insert_rows("predictions", rows)


def weeks_to_backfill(
    project: Project, data: TrainingData, week: date, store: Store, weeks: int
) -> list[date]:
    """The WEEKS weeks before WEEK with candidates, enough history (4 weeks) and no stored
    predictions yet (stored predictions are the track record: never recomputed)."""
    stored = set(store.query("SELECT DISTINCT week FROM predictions").get_column("week"))
    first_day = data.rows.get_column("period_start").min()
    due = [week - timedelta(weeks=back) for back in range(weeks, 0, -1)]
    return [
        earlier
        for earlier in due
        if str(earlier) not in stored
        and earlier - timedelta(weeks=4) >= first_day
        and candidates(project, data, earlier)[0].height
    ]


def backfill(
    project: Project,
    data: TrainingData,
    week: date,
    store: Store,
    weeks: int,
    budget: float,
    models: dict | None = None,
) -> list[date]:
    """Forecast the weeks_to_backfill before WEEK (MODELS: their WeekModels, if fitted)."""
    due = weeks_to_backfill(project, data, week, store, weeks)
    models = models if models is not None else models_for_weeks(project, data, due, due)
    done = []
    for earlier in due:
        ranking, _, _ = forecast_week(project, data, earlier, budget, store, models[earlier])
        if ranking.height:
            done.append(earlier)
    return done
