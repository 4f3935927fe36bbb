"""Run registered report notebooks with papermill and export them as offline HTML."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import nbformat

from creative_workbench.atomic import atomic_write_files, remove_stale_temps
from creative_workbench.config import Workspace, load_project
from creative_workbench.errors import ReportError, WorkbenchError
from creative_workbench.pipeline.executors import open_executor
from creative_workbench.pipeline.registry import REPORTS, get_report
from creative_workbench.pipeline.store import Store
from creative_workbench.reports.html_export import notebook_to_html
from creative_workbench.reports.notebook import HEADLESS_ENV

KERNEL_NAME = "creative-workbench"
# Reports that read the brand guide: a missing guide or logo stops them before they run.
BRAND_REPORTS = frozenset({"project_overview", "qa_report"})


class ReportFailedError(ReportError):
    """A report notebook raised while executing; exit code 1, like a failed check."""

    exit_code = 1


@dataclass(frozen=True)
class ReportJob:
    """One report to run on one project."""

    report: str
    project: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class ReportResult:
    """Where a finished report landed, or why it failed."""

    report: str
    project: str
    html: Path | None
    seconds: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def ensure_kernel() -> str:
    """Install this environment's kernelspec (into sys.prefix) if it is missing."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(kernel_name=KERNEL_NAME, display_name="Creative Workbench", prefix=sys.prefix)
    return KERNEL_NAME


def headless_kernel_manager() -> type:
    """A kernel manager whose kernels start with HEADLESS_ENV set in their own environment
    (never in this process's, which threads of `--executor thread` share)."""
    from jupyter_client.manager import AsyncKernelManager

    class HeadlessKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw: Any) -> None:
            env = {**(kw.pop("env", None) or os.environ), HEADLESS_ENV: "1"}
            await super().start_kernel(env=env, **kw)

    return HeadlessKernelManager


def report_dir(workspace: Workspace, project: str, day: date | None = None) -> Path:
    """reports/PROJECT/YYYY-MM-DD/ for DAY (default today)."""
    return workspace.reports_dir / project / (day or date.today()).isoformat()


def run_report(
    report: str,
    project: str,
    params: Mapping[str, Any] | None = None,
    workspace: Workspace | None = None,
    day: date | None = None,
) -> Path:
    """Execute one report on PROJECT; returns the HTML path. Nothing is written on failure."""
    workspace = workspace or Workspace.discover()
    spec = get_report(report)
    values = spec.validate({**dict(params or {}), "project": project})
    loaded = load_project(project, workspace)
    if report in BRAND_REPORTS:
        loaded.brand  # noqa: B018 - raises ConfigError before the notebook runs
    out_dir = report_dir(workspace, project, day)
    remove_stale_temps(workspace.reports_dir / project)  # left by a killed earlier run
    remove_stale_temps(loaded.cache_dir)
    store = Store(loaded.state_db)
    started = time.perf_counter()
    parameters = {**values.model_dump(mode="json"), "workspace": str(workspace.root)}
    try:
        executed = _execute(spec.notebook_path, parameters, workspace.root)
    except ReportFailedError as exc:
        store.record_event("report.failed", {"report": report, "error": str(exc)})
        raise
    title = f"{spec.title} — {loaded.config.client} ({project})"
    footer = f"{spec.title} · project {project} · generated {time.strftime('%Y-%m-%d %H:%M')}"
    html_text = notebook_to_html(executed, title, footer)
    html_path = out_dir / f"{report}.html"
    atomic_write_files(
        {
            out_dir / f"{report}.ipynb": nbformat.writes(executed).encode("utf-8"),
            html_path: html_text.encode("utf-8"),
        }
    )
    seconds = round(time.perf_counter() - started, 2)
    store.record_event(
        "report.run",
        {"report": report, "params": parameters, "html": str(html_path), "seconds": seconds},
    )
    return html_path


def _execute(notebook: Path, parameters: dict[str, Any], cwd: Path) -> nbformat.NotebookNode:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    if not notebook.is_file():
        raise ReportError(f"{notebook}: report notebook is missing")
    kernel = ensure_kernel()
    try:
        return papermill.execute_notebook(
            str(notebook),
            None,
            parameters=parameters,
            kernel_name=kernel,
            language="python",
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            kernel_manager_class=headless_kernel_manager(),
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except PapermillExecutionError as exc:
        evalue = " ".join(str(exc.evalue).split())
        raise ReportFailedError(
            f"{notebook.name}: cell {exc.exec_count} failed: {exc.ename}: {evalue}"
        ) from None


def _run_job(job: ReportJob, root: str, day: date | None) -> ReportResult:
    started = time.perf_counter()
    try:
        path = run_report(job.report, job.project, job.params, Workspace(Path(root)), day)
    except WorkbenchError as exc:
        return ReportResult(job.report, job.project, None, time.perf_counter() - started, str(exc))
    except Exception as exc:  # an unexpected bug still reports in one line per job
        message = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        return ReportResult(job.report, job.project, None, time.perf_counter() - started, message)
    return ReportResult(job.report, job.project, path, time.perf_counter() - started)


def plan_jobs(
    reports: Sequence[str], projects: Sequence[str], params: Mapping[str, Any] | None = None
) -> list[ReportJob]:
    """Jobs for every report × project; parameters are validated before anything runs."""
    names = list(reports) or list(REPORTS)
    jobs = []
    for project in projects:
        for name in names:
            spec = get_report(name)
            own = {k: v for k, v in (params or {}).items() if k in spec.params.model_fields}
            spec.validate({**own, "project": project})
            jobs.append(ReportJob(name, project, own))
    return jobs


def check_jobs(jobs: Sequence[ReportJob], workspace: Workspace) -> None:
    """Load every job's project (and its brand guide when the report needs it): a config
    error is raised before anything runs."""
    for project in dict.fromkeys(job.project for job in jobs):
        loaded = load_project(project, workspace)
        if any(j.report in BRAND_REPORTS for j in jobs if j.project == project):
            loaded.brand  # noqa: B018 - raises ConfigError for a missing guide or logo


def run_jobs(
    jobs: Sequence[ReportJob],
    workspace: Workspace | None = None,
    executor: str | None = None,
    max_workers: int | None = None,
    on_done: Callable[[ReportResult], None] | None = None,
    day: date | None = None,
) -> list[ReportResult]:
    """Run JOBS in parallel through an executor; failures are returned, not raised."""
    workspace = workspace or Workspace.discover()
    check_jobs(jobs, workspace)
    ensure_kernel()
    results: list[ReportResult] = []
    with open_executor(executor, max_workers) as pool:
        futures = [pool.submit(_run_job, job, str(workspace.root), day) for job in jobs]
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            if on_done:
                on_done(result)
    order = {(j.report, j.project): i for i, j in enumerate(jobs)}
    return sorted(results, key=lambda r: order[(r.report, r.project)])
