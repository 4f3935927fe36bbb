"""The QA check registry: every check the gate runs, built-in or a studio's own.

A `Check` says which finding ids it may emit, what it needs from the media pass (decoded
frames are always there; "audio" measurements and "text" read by OCR cost time and are
produced only when an applicable check needs them), which files it applies to, and how it
judges the `Evidence` the pass gathered. Checks register through creative_workbench.plugins
(attribute QA_CHECKS, entry-point group `creative_workbench.qa_checks`); the gate iterates
the registry in order, so a new check is one module plus its registration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from creative_workbench.plugins import registered

if TYPE_CHECKING:
    from creative_workbench.config import QAThresholds
    from creative_workbench.placements import Placement
    from creative_workbench.qa.audio import AudioMeasurements
    from creative_workbench.qa.brand_checks import LogoHit
    from creative_workbench.qa.context import GateContext
    from creative_workbench.qa.decode import SampledFrame
    from creative_workbench.qa.end_card import EndCard
    from creative_workbench.qa.findings import Finding
    from creative_workbench.qa.probe import MediaInfo
    from creative_workbench.qa.video_pass import PassResult

ENTRY_POINT_GROUP = "creative_workbench.qa_checks"
BUILT_IN = ("creative_workbench.qa.builtin_checks",)
PASS_IDS = ("decode",)  # emitted by the media pass itself: the file opens and decodes
NEEDS = frozenset({"audio", "text"})


@dataclass(frozen=True)
class CheckJob:
    """What is known before the media pass: the file's streams, its context and placement."""

    info: MediaInfo
    context: GateContext
    thresholds: QAThresholds
    placement: Placement | None

    @property
    def video(self) -> bool:
        return self.info.kind == "video"


@dataclass
class Evidence:
    """What the media pass found, for the checks to judge.

    Attributes:
        seen: the video pass (None for a still image).
        frames: the distinct sampled frames (a still: the image).
        card: the end card (the last picture and, when read, its text).
        audio: loudness, peaks and silence (None: no audio stream or not needed).
        picture: black and frozen findings from the video pass.
        offending: times of frames a report should show as thumbnails (checks add to it).
    """

    job: CheckJob
    seen: PassResult | None
    frames: list[SampledFrame]
    card: EndCard
    audio: AudioMeasurements | None
    picture: list[Finding]
    offending: list[float] = field(default_factory=list)

    @cached_property
    def logos(self) -> list[LogoHit | None]:
        """The brand's logos found in each sampled frame (read once for every check)."""
        from creative_workbench.qa.brand_checks import find_logos

        logos = [Path(p) for p in self.job.context.logos]
        return find_logos(self.frames, logos, self.job.thresholds)


@dataclass(frozen=True)
class Check:
    """A registered QA check.

    Attributes:
        name: its registry name.
        ids: the finding ids it may emit (e.g. "audio.loudness").
        applies: whether it judges this file (e.g. videos only, or only with a CTA).
        run: its findings on the evidence.
        needs: what it needs from the media pass for this file, a subset of NEEDS.
    """

    name: str
    ids: tuple[str, ...]
    applies: Callable[[CheckJob], bool]
    run: Callable[[Evidence], list[Finding]]
    needs: Callable[[CheckJob], frozenset[str]] = lambda job: frozenset()


@cache
def qa_checks() -> dict[str, Check]:
    """Every registered check by name, in the order the gate runs them."""
    return registered(ENTRY_POINT_GROUP, BUILT_IN, "QA_CHECKS")


@cache
def check_ids() -> tuple[str, ...]:
    """Every finding id: the pass's own, then each check's, in registry order."""
    return (*PASS_IDS, *(i for check in qa_checks().values() for i in check.ids))
