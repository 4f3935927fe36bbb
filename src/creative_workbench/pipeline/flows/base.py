"""The one shape every stage's flow has: declared inputs and outputs, a typed parameters
model (the single source of its defaults), a run recorded in state.db, a result object.

A flow composes stage packages (research, qa, scoring, concepts); figure modules and
notebooks only display its result. Every run is a row in `flow_runs` (the stage-state
table) plus `flow.started` / `flow.finished` / `flow.failed` events, so orchestration and
the timeline can see what ran, for whom, how long and how it ended.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict, ValidationError

from creative_workbench.config import Project, describe_validation_error
from creative_workbench.errors import WorkbenchError
from creative_workbench.pipeline.store import Store, current_user, now_utc

STAGES = ("research", "concepts", "production", "qa", "delivery", "scoring")


class FlowParams(BaseModel):
    """Base of every flow's parameters: strict, immutable, defaults declared once here."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


@runtime_checkable
class FlowResult(Protocol):
    """What a flow returns: anything with a JSON-able one-line summary for its event."""

    def summary_record(self) -> Mapping[str, Any]: ...


P = TypeVar("P", bound=FlowParams)
R = TypeVar("R")


class FlowParamsError(WorkbenchError):
    """A flow got a parameter it does not take, or a bad value."""


@dataclass(frozen=True)
class Flow(Generic[P, R]):
    """A stage's flow: what it reads and writes (project-relative), its parameters and body.

    `reads`/`writes` name folders (`raw/ads/`), files (`concepts/briefs.parquet`) or
    state.db tables (`state.db:qa_results`); orchestration uses them to see what is stale.
    """

    name: str
    stage: str
    summary: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    params: type[P]
    body: Callable[[Project, P], R]

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"flow {self.name}: unknown stage {self.stage!r}")

    def parameters(self, values: Mapping[str, Any] | P | None = None, **more: Any) -> P:
        """VALUES (a mapping, a params object or keywords) validated by the flow's model."""
        if isinstance(values, self.params) and not more:
            return values
        if isinstance(values, BaseModel):  # e.g. a report's parameters: take the flow's own
            values = {k: v for k, v in values if k in self.params.model_fields}
        given = {**(values or {}), **more}
        try:
            return self.params.model_validate(given)
        except ValidationError as exc:
            raise FlowParamsError(f"{self.name}: {describe_validation_error(exc)}") from None

    def run(
        self,
        project: Project,
        values: Mapping[str, Any] | P | None = None,
        *,
        record: bool = True,
        on_progress: Callable[[Any], None] | None = None,
        **more: Any,
    ) -> R:
        """Run the flow on PROJECT; with RECORD, its start and end go to state.db.

        ON_PROGRESS, when given, receives whatever the flow reports as it goes (e.g. each
        file's QA result) through `report_progress`."""
        params = self.parameters(values, **more)
        token = _PROGRESS.set(on_progress)
        try:
            if not record:
                return self.body(project, params)
            store = Store(project.state_db)
            run_id = start_run(store, self, params)
            began = time.perf_counter()
            try:
                result = self.body(project, params)
            except BaseException as exc:
                finish_run(store, self, run_id, began, error=exc)
                raise
            finish_run(store, self, run_id, began, result=result)
            return result
        finally:
            _PROGRESS.reset(token)


_PROGRESS: ContextVar[Callable[[Any], None] | None] = ContextVar("flow_progress", default=None)


def report_progress(item: Any) -> None:
    """Hand ITEM to the running flow's progress callback, if its caller gave one."""
    callback = _PROGRESS.get()
    if callback is not None:
        callback(item)


def start_run(store: Store, flow: Flow[Any, Any], params: FlowParams) -> str:
    """Insert a `running` row in flow_runs and a `flow.started` event; returns the run id."""
    run_id = uuid.uuid4().hex[:12]
    who, at = current_user(), now_utc()
    payload = {"run_id": run_id, "flow": flow.name, "stage": flow.stage}
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO flow_runs (run_id, flow, stage, who, started_at, status, params)"
            " VALUES (?, ?, ?, ?, ?, 'running', ?)",
            (run_id, flow.name, flow.stage, who, at, params.model_dump_json()),
        )
        conn.execute(
            "INSERT INTO events (at, who, what, payload) VALUES (?, ?, 'flow.started', ?)",
            (at, who, json.dumps(payload)),
        )
    return run_id


def finish_run(
    store: Store,
    flow: Flow[Any, Any],
    run_id: str,
    began: float,
    *,
    result: object = None,
    error: BaseException | None = None,
) -> None:
    """Close RUN_ID as done (with the result's summary) or failed (with the error's line)."""
    status = "failed" if error is not None else "done"
    summary = result.summary_record() if isinstance(result, FlowResult) else {}
    message = f"{type(error).__name__}: {error}" if error is not None else ""
    seconds = round(time.perf_counter() - began, 3)
    who, at = current_user(), now_utc()
    payload = {"run_id": run_id, "flow": flow.name, "stage": flow.stage, "seconds": seconds}
    payload |= {"error": message} if error is not None else {"summary": dict(summary)}
    with store.transaction() as conn:
        conn.execute(
            "UPDATE flow_runs SET finished_at = ?, seconds = ?, status = ?, summary = ?,"
            " error = ? WHERE run_id = ?",
            (at, seconds, status, json.dumps(dict(summary), default=str), message, run_id),
        )
        conn.execute(
            "INSERT INTO events (at, who, what, payload) VALUES (?, ?, ?, ?)",
            (
                at,
                who,
                f"flow.{'failed' if error is not None else 'finished'}",
                json.dumps(payload, default=str),
            ),
        )
