"""The prefilter's thresholds and penalties: the single source of their defaults.

A light module (pydantic only), so the flow's parameters can name it without loading the
image libraries.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class PrefilterSettings(BaseModel):
    """Thresholds and penalties of the prefilter (the single source of their defaults)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    analysis_side: int = Field(512, ge=64, le=4096, description="long side analysed, px")
    max_pixels: int = Field(50_000_000, gt=0, description="decompression-bomb limit")
    max_file_mb: float = Field(100.0, gt=0)
    prompt_min_overlap: float = Field(0.8, gt=0, le=1, description="prompt words in a brief")
    aspect_tolerance: float = Field(0.03, ge=0, description="relative aspect difference")
    min_side_share: float = Field(0.5, gt=0, le=2, description="of the placement's short side")
    palette_delta_e: float | None = Field(None, gt=0, description="None: project QA threshold")
    palette_min_share: float = Field(0.3, ge=0, le=1)
    min_sharpness: float = Field(60.0, ge=0, description="variance of the Laplacian")
    dark_mean: float = Field(0.12, ge=0, le=1, description="mean luminance below: too dark")
    bright_mean: float = Field(0.92, ge=0, le=1, description="mean luminance above: too bright")
    max_clipped: float = Field(0.35, ge=0, le=1, description="share of pure black/white")
    text_min_similarity: float = Field(0.9, ge=0, le=1)
    duplicate_max_distance: int = Field(6, ge=0, le=64, description="pHash bits differing")
    discard_below: float = Field(0.5, ge=0, le=1)
    penalty_aspect: float = Field(0.25, ge=0, le=1)
    penalty_resolution: float = Field(0.45, ge=0, le=1)
    penalty_palette: float = Field(0.45, ge=0, le=1, description="at 0 % on palette")
    penalty_blur: float = Field(0.35, ge=0, le=1)
    penalty_exposure: float = Field(0.6, ge=0, le=1)
    penalty_text: float = Field(0.45, ge=0, le=1)
    quality_weight: float = Field(
        0.1, ge=0, le=1, description="share of the score from palette share and sharpness"
    )
