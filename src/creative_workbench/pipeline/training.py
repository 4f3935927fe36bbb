"""Train, evaluate, register and (when better and asked) promote a project's scoring model.

Evaluation follows the data (``scoring.validation``): a time split when dates allow it,
grouped K-fold for lifetime totals, a rolling-origin backtest for dated data whose entities
all launched together; ``[scoring] evaluation`` or ``--eval`` chooses. The model and the
baselines (and the promoted model's settings) are fitted on the same folds and compared
paired, fold by fold, with a 95 % interval of the difference. Promotion needs the model to
beat the best baseline on CTR log loss with an interval that excludes zero and not to be
clearly worse than the promoted settings — or an explicit override, recorded as a decision.
The registered model is then fitted on all data. Fits run FIT_THREADS at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import polars as pl
from pydantic import ValidationError
from sklearn.base import clone

from creative_workbench import __version__
from creative_workbench.config import ModelSettings, Project, describe_validation_error
from creative_workbench.errors import ConfigError, DataError
from creative_workbench.pipeline import models as project_models
from creative_workbench.pipeline.store import Store, current_user, now_utc
from creative_workbench.pipeline.training_data import TrainingData, load_training_data
from creative_workbench.scoring import registry
from creative_workbench.scoring.baselines import baseline_models
from creative_workbench.scoring.evaluation import calibration_table
from creative_workbench.scoring.explain import global_importance
from creative_workbench.scoring.features import CREATIVE_FEATURES, TARGETS, FeatureSpec
from creative_workbench.scoring.scorer import CreativeScorer
from creative_workbench.scoring.search import search_settings
from creative_workbench.scoring.validation import (
    METHODS,
    Plan,
    Scored,
    choose_method,
    fit_and_score,
    grouped_plan,
    paired_differences,
    rolling_plan,
    summarise,
    time_plan,
)

MODEL = "model (XGBoost)"
PROMOTED = "promoted model settings"
FIT_THREADS = 2
ROLLING_ORIGINS = 8


@dataclass
class TrainingOutcome:
    """Everything the training report shows."""

    version: str | None
    card: dict[str, Any]
    data: TrainingData
    plan: Plan
    comparison: dict[str, pl.DataFrame]
    per_fold: dict[str, pl.DataFrame]
    differences: dict[str, pl.DataFrame]
    calibration: pl.DataFrame
    importance: pl.DataFrame
    model: CreativeScorer
    promoted: bool
    decision: str
    previous: str | None
    notes: list[str] = field(default_factory=list)

    def summary_record(self) -> dict[str, object]:
        """The flow's event: version (None when nothing was saved), promotion, decision."""
        return {
            "version": self.version,
            "promoted": self.promoted,
            "decision": self.decision,
            "rows": self.data.rows.height,
        }


def make_plan(
    data: TrainingData, project: Project, method: str | None = None, test_weeks: int | None = None
) -> Plan:
    """The evaluation plan for DATA: METHOD, else [scoring] evaluation, else chosen."""
    settings = project.config.scoring
    if test_weeks is not None:
        settings = settings.model_copy(update={"test_weeks": test_weeks})
    method = method or settings.evaluation
    if method == "auto":
        method = choose_method(data.rows, settings.test_weeks)
    if method not in METHODS:
        raise DataError(f"unknown evaluation {method!r}; choose one of {', '.join(METHODS)}")
    minimum = settings.min_test_rows
    if method == "time":
        return time_plan(data.rows, settings.test_weeks, minimum)
    if method == "rolling":
        return rolling_plan(data.rows, ROLLING_ORIGINS, minimum)
    group = settings.group_by or "creative_id"
    return grouped_plan(data.rows, group, settings.folds, settings.repeats, minimum)


def model_settings(project: Project, pairs: Sequence[str] = ()) -> ModelSettings:
    """[scoring.model] with each `--set key=value` of PAIRS applied, validated by the same
    model (ranges in config.ModelSettings); a bad key or value is a one-line ConfigError."""
    settings = project.config.scoring.model
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(f"--set {pair!r}: expected key=value, e.g. --set max_depth=2")
        if key not in ModelSettings.model_fields:
            known = ", ".join(ModelSettings.model_fields)
            raise ConfigError(f"--set {key}: unknown setting {key!r}; use one of {known}")
        try:
            settings = ModelSettings.model_validate(settings.model_dump() | {key: value.strip()})
        except ValidationError as exc:
            raise ConfigError(f"--set {pair}: {describe_validation_error(exc)}") from None
    return settings


def type_columns(spec: FeatureSpec) -> tuple[str, ...]:
    """What 'creative type' means for the rate-by-type baseline in this project."""
    for name in ("ad_format", "campaign", "ad_type", "match_type"):
        if name in spec.categorical:
            return (name,)
    return spec.categorical[:1] or ("placement",)


