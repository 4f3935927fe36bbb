"""Run the QA gate over files and folders in parallel and record the results in state.db."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from creative_workbench.config import Project, QAThresholds
from creative_workbench.errors import WorkbenchError
from creative_workbench.hashing import file_sha256
from creative_workbench.media_files import is_media
from creative_workbench.pipeline.executors import open_executor
from creative_workbench.pipeline.store import Store, now_utc
from creative_workbench.qa.context import GateResult, context_for
from creative_workbench.qa.findings import blocks, findings_frame
from creative_workbench.qa.sandbox import check_isolated, close_all, worker_plan


@dataclass(frozen=True)
class QARun:
    """One gate run: its id, the per-file results and the findings table."""

    run_id: str
    results: list[GateResult]
    findings: pl.DataFrame

    def failed(self, strict: bool = False) -> bool:
        """True when any file failed (or, with STRICT, warned)."""
        return any(blocks(r.severity, strict) for r in self.results)

    def summary_record(self) -> dict[str, object]:
        """Counts for the flow's event: files per verdict and the run id."""
        counts = {s: sum(r.severity == s for r in self.results) for s in ("pass", "warn", "fail")}
        return {"run_id": self.run_id, "files": len(self.results), **counts}

    def summary(self) -> pl.DataFrame:
        """One row per file: name, placement, verdict, fail/warn counts, seconds."""
        rows = [
            {
                "file": Path(r.file).name,
                "placement": r.placement or "",
                "verdict": r.severity,
                "fails": sum(f.severity == "fail" for f in r.findings),
                "warnings": sum(f.severity == "warn" for f in r.findings),
                "seconds": r.seconds,
            }
            for r in self.results
        ]
        schema = {
            "file": pl.Utf8,
            "placement": pl.Utf8,
            "verdict": pl.Utf8,
            "fails": pl.Int64,
            "warnings": pl.Int64,
            "seconds": pl.Float64,
        }
        return pl.DataFrame(rows, schema=schema)


def collect_files(paths: Sequence[Path | str]) -> list[Path]:
    """Files named directly plus media files inside named folders (recursively), sorted."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and is_media(p))
        elif path.is_file():
            files.append(path)
        else:
            raise WorkbenchError(f"{path}: no such file or folder; name deliverables to check")
    unique = list(dict.fromkeys(p.resolve() for p in files))
    if not unique:
        raise WorkbenchError(f"no media files found in {', '.join(map(str, paths))}")
    return unique


def sha256_of(path: Path) -> str | None:
    """Hex SHA-256 of a file (None when unreadable)."""
    try:
        return file_sha256(path)
    except OSError:
        return None


def run_qa(
    project: Project | None,
    paths: Sequence[Path | str],
    *,
    placement: str | None = None,
    executor: str | None = None,
    workers: int | None = None,
    on_result: Callable[[GateResult], None] | None = None,
    keep_media: bool = True,
    record: bool = True,
) -> QARun:
    """Check every file under PATHS (default: the project's deliverables/); record the run."""
    if not paths and project is not None:
        paths = [project.deliverables_dir]
    files = collect_files(paths)
    contexts = {f: context_for(f, project, placement, keep_media).to_dict() for f in files}
    limit = (project.config.thresholds if project else QAThresholds()).per_file_time_limit_s
    results: dict[Path, GateResult] = {}
    count, threads = worker_plan(workers, len(files))
    # The checks run in checker children (qa.sandbox): local workers only wait on them.
    try:
        with open_executor(executor or "thread", count) as pool:
            futures = {
                pool.submit(check_isolated, str(f), contexts[f], limit, threads): f for f in files
            }
            for future in as_completed(futures):
                result = GateResult.from_dict(future.result())
                results[futures[future]] = result
                if on_result is not None:
                    on_result(result)
    finally:
        close_all()  # this batch's checker children (thread workers' ones live here)
    ordered = [results[f] for f in files]
    table = findings_frame((r.file, f) for r in ordered for f in r.findings)
    # Every row is a Finding, whose check id and severity were validated when it was built
    # (findings_frame matches FindingsSchema: tests/unit/qa/test_gate.py); loading pandera
    # here would cost each `workbench qa` call ~2 s of CPU.
    run = QARun(uuid.uuid4().hex[:12], ordered, table)
    if record and project is not None:
        store_run(project, run)
    return run


def store_run(project: Project, run: QARun) -> None:
    """Insert the run's findings into qa_results and log a qa.run event."""
    store = Store(project.state_db)
    at = now_utc()
    rows = []
    for result in run.results:
        digest = sha256_of(Path(result.file))
        rows += [
            {
                "run_id": run.run_id,
                "at": at,
                "file": result.file,
                "sha256": digest,
                "placement": result.placement,
                **f.to_dict(),
            }
            for f in result.findings
        ]
    store.insert_rows("qa_results", rows)
    store.record_event("qa.run", run.summary_record())
