"""What `workbench tick` runs for each stage once it is ready: flows, reports, folders.

research: the competitive_analysis report (it runs the `research` flow); concepts: the
`concepts.briefs` flow when one is registered (else concepts are made by hand and go straight
to the creative lead); production: the production folder; qa: the qa_report (it runs the
`qa` flow); delivery: the delivery package; scoring: the performance_forecast report (the
`scoring.forecast` flow). Without reports (`--no-reports`) the flows run alone. Optional parts
(flows, delivery, notifications) are looked up by name, so a workspace without them still
moves: the stage simply waits, and `workbench status` says why.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from creative_workbench.config import Project, Workspace
from creative_workbench.errors import WorkbenchError

log = logging.getLogger(__name__)

DELIVERY_MODULE = "creative_workbench.pipeline.delivery"
NOTIFY_MODULE = "creative_workbench.pipeline.notify"


class TickSettings(BaseModel):
    """How a tick behaves; every default is declared here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reports: bool = True  # run the stage's report after its flow (research, qa)
    notify: bool = True  # tell people when a decision is needed or a stage fails
    retry_failed: bool = False  # re-run failed stages whose inputs did not change
    max_passes: int = 12  # moves per tick are bounded (each stage moves a few times at most)


FLOWS: dict[str, str] = {
    "research": "research",
    "concepts": "concepts.briefs",
    "qa": "qa",
    "scoring": "scoring.forecast",
}
# A stage's report runs its flow inside the notebook (recorded in flow_runs like any run),
# so with reports on, the report *is* the stage's run: the flow never runs twice.
REPORTS: dict[str, str] = {
    "research": "competitive_analysis",
    "qa": "qa_report",
    "scoring": "performance_forecast",
}


@dataclass(frozen=True)
class Outcome:
    """How a stage's work ended: the TRIGGER to record and a JSON-able SUMMARY."""

    trigger: str = "finish"
    summary: Mapping[str, Any] = field(default_factory=dict)


Work = Callable[[Project, TickSettings, Mapping[str, Any]], Outcome]


def module_available(name: str) -> bool:
    """Whether module NAME can be imported (an optional part is installed)."""
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:
        return False


def flow_available(name: str) -> bool:
    """Whether a flow called NAME is registered (and its module imports)."""
    from creative_workbench.pipeline.flows import get_flow

    try:
        get_flow(name)
    except (WorkbenchError, ImportError) as exc:
        log.debug("flow %s unavailable: %s", name, exc)
        return False
    return True


def workspace_of(project: Project) -> Workspace:
    """The workspace holding PROJECT (its folder is ROOT/data/projects/NAME)."""
    return Workspace(project.root.parent.parent.parent)


def _flow_summary(stage: str, project: Project, settings: TickSettings) -> dict[str, Any]:
    """Run STAGE's report (which runs its flow) or, without reports, the flow alone."""
    name = FLOWS[stage]
    if settings.reports and stage in REPORTS:
        from creative_workbench.pipeline.runner import run_report

        html = run_report(REPORTS[stage], project.name, workspace=workspace_of(project))
        return {"flow": name, "report": REPORTS[stage], "html": str(html)}
    from creative_workbench.pipeline.flows import get_flow

    result = get_flow(name).run(project)
    record = getattr(result, "summary_record", None)
    return {"flow": name, "result": dict(record()) if callable(record) else {}}


def research_work(project: Project, settings: TickSettings, context: Mapping[str, Any]) -> Outcome:
    """Re-ingest and label the raw ads (research flow), then the competitive analysis."""
    return Outcome("finish", _flow_summary("research", project, settings))


def concepts_work(project: Project, settings: TickSettings, context: Mapping[str, Any]) -> Outcome:
    """Briefs (and cards) from the signed-off research, for the creative lead to approve."""
    return Outcome("finish", _flow_summary("concepts", project, settings))


def production_work(
    project: Project, settings: TickSettings, context: Mapping[str, Any]
) -> Outcome:
    """The production folder with the approved briefs."""
    from creative_workbench.pipeline.production import write_production

    written = write_production(
        project, str(context.get("approved_by", "")), str(context.get("approved_at", ""))
    )
    return Outcome("finish", written.summary_record())


def qa_work(project: Project, settings: TickSettings, context: Mapping[str, Any]) -> Outcome:
    """The QA gate over deliverables/ and its report; passed unless findings stay open."""
    from creative_workbench.pipeline.checkpoints import open_qa_findings

    summary = _flow_summary("qa", project, settings)
    still_open = open_qa_findings(project)
    summary["open_findings"] = [f.name for f in still_open]
    return Outcome("finish" if still_open else "passed", summary)


def delivery_work(project: Project, settings: TickSettings, context: Mapping[str, Any]) -> Outcome:
    """The delivery package, signed off by the senior reviewer."""
    build = importlib.import_module(DELIVERY_MODULE).build_delivery
    path = build(project, str(context.get("approved_by", "")))
    if path is None:
        raise WorkbenchError(
            f"project {project.name}: no deliverable passed QA (or has a waiver) to deliver"
        )
    return Outcome("finish", {"package": str(path)})


def scoring_work(project: Project, settings: TickSettings, context: Mapping[str, Any]) -> Outcome:
    """This week's forecast with the promoted model (the `scoring.forecast` flow)."""
    return Outcome("finish", _flow_summary("scoring", project, settings))


WORK: dict[str, Work] = {
    "research": research_work,
    "concepts": concepts_work,
    "production": production_work,
    "qa": qa_work,
    "delivery": delivery_work,
    "scoring": scoring_work,
}


def work_for(stage: str, flows: Callable[[str], bool] = flow_available) -> Work | None:
    """What STAGE runs, or None when the part it needs is not installed or registered."""
    if stage in FLOWS and not flows(FLOWS[stage]):
        return None
    if stage == "delivery" and not module_available(DELIVERY_MODULE):
        return None
    return WORK[stage]


def notify(project: Project, subject: str, body: str, kind: str) -> bool:
    """Send a notification if the notify module is installed; never raises (a channel that
    is down must not stop the stage). Returns whether it was handed over."""
    if not module_available(NOTIFY_MODULE):
        log.info("no notifier installed; not sent: %s", subject)
        return False
    try:
        importlib.import_module(NOTIFY_MODULE).notify(project, subject, body, kind)
    except Exception as exc:  # a notifier's failure is logged, never fatal
        log.warning("notification %r not sent: %s: %s", subject, type(exc).__name__, exc)
        return False
    return True
