"""The versioned placements data file: platform specs every stage can look up."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from creative_workbench.errors import ConfigError


class SafeZone(BaseModel):
    """UI overlay margins in % of the frame (top/bottom of height, left/right of width)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    top: float = 0.0
    bottom: float = 0.0
    left: float = 0.0
    right: float = 0.0


class Placement(BaseModel):
    """One platform placement's delivery spec, with its source and date."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    label: str
    aspect_ratios: tuple[str, ...]
    recommended_resolution: tuple[int, int]
    min_resolution: tuple[int, int] | None = None
    max_resolution: tuple[int, int] | None = None
    min_duration_s: float
    max_duration_s: float
    max_file_size_mb: float
    max_frame_rate: float | None = None
    min_bitrate_kbps: float | None = None
    containers: tuple[str, ...]
    video_codecs: tuple[str, ...]
    audio_codecs: tuple[str, ...]
    audio_required: bool
    loudness_target_lufs: float
    true_peak_max_dbtp: float
    safe_zone: SafeZone = Field(default_factory=SafeZone)
    uncertain: bool = False
    source: str
    source_date: str

    def aspect_values(self) -> tuple[float, ...]:
        """Allowed aspect ratios as width/height floats."""
        return tuple(_ratio(a) for a in self.aspect_ratios)


def _ratio(text: str) -> float:
    width, height = text.split(":")
    return float(width) / float(height)


@cache
def all_placements() -> dict[str, Placement]:
    """All placements in the bundled data file, keyed by id."""
    raw = tomllib.loads(
        resources.files("creative_workbench.data").joinpath("placements.toml").read_text("utf-8")
    )
    return {key: Placement(id=key, **value) for key, value in raw["placements"].items()}


def placements_version() -> str:
    """Date of the bundled placements data file."""
    raw = tomllib.loads(
        resources.files("creative_workbench.data").joinpath("placements.toml").read_text("utf-8")
    )
    return str(raw["version"])


def get_placement(placement_id: str) -> Placement:
    """Look up a placement by id; an unknown id names the known ones."""
    known = all_placements()
    if placement_id not in known:
        raise ConfigError(
            f"unknown placement {placement_id!r}: use one of {', '.join(sorted(known))}"
        )
    return known[placement_id]
