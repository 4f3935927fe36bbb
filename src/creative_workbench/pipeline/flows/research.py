"""Research flow: ingest competitor ads, label them, fit topics, read images, rank gaps.

Importing this module is cheap (parameters and result types only); the stage's heavy
dependencies load when the flow runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import Field

from creative_workbench.pipeline.flows.base import Flow, FlowParams

if TYPE_CHECKING:
    import polars as pl

    from creative_workbench.config import Project
    from creative_workbench.ingest.ads import IngestResult
    from creative_workbench.research.topics import TopicModel


class ResearchParams(FlowParams):
    """What the competitive analysis covers: window, brands, platforms, topic count."""

    start: date | None = None
    end: date | None = None
    competitors: list[str] = []
    platforms: list[str] = []
    n_topics: int = Field(8, ge=2, le=40)
    with_visuals: bool = True


@dataclass(frozen=True)
class CompetitiveAnalysis:
    """Everything the competitive report shows, computed once."""

    ingest: IngestResult
    ads: pl.DataFrame
    labelled: pl.DataFrame
    as_of: datetime
    topic_model: TopicModel | None
    visual_features: pl.DataFrame

    @property
    def shown(self) -> pl.DataFrame:
        """The labelled ads for tables and charts: top brands by name, the rest as "others"."""
        from creative_workbench.research.top_brands import group_brands

        return group_brands(self.labelled)

    @cached_property
    def white_space(self) -> pl.DataFrame:
        """The white-space ranking (gaps with coverage and evidence ads)."""
        from creative_workbench.research import gaps

        return gaps.white_space(self.labelled, self.as_of)

    def summary_record(self) -> dict[str, Any]:
        """Counts for the flow's event: ads, brands, topics, white-space items."""
        return {
            "ads": self.labelled.height,
            "brands": self.labelled.get_column("brand").n_unique() if self.labelled.height else 0,
            "as_of": self.as_of.date().isoformat(),
            "topics": len(self.topic_model.terms) if self.topic_model else 0,
            "ingest_warnings": self.ingest.warnings.height,
        }


def analyse(project: Project, params: ResearchParams) -> CompetitiveAnalysis:
    """Ingest the project's ads, filter them, label them, fit topics and read the images."""
    import polars as pl

    from creative_workbench.ingest.ads import ingest_ads, require_ads
    from creative_workbench.research import market, messaging, topics, visuals

    result = ingest_ads(project)
    chosen = market.filter_ads(
        require_ads(result, project),
        start=params.start,
        end=params.end,
        competitors=params.competitors or None,
        platforms=params.platforms or None,
    )
    as_of = market.to_utc_datetime(params.end, end_of_day=True) or market.data_end(result.ads)
    labelled = market.with_activity(messaging.label_ads(chosen), as_of)
    model = None
    if labelled.height:
        try:
            model = topics.fit_topics(
                labelled.get_column("copy"), params.n_topics, brands=labelled.get_column("brand")
            )
            labelled = topics.assign_topics(labelled, model)
        except topics.TooLittleCopyError:
            model = None
    features = (
        visuals.media_features(project.raw_media_dir, project.cache_dir)
        if params.with_visuals
        else pl.DataFrame(schema=visuals.FEATURE_SCHEMA)
    )
    return CompetitiveAnalysis(result, chosen, labelled, as_of, model, features)


RESEARCH = Flow(
    name="research",
    stage="research",
    summary="Label competitor ads, fit themes, read images and rank the white space.",
    reads=("project.toml", "raw/ads/", "raw/media/"),
    writes=("cache/",),
    params=ResearchParams,
    body=analyse,
)
FLOWS = (RESEARCH,)
