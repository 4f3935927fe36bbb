"""What the gate needs to know about a file (placement, CTA, brand) and what it returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from creative_workbench.config import Project, QAThresholds
from creative_workbench.placements import all_placements, get_placement
from creative_workbench.qa.findings import Finding, worst


@dataclass(frozen=True)
class GateContext:
    """Everything the checks need besides the file itself; plain data, JSON-ready."""

    placement: str | None = None
    cta: str | None = None
    voiceover: bool = False
    other_ctas: tuple[str, ...] = ()
    palette: tuple[str, ...] = ()
    logos: tuple[str, ...] = ()
    thresholds: dict[str, Any] = field(default_factory=dict)
    keep_media: bool = True

    def qa_thresholds(self) -> QAThresholds:
        return QAThresholds(**self.thresholds)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GateContext:
        values = dict(data)
        for key in ("other_ctas", "palette", "logos"):
            values[key] = tuple(values.get(key) or ())
        return cls(**values)


@dataclass
class GateResult:
    """One file's verdict: findings plus what a report shows (thumbnails, loudness curve)."""

    file: str
    placement: str | None
    findings: list[Finding]
    seconds: float = 0.0
    info: dict[str, Any] = field(default_factory=dict)
    loudness: dict[str, list[float]] | None = None
    thumbnails: dict[str, str] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return worst(f.severity for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["findings"] = [f.to_dict() for f in self.findings]
        data["severity"] = self.severity
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GateResult:
        values = {k: v for k, v in data.items() if k != "severity"}
        values["findings"] = [Finding.from_dict(f) for f in data["findings"]]
        return cls(**values)


def placement_from_name(filename: str) -> str | None:
    """The placement id in '<concept>_<placement>_<version>.ext' (longest known id wins)."""
    stem = "_" + Path(filename).stem.lower() + "_"
    found = [pid for pid in all_placements() if f"_{pid}_" in stem]
    return max(found, key=len) if found else None


def context_for(
    path: Path, project: Project | None, placement: str | None = None, keep_media: bool = True
) -> GateContext:
    """The gate context for PATH: --placement, else project deliverables, else the file name."""
    spec = project.deliverable_spec(path.name) if project else None
    chosen = placement or (spec.placement if spec else None) or placement_from_name(path.name)
    if chosen is not None:
        get_placement(chosen)
    palette: tuple[str, ...] = ()
    logos: tuple[str, ...] = ()
    thresholds: dict[str, Any] = {}
    others: tuple[str, ...] = ()
    if project is not None:
        brand = project.brand  # a missing guide or unreadable logo is a config error
        palette = tuple(brand.palette.values())
        logos = tuple(dict.fromkeys(str(p) for p in brand.logos.values()))
        thresholds = project.config.thresholds.model_dump()
        others = tuple(dict.fromkeys(d.cta for d in project.config.deliverables if d.cta))
    return GateContext(
        placement=chosen,
        cta=spec.cta if spec else None,
        voiceover=bool(spec and spec.voiceover),
        other_ctas=others,
        palette=palette,
        logos=logos,
        thresholds=thresholds,
        keep_media=keep_media,
    )
