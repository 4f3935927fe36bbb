"""QA flow: gate deliverables against their placement and brand, record every finding."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from creative_workbench.pipeline.flows.base import Flow, FlowParams, report_progress

if TYPE_CHECKING:
    from creative_workbench.config import Project
    from creative_workbench.pipeline.qa_run import QARun


class QAParams(FlowParams):
    """Which deliverables to check and how strictly (warnings block only when strict)."""

    paths: list[str] = Field(default_factory=list, description="default: deliverables/")
    placement: str | None = None
    strict: bool = False
    executor: str | None = Field(None, description="thread, process or dask://HOST:PORT")
    workers: int | None = Field(None, ge=1)


def gate(project: Project, params: QAParams) -> QARun:
    """Check every file (each result goes to the caller's progress as it finishes)."""
    from creative_workbench.pipeline.qa_run import run_qa

    return run_qa(
        project,
        params.paths,
        placement=params.placement,
        executor=params.executor,
        workers=params.workers,
        on_result=report_progress,
    )


QA = Flow(
    name="qa",
    stage="qa",
    summary="Check deliverables against placement specs and the brand guide.",
    reads=("project.toml", "_brand.yml", "brand/", "deliverables/"),
    writes=("state.db:qa_results",),
    params=QAParams,
    body=gate,
)
FLOWS = (QA,)
