"""Train, evaluate, register and (when better and asked) promote a project's scoring model.

Evaluation uses a time split (train on the past, test on creatives launched in the last
TEST_WEEKS weeks) with the baselines beside the model; the registered model is then fitted
on all data. Promotion needs both: the model beats every baseline on held-out CTR log loss,
and it is no worse than the promoted model's settings refitted on the same split. The
fits run FIT_THREADS at a time (XGBoost releases the GIL while it trains).
"""

from __future__ import annotations

from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sklearn.base import clone

from creative_workbench import __version__
from creative_workbench.config import Project
from creative_workbench.pipeline.store import Store, current_user, now_utc
from creative_workbench.pipeline.training_data import TrainingData, load_training_data
from creative_workbench.scoring import registry
from creative_workbench.scoring.baselines import baseline_models
from creative_workbench.scoring.evaluation import (
    Split,
    calibration_table,
    evaluate_fitted,
    time_split,
)
from creative_workbench.scoring.explain import global_importance
from creative_workbench.scoring.features import CREATIVE_FEATURES, TARGETS, FeatureSpec
from creative_workbench.scoring.scorer import CreativeScorer

MODEL = "model (XGBoost)"
PROMOTED = "promoted model settings"
TOLERANCE = 1e-9
FIT_THREADS = 2


@dataclass
class TrainingOutcome:
    """Everything the training report shows."""

    version: str | None
    card: dict[str, Any]
    data: TrainingData
    split: Split
    comparison: dict[str, pl.DataFrame]
    calibration: pl.DataFrame
    importance: pl.DataFrame
    model: CreativeScorer
    promoted: bool
    decision: str
    previous: str | None
    notes: list[str] = field(default_factory=list)


def _metrics(table: pl.DataFrame) -> dict[str, Any]:
    rows = {
        r["model"]: {k: v for k, v in r.items() if k != "model"}
        for r in table.iter_rows(named=True)
    }
    baselines = [v["log_loss"] for k, v in rows.items() if k not in (MODEL, PROMOTED)]
    return {
        "model": rows.get(MODEL, {}),
        "baselines": {k: v for k, v in rows.items() if k not in (MODEL, PROMOTED)},
        "promoted_settings": rows.get(PROMOTED),
        "best_baseline_log_loss": min(baselines) if baselines else None,
    }


def evaluate(
    data: TrainingData,
    test_weeks: int,
    scorer: CreativeScorer,
    promoted: CreativeScorer | None = None,
    pool: Executor | None = None,
) -> tuple[Split, dict[str, pl.DataFrame], dict[str, Any]]:
    """Fit model, baselines (and the promoted settings) on the past; score the later weeks.
    POOL: an executor to fit them in (threads), else one after another."""
    split = time_split(data.rows, test_weeks)
    spec = scorer.features or CREATIVE_FEATURES
    models: dict[str, Any] = {MODEL: scorer, **baseline_models(spec.static)}
    same = promoted is not None and _settings(promoted) == _settings(scorer)
    if promoted is not None and not same:
        models[PROMOTED] = promoted
    if pool is None:
        fitted = {name: clone(model).fit(split.train) for name, model in models.items()}
    else:
        futures = {name: pool.submit(clone(m).fit, split.train) for name, m in models.items()}
        fitted = {name: future.result() for name, future in futures.items()}
    tables = {target: evaluate_fitted(fitted, split.test, target) for target in TARGETS}
    if same:  # the same settings on the same split: the same model, fitted and scored once
        fitted[PROMOTED] = fitted[MODEL]
        tables = {target: _repeat_as_promoted(table) for target, table in tables.items()}
    return split, tables, fitted


def _repeat_as_promoted(table: pl.DataFrame) -> pl.DataFrame:
    model_row = table.filter(pl.col("model") == MODEL)
    return pl.concat([table, model_row.with_columns(pl.lit(PROMOTED).alias("model"))])


