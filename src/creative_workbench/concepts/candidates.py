"""The candidates table: one row per imported image, judged against its brief's placement.

`assess` runs the prefilter's checks for one image; `candidate_row` turns it into a row;
`finalise` clusters near-duplicates over the whole table (keeping each cluster's best),
marks what falls below the threshold as auto-discarded, and applies human restores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from creative_workbench.concepts.generations import Generation
from creative_workbench.concepts.linking import Link
from creative_workbench.concepts.prefilter import (
    Measures,
    Verdict,
    aspect_name,
    check_aspect,
    check_palette,
    check_resolution,
    check_sharpness_exposure,
    check_text,
    near_duplicate_clusters,
    quality_factor,
)
from creative_workbench.concepts.schemas_candidates import (
    POLARS_SCHEMA,
    CandidatesSchema,
    empty_candidates,
)
from creative_workbench.concepts.settings import PrefilterSettings
from creative_workbench.errors import ConfigError, DataError
from creative_workbench.placements import Placement, get_placement
from creative_workbench.schemas import validate

DUPLICATE = "near_duplicate"


@dataclass(frozen=True)
class Target:
    """What a brief asks of its images: the placement and the aspects allowed."""

    placement: Placement | None
    aspects: tuple[str, ...]
    where: str


def brief_targets(briefs: pl.DataFrame) -> dict[str, Target]:
    """Per brief id: its placement and aspects (`aspects` or `aspect`, else the placement's)."""
    targets: dict[str, Target] = {}
    if briefs.is_empty() or "brief_id" not in briefs.columns:
        return targets
    for row in briefs.iter_rows(named=True):
        placement = None
        if row.get("placement"):
            try:
                placement = get_placement(str(row["placement"]))
            except ConfigError:
                placement = None
        aspects = row.get("aspects") or row.get("aspect") or ()
        aspects = (aspects,) if isinstance(aspects, str) else tuple(str(a) for a in aspects)
        aspects = aspects or (placement.aspect_ratios if placement else ())
        label = placement.label if placement else "the brief"
        targets[str(row["brief_id"])] = Target(placement, aspects, f"{row['brief_id']} ({label})")
    return targets


def project_target(placement_ids: Sequence[str]) -> Target:
    """For unlinked images: any aspect of the project's placements, no resolution check."""
    aspects: dict[str, None] = {}
    for placement_id in placement_ids:
        aspects.update(dict.fromkeys(get_placement(placement_id).aspect_ratios))
    fallback = ("9:16", "4:5", "1:1", "16:9")
    return Target(None, tuple(aspects) or fallback, "the project's placements")


def assess(
    size: tuple[int, int],
    measures: Measures,
    target: Target,
    tolerance: float,
    settings: PrefilterSettings,
    expected: Sequence[str] = (),
    text_found: str | None = None,
) -> Verdict:
    """Every prefilter check for one image; a score with plain reasons."""
    verdict = Verdict()
    if target.aspects:
        check_aspect(verdict, size, target.aspects, target.where, settings)
    if target.placement is not None:
        check_resolution(verdict, size, target.placement, settings)
    check_palette(verdict, measures, tolerance, settings)
    check_sharpness_exposure(verdict, measures, settings)
    check_text(verdict, expected, text_found, settings)
    verdict.score = round(max(0.0, min(1.0, verdict.score * quality_factor(measures, settings))), 4)
    return verdict


def candidate_row(
    generation: Generation,
    file: str,
    imported_at: str,
    link: Link,
    measures: Measures,
    verdict: Verdict,
    text_found: str | None,
) -> dict[str, object]:
    """One candidates-table row (cluster and discard columns are set by `finalise`)."""
    return {
        "candidate_id": generation.candidate_id,
        "file": file,
        "source_name": generation.source.name,
        "sha256": generation.sha256,
        "imported_at": imported_at,
        "brief_id": link.brief_id,
        "link_source": link.source,
        "link_note": link.note,
        "tool": generation.embedded.tool,
        "prompt": generation.embedded.prompt or None,
        "width": generation.width,
        "height": generation.height,
        "format": generation.format,
        "aspect": aspect_name(generation.width, generation.height),
        "phash": measures.phash,
        "cluster_id": generation.candidate_id,
        "palette_share": round(measures.palette_share, 4),
        "off_palette": measures.off_palette,
        "sharpness": round(measures.sharpness, 2),
        "exposure_mean": round(measures.exposure_mean, 4),
        "exposure_clipped": round(measures.clipped_share, 4),
        "text_found": text_found,
        "score": verdict.score,
        "reasons": list(verdict.reasons),
        "flags": [flag for flag, _ in verdict.failed],
        "problems": [reason for _, reason in verdict.failed],
        "duplicate_of": None,
        "auto_discarded": False,
        "discard_reason": None,
        "restored_by": None,
    }


def finalise(
    rows: pl.DataFrame, settings: PrefilterSettings, restored: Mapping[str, str]
) -> pl.DataFrame:
    """Cluster near-duplicates, mark discards (duplicates, score below threshold), restores."""
    if rows.is_empty():
        return empty_candidates()
    table = rows.with_columns(
        pl.col("flags").list.filter(pl.element() != DUPLICATE),
        pl.col("reasons").list.filter(~pl.element().str.starts_with("near-duplicate of ")),
    )
    labels = near_duplicate_clusters(table["phash"].to_list(), settings.duplicate_max_distance)
    table = table.with_columns(pl.Series("_cluster", labels))
    ranked = table.with_columns(
        (pl.col("width") * pl.col("height")).alias("_pixels"),
        (pl.col("format") != "jpeg").alias("_lossless"),
    ).sort(
        ["score", "_pixels", "_lossless", "imported_at", "source_name"],
        descending=[True, True, True, False, False],
    )
    keepers = ranked.group_by("_cluster", maintain_order=True).first()
    keeper = dict(zip(keepers["_cluster"], keepers["candidate_id"], strict=True))
    names = dict(zip(table["candidate_id"], table["source_name"], strict=True))
    records = []
    for row in table.iter_rows(named=True):
        kept = keeper[row["_cluster"]]
        row["cluster_id"] = kept
        row["duplicate_of"] = None if kept == row["candidate_id"] else kept
        if row["duplicate_of"]:
            note = f"near-duplicate of {kept} ({names[kept]}), which scores higher"
            row["flags"] = [*row["flags"], DUPLICATE]
            row["reasons"] = [*row["reasons"], note]
            row["discard_reason"] = note
        elif row["score"] < settings.discard_below:
            row["discard_reason"] = "; ".join(row["problems"]) or "score below the threshold"
        else:
            row["discard_reason"] = None
        row["restored_by"] = restored.get(row["candidate_id"])
        row["auto_discarded"] = row["discard_reason"] is not None and row["restored_by"] is None
        del row["_cluster"]
        records.append(row)
    return check_candidates(pl.DataFrame(records, schema=POLARS_SCHEMA))


def check_candidates(table: pl.DataFrame, path: Path | str = "candidates table") -> pl.DataFrame:
    """Validate TABLE against CandidatesSchema (DataError naming the column and rows)."""
    return validate(table, CandidatesSchema, path)


def read_candidates(path: Path) -> pl.DataFrame:
    """concepts/candidates.parquet (empty table when absent), validated."""
    if not path.is_file():
        return empty_candidates()
    try:
        table = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise DataError(f"{path}: unreadable ({exc}); delete it and import again") from None
    return check_candidates(table.select(list(POLARS_SCHEMA)), path)
