"""Flow `concepts.import`: bring generated images into the project and prefilter them.

Reads a folder of PNG/JPEG/WebP generations, copies each new file (by SHA-256) into
concepts/generations/, links it to its brief from the tool's metadata or its file name,
measures and judges it (concepts.prefilter; the brand palette through the QA gate's own
ΔE2000 function in creative_workbench.colour; text through the QA gate's OCR engine), and
writes concepts/candidates.parquet atomically. Human restores of auto-discarded candidates
are decisions in state.db (`restore`), applied again on every import.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from pydantic import Field

from creative_workbench.concepts.settings import PrefilterSettings
from creative_workbench.config import Project
from creative_workbench.errors import DataError, WorkbenchError
from creative_workbench.pipeline.flows.base import Flow, FlowParams
from creative_workbench.pipeline.store import Store, now_utc

if TYPE_CHECKING:  # the image libraries load when the flow runs, not when flows are listed
    import numpy as np

    from creative_workbench.concepts.generations import Generation, Limits
    from creative_workbench.concepts.prefilter import Measures

BRIEFS_FILE = "concepts/briefs.parquet"
GENERATIONS_FOLDER = "raw/generations"
CANDIDATES_FILE = "concepts/candidates.parquet"
RESTORE = "restore"


class ConceptImportParams(FlowParams):
    """Parameters of `concepts.import` (every default lives here or in PrefilterSettings)."""

    folder: Path | None = Field(None, description=f"None: PROJECT/{GENERATIONS_FOLDER}")
    executor: str = Field("process", description="process, thread or dask://HOST:PORT")
    workers: int | None = Field(None, ge=1, description="None: one per core")
    ocr: bool = Field(True, description="read text where the prompt asks for words")
    prefilter: PrefilterSettings = Field(default_factory=PrefilterSettings)


@dataclass
class ImportResult:
    """What one import did: new candidates, links, discards, and the files it could not use."""

    candidates: pl.DataFrame
    imported: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    briefs_found: bool = True

    @property
    def new_rows(self) -> pl.DataFrame:
        return self.candidates.filter(pl.col("candidate_id").is_in(self.imported))

    def linked_by_source(self) -> dict[str, int]:
        linked = self.new_rows.filter(pl.col("brief_id").is_not_null())
        return dict(Counter(linked["link_source"].to_list()))

    def unlinked(self) -> list[tuple[str, str]]:
        rows = self.new_rows.filter(pl.col("brief_id").is_null())
        return list(zip(rows["source_name"], rows["link_note"], strict=True))

    def discarded_by_reason(self) -> dict[str, int]:
        """Auto-discarded candidates of the whole table by failed check (one row may count
        under several)."""
        rows = self.candidates.filter(pl.col("auto_discarded"))
        return dict(Counter(flag for flags in rows["flags"].to_list() for flag in flags))

    def summary_record(self) -> dict[str, object]:
        return {
            "imported": len(self.imported),
            "already_imported": len(self.already),
            "linked": self.linked_by_source(),
            "unlinked": len(self.unlinked()),
            "auto_discarded": int(self.candidates["auto_discarded"].sum()),
            "discarded_by_reason": self.discarded_by_reason(),
            "problems": len(self.problems),
            "candidates": self.candidates.height,
        }


@dataclass(frozen=True)
class Analysed:
    """A worker's answer for one new file: the generation (no pixels), copy, measures."""

    generation: Generation
    file: str
    measures: Measures


def analyse_file(
    path: Path, settings: PrefilterSettings, palette: tuple[str, ...], tolerance: float, dest: Path
) -> Analysed:
    """Decode, copy into DEST (concepts/) and measure one file (a worker task)."""
    import cv2
    import numpy as np

    from creative_workbench.concepts.generations import (
        GenerationProblem,
        Limits,
        read_bytes,
        read_generation,
        store_copy,
    )
    from creative_workbench.concepts.prefilter import expected_text, measure

    limits = Limits(settings.max_pixels, round(settings.max_file_mb * 1e6))
    data = read_bytes(path, limits)
    generation = read_generation(path, limits, settings.analysis_side, data)
    try:
        measures = measure(generation.rgb, palette, tolerance)
    except (cv2.error, ValueError) as exc:
        raise GenerationProblem(f"{path.name}: cannot analyse the image ({exc})") from None
    file = store_copy(generation, data, dest)
    keep = bool(expected_text(generation.embedded.prompt))  # pixels travel only for OCR
    pixels = generation.rgb if keep else np.zeros((0, 0, 3), np.uint8)
    return Analysed(replace(generation, rgb=pixels), file, measures)


def read_briefs(project: Project) -> pl.DataFrame | None:
    """concepts/briefs.parquet, or None when there is none yet."""
    path = project.root / BRIEFS_FILE
    if not path.is_file():
        return None
    try:
        return pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise DataError(f"{path}: unreadable briefs table ({exc}); rebuild the briefs") from None


def restored_ids(project: Project) -> dict[str, str]:
    """Candidate id -> who restored it, from state.db's decisions (the latest stands)."""
    rows = Store(project.state_db).query(
        "SELECT subject, who FROM decisions WHERE stage = 'concepts' AND decision = ? ORDER BY id",
        (RESTORE,),
    )
    return dict(rows.iter_rows()) if rows.height else {}


def _ocr_reader() -> Callable[[np.ndarray], str]:
    from creative_workbench.qa.ocr import read_text  # the QA gate's engine, loaded on use

    return lambda rgb: " ".join(box.text for box in read_text(rgb))


