"""Pandera (polars) schemas of the concepts stage's tables: briefs and concept cards."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

BRIEF_COLUMNS_LISTS = (
    "aspects",
    "hooks",
    "gaps",
    "evidence_using",
    "evidence_not_using",
    "examples",
)
QA_STATUSES = ["pass", "warn", "fail", "unchecked"]


class BriefsSchema(pa.DataFrameModel):
    """Ranked concept briefs: one white-space gap made into an angle × offer × CTA ×
    placement/format combination, with its rationale, evidence and predicted performance."""

    brief_id: str = pa.Field(unique=True, str_matches=r"^br-[0-9a-f]{8}$")
    rank: pl.Int64 = pa.Field(ge=1, unique=True)
    angle: str = pa.Field(str_length={"min_value": 1})
    offer: str = pa.Field(str_length={"min_value": 1}, description="'none' = no offer")
    cta: str = pa.Field(str_length={"min_value": 1}, description="from project cta_wording")
    placement: str = pa.Field(str_length={"min_value": 1})
    format: str = pa.Field(isin=["image", "video", "carousel"])
    aspects: pl.List(pl.Utf8) = pa.Field(description="the placement's aspects rendered")
    headline: str = pa.Field(str_length={"min_value": 1})
    hooks: pl.List(pl.Utf8) = pa.Field(description="hook lines from the angle's templates")
    gap_dimension: str = pa.Field(isin=["angle", "offer", "cta", "format"])
    gap_label: str
    gap_score: float = pa.Field(ge=0, le=1)
    market_share: float = pa.Field(ge=0, le=1, nullable=True)
    typical_share: float = pa.Field(ge=0, le=1, nullable=True)
    brands_using: pl.Int64 = pa.Field(ge=0, nullable=True)
    brands_judged: pl.Int64 = pa.Field(ge=0, nullable=True)
    brands_unknown: pl.Int64 = pa.Field(ge=0, nullable=True)
    gaps: pl.List(pl.Utf8) = pa.Field(description="every gap the brief attacks")
    opportunity: float = pa.Field(ge=0, le=1, description="1 - prod(1 - gap score)")
    score: float = pa.Field(ge=0, le=1, description="ranking score before the diversity step")
    rationale: str
    evidence_using: pl.List(pl.Utf8) = pa.Field(description="competitor ad ids that use it")
    evidence_not_using: pl.List(pl.Utf8) = pa.Field(description="ad ids that do not")
    examples: pl.List(pl.Utf8)
    ctr: float = pa.Field(ge=0, le=1, nullable=True)
    ctr_lower: float = pa.Field(ge=0, le=1, nullable=True)
    ctr_upper: float = pa.Field(ge=0, le=1, nullable=True)
    cvr: float = pa.Field(ge=0, le=1, nullable=True)
    cvr_lower: float = pa.Field(ge=0, le=1, nullable=True)
    cvr_upper: float = pa.Field(ge=0, le=1, nullable=True)
    new_values: str = pa.Field(description="attributes without history (neutral); '' = none")
    prediction_note: str

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check
    def interval_holds_estimate(cls, data: pa.PolarsData) -> pl.LazyFrame:
        ok = pl.lit(True)
        for target in ("ctr", "cvr"):
            low, mid, high = pl.col(f"{target}_lower"), pl.col(target), pl.col(f"{target}_upper")
            ok = ok & (
                mid.is_null() | low.is_null() | ((low <= mid + 1e-12) & (mid <= high + 1e-12))
            )
        return data.lazyframe.select(ok)


class CardsSchema(pa.DataFrameModel):
    """Rendered concept cards: one PNG per brief and aspect, with its QA verdict."""

    brief_id: str = pa.Field(str_matches=r"^br-[0-9a-f]{8}$")
    aspect: str = pa.Field(isin=["9:16", "4:5", "1:1", "16:9"])
    placement: str
    file: str = pa.Field(description="path relative to the project folder")
    width: pl.Int64 = pa.Field(gt=0)
    height: pl.Int64 = pa.Field(gt=0)
    font: str = pa.Field(description="font file used for the headline")
    qa: str = pa.Field(isin=QA_STATUSES)
    qa_notes: str
    ready: bool = pa.Field(description="rendered and passed the QA still checks")

    class Config:
        strict = True
        coerce = False
