"""Pandera schema of concepts/candidates.parquet: one row per imported generated image."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

LINK_SOURCES = ["comfyui", "a1111", "midjourney", "filename", "none"]
FLAGS = ["aspect", "resolution", "palette", "blur", "exposure", "text", "near_duplicate"]


class CandidatesSchema(pa.DataFrameModel):
    """Imported generations with their brief link, prefilter measures, score and verdict."""

    candidate_id: str = pa.Field(unique=True, str_length=12, description="sha256[:12]")
    file: str = pa.Field(description="copy under concepts/generations/, project-relative")
    source_name: str = pa.Field(description="file name as imported")
    sha256: str = pa.Field(unique=True, str_length=64)
    imported_at: str = pa.Field(description="UTC ISO 8601")
    brief_id: str = pa.Field(nullable=True)
    link_source: str = pa.Field(isin=LINK_SOURCES)
    link_note: str
    tool: str = pa.Field(isin=["comfyui", "a1111", "midjourney", "none"])
    prompt: str = pa.Field(nullable=True, description="positive prompt the tool embedded")
    width: pl.Int64 = pa.Field(gt=0)
    height: pl.Int64 = pa.Field(gt=0)
    format: str = pa.Field(isin=["png", "jpeg", "webp"])
    aspect: str
    phash: str = pa.Field(str_length=16, description="64-bit perceptual hash, hex")
    cluster_id: str = pa.Field(description="candidate kept in this near-duplicate cluster")
    palette_share: float = pa.Field(ge=0, le=1)
    off_palette: str = pa.Field(nullable=True, description="largest off-palette colour")
    sharpness: float = pa.Field(ge=0, description="variance of the Laplacian")
    exposure_mean: float = pa.Field(ge=0, le=1, description="mean luminance 0-1")
    exposure_clipped: float = pa.Field(ge=0, le=1, description="share of pure black/white")
    text_found: str = pa.Field(nullable=True, description="OCR text (null: not read)")
    score: float = pa.Field(ge=0, le=1)
    reasons: pl.List(pl.Utf8) = pa.Field(description="every check's result, plain English")
    flags: pl.List(pl.Utf8) = pa.Field(description="failed checks: " + ", ".join(FLAGS))
    problems: pl.List(pl.Utf8) = pa.Field(description="the failed checks' reasons")
    duplicate_of: str = pa.Field(nullable=True)
    auto_discarded: bool
    discard_reason: str = pa.Field(nullable=True)
    restored_by: str = pa.Field(nullable=True, description="who restored it (see state.db)")

    class Config:
        strict = True
        coerce = False


POLARS_SCHEMA: dict[str, pl.DataType] = {
    "candidate_id": pl.Utf8,
    "file": pl.Utf8,
    "source_name": pl.Utf8,
    "sha256": pl.Utf8,
    "imported_at": pl.Utf8,
    "brief_id": pl.Utf8,
    "link_source": pl.Utf8,
    "link_note": pl.Utf8,
    "tool": pl.Utf8,
    "prompt": pl.Utf8,
    "width": pl.Int64,
    "height": pl.Int64,
    "format": pl.Utf8,
    "aspect": pl.Utf8,
    "phash": pl.Utf8,
    "cluster_id": pl.Utf8,
    "palette_share": pl.Float64,
    "off_palette": pl.Utf8,
    "sharpness": pl.Float64,
    "exposure_mean": pl.Float64,
    "exposure_clipped": pl.Float64,
    "text_found": pl.Utf8,
    "score": pl.Float64,
    "reasons": pl.List(pl.Utf8),
    "flags": pl.List(pl.Utf8),
    "problems": pl.List(pl.Utf8),
    "duplicate_of": pl.Utf8,
    "auto_discarded": pl.Boolean,
    "discard_reason": pl.Utf8,
    "restored_by": pl.Utf8,
}


def empty_candidates() -> pl.DataFrame:
    """An empty candidates table with the schema's columns and types."""
    return pl.DataFrame(schema=POLARS_SCHEMA)