def _new_files(
    paths: list[Path], known: set[str], limits: Limits, result: ImportResult
) -> list[Path]:
    """Files whose bytes are not imported yet (read errors become problems)."""
    from creative_workbench.concepts.generations import GenerationProblem, read_bytes, sha256_of

    fresh: list[Path] = []
    for path in paths:
        try:
            sha = sha256_of(read_bytes(path, limits))
        except GenerationProblem as exc:
            result.problems.append(str(exc))
            continue
        if sha in known:
            result.already.append(path.name)
        else:
            known.add(sha)
            fresh.append(path)
    return fresh


def import_generations(project: Project, params: ConceptImportParams) -> ImportResult:
    """Body of `concepts.import` (see the module docstring)."""
    from creative_workbench.concepts.candidates import (
        assess,
        brief_targets,
        candidate_row,
        finalise,
        project_target,
        read_candidates,
    )
    from creative_workbench.concepts.generations import GenerationProblem, Limits, image_files
    from creative_workbench.concepts.linking import BriefIndex, link_image
    from creative_workbench.concepts.prefilter import expected_text
    from creative_workbench.pipeline.executors import open_executor

    folder = Path(params.folder or project.root / GENERATIONS_FOLDER).expanduser()
    if not folder.is_dir():
        raise WorkbenchError(f"{folder}: no such folder; name the folder of generated images")
    settings = params.prefilter
    tolerance = settings.palette_delta_e or project.config.thresholds.palette_delta_e
    palette = tuple(project.brand.palette.values())
    briefs = read_briefs(project)
    briefs = briefs if briefs is not None else pl.DataFrame({"brief_id": []}, {"brief_id": pl.Utf8})
    out = project.root / CANDIDATES_FILE
    existing = read_candidates(out)
    result = ImportResult(existing, briefs_found=not briefs.is_empty())
    images, others = image_files(folder)
    result.ignored = [p.name for p in others]
    limits = Limits(settings.max_pixels, round(settings.max_file_mb * 1e6))
    fresh = _new_files(images, set(existing["sha256"].to_list()), limits, result)
    analysed: list[Analysed] = []
    with open_executor(params.executor, params.workers) as pool:
        futures = [
            pool.submit(analyse_file, p, settings, palette, tolerance, project.concepts_dir)
            for p in fresh
        ]
        for future in futures:
            try:
                analysed.append(future.result())
            except GenerationProblem as exc:
                result.problems.append(str(exc))
    index, targets = BriefIndex.from_table(briefs), brief_targets(briefs)
    fallback = project_target(project.config.placements)
    read = _ocr_reader() if params.ocr else None
    at, rows = now_utc(), []
    for item in analysed:
        generation = item.generation
        link = link_image(
            generation.embedded, generation.source.stem, index, settings.prompt_min_overlap
        )
        expected = expected_text(generation.embedded.prompt)
        found = read(generation.rgb) if read and expected and generation.rgb.size else None
        target = targets.get(link.brief_id or "", fallback)
        size = (generation.width, generation.height)
        verdict = assess(size, item.measures, target, tolerance, settings, expected, found)
        rows.append(candidate_row(generation, item.file, at, link, item.measures, verdict, found))
        result.imported.append(generation.candidate_id)
    combined = (
        pl.concat([existing, pl.DataFrame(rows, schema=existing.schema)]) if rows else existing
    )
    result.candidates = finalise(combined, settings, restored_ids(project))
    _write(out, result.candidates)
    return result


def _write(path: Path, table: pl.DataFrame) -> None:
    from creative_workbench.atomic import atomic_write_bytes

    buffer = io.BytesIO()
    table.write_parquet(buffer)
    atomic_write_bytes(path, buffer.getvalue())


def restore(project: Project, candidate_id: str, by: str, reason: str) -> pl.DataFrame:
    """A reviewer puts an auto-discarded candidate back: a concept decision (the same role
    rules as approving), and the candidates table updated."""
    from creative_workbench.concepts.candidates import read_candidates
    from creative_workbench.pipeline.concept_decisions import ConceptReview, authorise

    authorise(project, by)  # an unknown or unauthorised reviewer is refused first

    path = project.root / CANDIDATES_FILE
    table = read_candidates(path)
    row = table.filter(pl.col("candidate_id") == candidate_id)
    if row.is_empty():
        raise WorkbenchError(f"unknown candidate {candidate_id!r} in {path}")
    if not row["auto_discarded"][0]:
        raise WorkbenchError(f"candidate {candidate_id} is not auto-discarded; nothing to restore")
    ConceptReview(project).decide(candidate_id, RESTORE, by, reason)  # who may, recorded
    chosen = pl.col("candidate_id") == candidate_id
    updated = table.with_columns(
        pl.when(chosen).then(pl.lit(by)).otherwise(pl.col("restored_by")).alias("restored_by"),
        pl.when(chosen).then(False).otherwise(pl.col("auto_discarded")).alias("auto_discarded"),
    )
    _write(path, updated)
    return updated


IMPORT_FLOW = Flow(
    name="concepts.import",
    stage="concepts",
    summary="Import generated images, link them to briefs and prefilter them.",
    reads=(f"{GENERATIONS_FOLDER}/", BRIEFS_FILE, CANDIDATES_FILE, "state.db:decisions"),
    writes=(CANDIDATES_FILE, "concepts/generations/"),
    params=ConceptImportParams,
    body=import_generations,
)
FLOWS = (IMPORT_FLOW,)