def _metrics(table: pl.DataFrame, differences: pl.DataFrame) -> dict[str, Any]:
    rows = {
        r["model"]: {k: v for k, v in r.items() if k != "model"}
        for r in table.iter_rows(named=True)
    }
    baselines = {k: v for k, v in rows.items() if k not in (MODEL, PROMOTED)}
    losses = [v["log_loss"] for v in baselines.values() if v["log_loss"] is not None]
    return {
        "model": rows.get(MODEL, {}),
        "baselines": baselines,
        "promoted_settings": rows.get(PROMOTED),
        "best_baseline_log_loss": min(losses) if losses else None,
        "paired": differences.to_dicts(),
    }


def evaluate(
    data: TrainingData,
    plan: Plan,
    scorer: CreativeScorer,
    promoted: CreativeScorer | None = None,
    submit: Any = None,
) -> tuple[Scored, dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """Fit model, baselines (and the promoted settings) on every fold of PLAN; returns the
    scores, the mean metrics per target and the paired differences per target."""
    spec = scorer.features or CREATIVE_FEATURES
    models: dict[str, Any] = {MODEL: scorer, **baseline_models(spec.static, type_columns(spec))}
    same = promoted is not None and _settings(promoted) == _settings(scorer)
    if promoted is not None and not same:
        models[PROMOTED] = promoted
    scored = fit_and_score(models, plan, MODEL, submit=submit)
    if same:  # the same settings on the same folds: the same model, fitted and scored once
        scored.per_fold = {t: _repeat_as_promoted(v) for t, v in scored.per_fold.items()}
    comparison = {t: summarise(v) for t, v in scored.per_fold.items()}
    differences = {
        t: paired_differences(v, MODEL, plan, single_intervals=scored.intervals.get(t))
        for t, v in scored.per_fold.items()
    }
    return scored, comparison, differences


def _repeat_as_promoted(table: pl.DataFrame) -> pl.DataFrame:
    model_row = table.filter(pl.col("model") == MODEL)
    return pl.concat([table, model_row.with_columns(pl.lit(PROMOTED).alias("model"))])


def train_project(
    project: Project,
    *,
    promote: bool = False,
    test_weeks: int | None = None,
    features: FeatureSpec | None = None,
    who: str | None = None,
    evaluation: str | None = None,
    override: str | None = None,
    register: bool = True,
    settings: Sequence[str] = (),
    search: int | None = None,
) -> TrainingOutcome:
    """Train PROJECT's model; register it, and promote it when asked and when better (or
    when asked with an OVERRIDE reason, recorded as the decision). With REGISTER and PROMOTE
    both false nothing is saved (outcome.version is None). SETTINGS: `key=value` overrides
    of [scoring.model]; SEARCH: settings to try on the evaluation folds (default
    [scoring] search; 0 = none), within [scoring] search_seconds."""
    who = who or current_user()
    chosen = model_settings(project, settings)
    data = load_training_data(project)
    plan = make_plan(data, project, evaluation, test_weeks)
    scorer = CreativeScorer(
        features=features or data.features,
        min_category_rows=project.config.scoring.min_category_rows,
        **chosen.model_dump(),
    )
    tuning: dict[str, Any] = {"settings": chosen.model_dump(), "overrides": list(settings)}
    trials = project.config.scoring.search if search is None else search
    previous, previous_settings, damage = None, None, []
    try:
        previous = registry.promoted_version(project.models_dir)
        if previous is not None:
            previous_settings = clone(project_models.load_model(project, previous)[0])
    except DataError as exc:  # retraining is the way out of a damaged promoted model
        damage.append(f"not compared with the promoted model: {exc}")
    with ThreadPoolExecutor(FIT_THREADS) as pool:
        if trials > 0:
            found = search_settings(
                scorer, plan, trials, project.config.scoring.search_seconds, submit=pool.submit
            )
            scorer = scorer.set_params(**found.best)
            tuning["search"] = found.to_card()
        final_fit = pool.submit(clone(scorer).fit, data.rows)
        scored, tables, differences = evaluate(data, plan, scorer, previous_settings, pool.submit)
        final = final_fit.result()
    calibration = calibration_table(*scored.held_out)
    importance = global_importance(final, data.rows)
    metrics = {t: _metrics(tables[t], differences[t]) for t in TARGETS}
    decision, better = _decide(differences["ctr"], previous, promote, override)
    notes = [*data.notes, *final.notes_, *_metric_notes(tables), *_search_notes(tuning), *damage]
    card = {
        "created_at": now_utc(),
        "created_by": who,
        "workbench_version": __version__,
        "project": project.name,
        "training": {
            "rows": data.rows.height,
            "creatives": final.n_creatives_,
            "attributes_from": data.source,
            "data_hash": registry.data_hash(_model_columns(data.rows, final)),
            "first_day": str(data.rows.get_column("period_start").min()),
            "last_day": str(data.rows.get_column("period_end").max()),
            "warnings": [w.message for w in data.warnings],
        },
        "features": final.encoder_.spec.to_dict(),
        "parameters": {k: v for k, v in final.get_params().items() if k != "features"},
        "tuning": tuning,
        "evaluation": {
            "method": plan.description,
            "kind": plan.method,
            "folds": len(plan.folds),
            "test_weeks": test_weeks or project.config.scoring.test_weeks,
            "train_rows": int(np.mean([f.train.height for f in plan.folds])),
            "test_rows": int(np.mean([f.test.height for f in plan.folds])),
        },
        "metrics": metrics,
        "notes": notes,
        "promotion": decision,
    }
    outcome = TrainingOutcome(
        None,
        card,
        data,
        plan,
        tables,
        scored.per_fold,
        differences,
        calibration,
        importance,
        final,
        False,
        decision,
        previous,
        notes,
    )
    if not (register or promote):
        return outcome
    version = registry.save_model(project.models_dir, final, card)
    store = Store(project.state_db)
    store.record_event(
        "scoring.trained",
        {
            **project_models.trained_payload(project, version),
            "rows": data.rows.height,
            "evaluation": plan.description,
            "ctr_log_loss": metrics["ctr"]["model"].get("log_loss"),
        },
        who=who,
    )
    promoted = promote and better
    if promoted:
        registry.promote(project.models_dir, version, who, now_utc())
        store.record_decision("scoring", version, "promoted", who, decision)
    return replace(
        outcome,
        version=version,
        card=registry.read_card(project.models_dir, version),
        promoted=promoted,
    )


def _search_notes(tuning: dict[str, Any]) -> list[str]:
    found = tuning.get("search")
    if not found:
        return []
    chosen = ", ".join(f"{k}={v}" for k, v in found["chosen"].items())
    timed = " (stopped by the time box)" if found["stopped_by_time_box"] else ""
    return [
        f"search: {len(found['tried'])} settings tried{timed}; chosen {chosen}; {found['note']}"
    ]


def _metric_notes(tables: dict[str, pl.DataFrame]) -> list[str]:
    notes = []
    cvr = tables.get("cvr")
    if cvr is not None and cvr.height and cvr.get_column("log_loss").is_null().all():
        notes.append("CVR metrics are shown as —: the test data has no conversions")
    return notes


def _settings(scorer: CreativeScorer) -> dict[str, Any]:
    return scorer.get_params() | {"features": scorer.features or CREATIVE_FEATURES}


def _model_columns(rows: pl.DataFrame, scorer: CreativeScorer) -> pl.DataFrame:
    keep = [
        "creative_id",
        "period_start",
        "period_end",
        *scorer.encoder_.spec.columns,
        "impressions",
        "clicks",
        "conversions",
    ]
    return rows.select([c for c in dict.fromkeys(keep) if c in rows.columns])


def _ci(row: dict[str, Any]) -> str:
    return f"{row['difference']:+.3g} [95 % CI {row['ci_low']:+.3g}, {row['ci_high']:+.3g}]"


def _decide(
    paired: pl.DataFrame, previous: str | None, asked: bool, override: str | None
) -> tuple[str, bool]:
    """Whether the new model may be promoted, and the sentence that says why."""
    rows = {r["versus"]: r for r in paired.iter_rows(named=True)} if paired.height else {}
    baselines = {k: v for k, v in rows.items() if k != PROMOTED}
    if not baselines:
        return "not promoted: no baseline could be compared on CTR", False
    best = max(baselines.values(), key=lambda r: r["difference"])  # the smallest gain
    old = rows.get(PROMOTED)
    if not best["ci_high"] < 0:
        reason = (
            f"held-out CTR log loss vs {best['versus']}: {_ci(best)} does not exclude zero"
            if best["difference"] < 0
            else f"held-out CTR log loss vs {best['versus']}: {_ci(best)} — not better"
        )
    elif old is not None and old["ci_low"] > 0:
        reason = f"clearly worse than the promoted model's settings: {_ci(old)}"
    else:
        versus = f"; vs {previous}'s settings {_ci(old)}" if old is not None else ""
        reason = f"beats every baseline (vs {best['versus']} {_ci(best)}){versus}"
        return (f"promoted: {reason}" if asked else f"promotable (not asked): {reason}"), True
    if asked and override:
        return f"promoted by override ({override}); {reason}", True
    return f"not promoted: {reason}", False
