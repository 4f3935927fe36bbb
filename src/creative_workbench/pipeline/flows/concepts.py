"""Concepts flows: white space -> ranked briefs -> concept cards (checked by the QA gate's
still-image checks) and prompt packs for image tools.

Composition lives here: research gives the white space and the ads it was judged on, the
promoted scoring model predicts CTR/CVR (values without history neutral and flagged), the
concepts package builds briefs, cards and packs, and the QA gate checks every card
(palette, logo, safe zones, aspect, resolution); a card that fails is not ready.

Importing this module is cheap (parameters and result types only); the stages load when a
flow runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from creative_workbench.pipeline.flows.base import Flow, FlowParams, report_progress

if TYPE_CHECKING:
    import polars as pl

    from creative_workbench.config import Project

Aspect = Literal["9:16", "4:5", "1:1", "16:9"]
READS = ("raw/ads/", "models/", "_brand.yml", "brand/")


class CardsParams(FlowParams):
    """Settings of the cards step (also part of BriefsParams)."""

    qa: bool = Field(True, description="run the QA gate's still checks on every card")
    workers: int | None = Field(None, ge=1, le=64, description="encoding threads (None: cores)")


class PacksParams(FlowParams):
    """Settings of the prompt-packs step."""

    seed: int = Field(0, ge=0, description="salt of the seeds derived from brief ids")


class BriefsParams(CardsParams, PacksParams):
    """`concepts.briefs`: the one place its defaults live."""

    n: int = Field(30, ge=1, le=500, description="briefs wanted")
    aspects: tuple[Aspect, ...] = Field(("9:16", "4:5", "1:1", "16:9"), min_length=1)
    diversity: float = Field(0.5, ge=0, le=1, description="weight of the repetition penalty")
    performance_weight: float = Field(0.3, ge=0, le=1, description="predicted CTR in score")
    hooks_per_brief: int = Field(3, ge=1, le=4)
    evidence_per_gap: int = Field(3, ge=0, le=20)
    model_version: str | None = Field(None, description="scoring model (None: promoted)")
    cards: bool = True
    packs: bool = True


@dataclass
class ConceptsResult:
    """What a concepts flow wrote: briefs, cards with their QA verdicts, pack files."""

    briefs: pl.DataFrame
    cards: pl.DataFrame | None = None
    pack_files: list[Path] = field(default_factory=list)
    prediction_source: str = ""
    notes: list[str] = field(default_factory=list)

    def summary_record(self) -> dict[str, Any]:
        """One JSON-able line for the flow.finished event and flow_runs."""
        cards = self.cards
        count = cards.height if cards is not None else 0
        return {
            "briefs": self.briefs.height,
            "top_brief": self.briefs.get_column("brief_id")[0] if self.briefs.height else None,
            "cards": count,
            "cards_ready": int(cards.get_column("ready").sum()) if count else 0,
            "cards_failed": int((cards.get_column("qa") == "fail").sum()) if count else 0,
            "pack_files": len(self.pack_files),
            "predicted_by": self.prediction_source or None,
        }


def check_cards(project: Project, cards: pl.DataFrame) -> pl.DataFrame:
    """CARDS with the QA gate's verdict on each PNG (its placement, the brand's palette and
    logos, the project's thresholds); ready = no failing check. Each verdict goes to the
    run's progress as (file, severity)."""
    import polars as pl

    from creative_workbench.concepts import cards as cards_mod
    from creative_workbench.qa.context import GateContext
    from creative_workbench.qa.gate import check_file

    brand = project.brand
    base = GateContext(
        palette=tuple(brand.palette.values()),
        logos=tuple(dict.fromkeys(str(p) for p in brand.logos.values())),
        thresholds=project.config.thresholds.model_dump(),
        keep_media=False,
    )
    verdicts, notes = [], []
    for row in cards.iter_rows(named=True):
        context = GateContext(**{**base.to_dict(), "placement": row["placement"]})
        result = check_file(project.root / row["file"], context)
        verdicts.append(result.severity)
        report_progress((row["file"], result.severity))
        notes.append(
            "; ".join(f"{f.check_id}: {f.message}" for f in result.findings if f.severity != "pass")
        )
    return cards_mod.cards_frame(
        cards.with_columns(
            pl.Series("qa", verdicts, dtype=pl.Utf8),
            pl.Series("qa_notes", notes, dtype=pl.Utf8),
            pl.Series("ready", [v != "fail" for v in verdicts], dtype=pl.Boolean),
        ).to_dicts()
    )