def train_project(
    project: Project,
    *,
    promote: bool = False,
    test_weeks: int = 8,
    features: FeatureSpec | None = None,
    who: str | None = None,
    register: bool = True,
) -> TrainingOutcome:
    """Train and register a model for PROJECT; promote it when asked and when better.
    With REGISTER and PROMOTE both false nothing is saved (outcome.version is None)."""
    who = who or current_user()
    data = load_training_data(project)
    scorer = CreativeScorer(features=features)
    previous = registry.promoted_version(project.models_dir)
    previous_settings = None
    if previous is not None:
        loaded, _ = registry.load_model(project.models_dir, previous)
        previous_settings = clone(loaded)
    with ThreadPoolExecutor(FIT_THREADS) as pool:
        final_fit = pool.submit(clone(scorer).fit, data.rows)
        split, tables, fitted = evaluate(data, test_weeks, scorer, previous_settings, pool)
        final = final_fit.result()
    model_eval = fitted[MODEL]
    test_rate = model_eval.predict_rate(split.test, "ctr")
    calibration = calibration_table(
        test_rate,
        split.test.get_column("clicks").to_numpy(),
        split.test.get_column("impressions").to_numpy(),
    )
    importance = global_importance(final, data.rows)
    metrics = {target: _metrics(table) for target, table in tables.items()}
    decision, better = _decide(metrics["ctr"], previous, promote)
    card = {
        "created_at": now_utc(),
        "created_by": who,
        "workbench_version": __version__,
        "project": project.name,
        "training": {
            "rows": data.rows.height,
            "creatives": final.n_creatives_,
            "data_hash": registry.data_hash(_model_columns(data.rows, final)),
            "first_day": str(data.rows.get_column("period_start").min()),
            "last_day": str(data.rows.get_column("period_end").max()),
            "warnings": [w.message for w in data.warnings],
        },
        "features": final.encoder_.spec.to_dict(),
        "parameters": {k: v for k, v in final.get_params().items() if k != "features"},
        "evaluation": {
            "method": "time split, grouped by creative",
            "test_weeks": test_weeks,
            "cutoff": str(split.cutoff),
            "train_rows": split.train.height,
            "test_rows": split.test.height,
            "test_creatives": split.test.get_column("creative_id").n_unique(),
        },
        "metrics": metrics,
        "notes": final.notes_,
        "promotion": decision,
    }
    if not (register or promote):
        return TrainingOutcome(
            None,
            card,
            data,
            split,
            tables,
            calibration,
            importance,
            final,
            False,
            decision,
            previous,
            list(final.notes_),
        )
    version = registry.save_model(project.models_dir, final, card)
    store = Store(project.state_db)
    store.record_event(
        "scoring.trained",
        {
            "version": version,
            "rows": data.rows.height,
            "ctr_log_loss": metrics["ctr"]["model"].get("log_loss"),
        },
        who=who,
    )
    promoted = promote and better
    if promoted:
        registry.promote(project.models_dir, version, who, now_utc())
        store.record_decision("scoring", version, "promoted", who, decision)
    return TrainingOutcome(
        version,
        registry.read_card(project.models_dir, version),
        data,
        split,
        tables,
        calibration,
        importance,
        final,
        promoted,
        decision,
        previous,
        list(final.notes_),
    )


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


def _decide(ctr: dict[str, Any], previous: str | None, asked: bool) -> tuple[str, bool]:
    """Whether the new model is better, and the sentence that says why."""
    loss = ctr["model"].get("log_loss")
    best = ctr["best_baseline_log_loss"]
    if loss is None or best is None or loss >= best:
        return (
            f"not promoted: held-out CTR log loss {loss:.6f} does not beat the best "
            f"baseline ({best:.6f})",
            False,
        )
    old = (ctr.get("promoted_settings") or {}).get("log_loss")
    if old is not None and loss > old + TOLERANCE:
        return (
            f"not promoted: held-out CTR log loss {loss:.6f} is worse than the promoted "
            f"model's settings on the same split ({old:.6f})",
            False,
        )
    versus = f" and matches or beats {previous} ({old:.6f})" if old is not None else ""
    reason = f"beats every baseline ({loss:.6f} < {best:.6f}){versus}"
    return (f"promoted: {reason}" if asked else f"promotable (not asked): {reason}"), True