def make_cards(project: Project, briefs: pl.DataFrame, params: CardsParams) -> pl.DataFrame:
    """Render, QA-check and record the cards of BRIEFS (cards.parquet)."""
    from creative_workbench.concepts import cards as cards_mod
    from creative_workbench.pipeline.executors import default_workers

    style = cards_mod.card_style(project.brand, project.brand_dir)
    cards = cards_mod.write_cards(
        briefs, project.concepts_dir, style, params.workers or default_workers()
    )
    if params.qa and cards.height:
        cards = check_cards(project, cards)
    cards_mod.write_cards_table(cards, project.concepts_dir)
    return cards


def make_packs(project: Project, briefs: pl.DataFrame, params: PacksParams) -> list[Path]:
    """Write the prompt packs of BRIEFS under concepts/packs/."""
    from creative_workbench.concepts import prompt_packs

    brand = project.brand
    return prompt_packs.write_packs(
        briefs, project.concepts_dir, brand.name or project.config.client,
        list(brand.palette.values()), params.seed,
    )  # fmt: skip


def run_briefs(project: Project, params: BriefsParams) -> ConceptsResult:
    """Briefs from the project's white space, then their cards and prompt packs."""
    from creative_workbench.concepts import briefs as briefs_mod
    from creative_workbench.pipeline.concept_inputs import briefs_predictor, research_inputs

    gaps, ad_labels = research_inputs(project)
    predict, source = briefs_predictor(project, params.model_version)
    table = briefs_mod.build_briefs(
        gaps,
        brand=project.brand.name or project.config.client,
        cta_wording=project.config.cta_wording,
        placements=project.config.placements,
        aspects=params.aspects,
        n=params.n,
        diversity=params.diversity,
        performance_weight=params.performance_weight,
        hooks_per_brief=params.hooks_per_brief,
        evidence_per_gap=params.evidence_per_gap,
        ad_labels=ad_labels,
        predict=predict,
        prediction_source=source,
    )
    briefs_mod.write_briefs(table, project.concepts_dir)
    result = ConceptsResult(table, prediction_source=source)
    if not source:
        result.notes.append("no promoted scoring model: briefs carry no predicted CTR/CVR")
    if params.cards:
        result.cards = make_cards(project, table, params)
    if params.packs:
        result.pack_files = make_packs(project, table, params)
    return result


def run_cards(project: Project, params: CardsParams) -> ConceptsResult:
    """Cards (and their QA) for the briefs already in concepts/briefs.parquet."""
    from creative_workbench.concepts import briefs as briefs_mod

    table = briefs_mod.read_briefs(project.concepts_dir)
    return ConceptsResult(table, cards=make_cards(project, table, params))


def run_packs(project: Project, params: PacksParams) -> ConceptsResult:
    """Prompt packs for the briefs already in concepts/briefs.parquet."""
    from creative_workbench.concepts import briefs as briefs_mod

    table = briefs_mod.read_briefs(project.concepts_dir)
    return ConceptsResult(table, pack_files=make_packs(project, table, params))


CARD_WRITES = ("concepts/cards/", "concepts/cards.parquet")
PACK_WRITES = ("concepts/packs/",)
BRIEFS = Flow(
    name="concepts.briefs",
    stage="concepts",
    summary="Ranked, diverse briefs from white space, with cards and prompt packs.",
    reads=READS,
    writes=("concepts/briefs.parquet", "concepts/briefs.csv", *CARD_WRITES, *PACK_WRITES),
    params=BriefsParams,
    body=run_briefs,
)
CARDS = Flow(
    name="concepts.cards",
    stage="concepts",
    summary="Concept cards (QA-checked) for the current briefs.",
    reads=("concepts/briefs.parquet", "_brand.yml", "brand/"),
    writes=CARD_WRITES,
    params=CardsParams,
    body=run_cards,
)
PACKS = Flow(
    name="concepts.packs",
    stage="concepts",
    summary="Prompt packs (Flux, SDXL, Midjourney, ComfyUI) for the current briefs.",
    reads=("concepts/briefs.parquet", "_brand.yml"),
    writes=PACK_WRITES,
    params=PacksParams,
    body=run_packs,
)
FLOWS = (BRIEFS, CARDS, PACKS)
