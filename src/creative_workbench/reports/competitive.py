"""Building blocks of the competitive analysis report: plotly figure builders (share of voice,
matrix, longevity, cadence, palettes, white space) and display tables over the research
flow's result (pipeline/flows/research.py runs the analysis).

Brand names and labels come from outside data and are escaped before plotly renders them.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

from creative_workbench.ingest.ads import IngestResult
from creative_workbench.pipeline.flows.research import CompetitiveAnalysis
from creative_workbench.reports.ads_explorer import ad_card_html, top_ads_per_angle
from creative_workbench.reports.notebook import table_html
from creative_workbench.research import market, topics
from creative_workbench.research.lexicon import ANGLE_NAMES

CANNOT_JUDGE = [
    "Strategy: which gap to attack, and whether white space is an opportunity or a trap "
    "(nobody does it because it does not work), is the strategist's decision.",
    "Performance: commercial ads publish no results; days active is only a proxy for what works.",
    "Spend and reach exist only for issue/EU ads and as bounds; share of voice by ad count and "
    "ad-days is not share of spend.",
    "Taste and brand fit of the visuals, and the quality of the writing.",
    "Legal or substantiation questions about competitors' claims.",
    "Angles are matched by transparent phrase rules; sarcasm, irony and copy in images or "
    "video are not read. The Meta Ad Library does not state the media type of an ad, so "
    "formats are partly unknown.",
]


def _safe(value: object) -> str:
    return html.escape(str(value))


def quality_table(result: IngestResult) -> pl.DataFrame:
    """Files read and warnings per kind, for the data-quality section."""
    return result.warning_counts()


def quality_html(result: IngestResult, max_rows: int = 30) -> str:
    """The data-quality warnings: counts per kind and the first MAX_ROWS warnings, or one
    sentence saying there were none."""
    if result.warnings.is_empty():
        files = result.files.height
        return (
            f"<p>No data-quality warnings: every record in the {files} ad "
            f"file{'s' if files != 1 else ''} was read and kept.</p>"
        )
    return table_html(quality_table(result)) + table_html(result.warnings, max_rows=max_rows)


def sov_over_time_figure(weekly: pl.DataFrame) -> go.Figure:
    """Weekly share of voice (share of active ad-days) per brand, stacked to 100%."""
    figure = go.Figure()
    for (brand,), group in weekly.sort("week").group_by("brand", maintain_order=True):
        figure.add_trace(
            go.Scatter(
                x=group["week"].to_list(),
                y=group["share"].to_list(),
                name=_safe(brand),
                stackgroup="sov",
                mode="lines",
                hovertemplate="%{x}: %{y:.0%}<extra>" + _safe(brand) + "</extra>",
            )
        )
    figure.update_layout(
        title="Share of voice over time (share of active ad-days per week)",
        yaxis={"tickformat": ".0%", "range": [0, 1]},
        height=420,
    )
    return figure


def sov_bar_figure(sov: pl.DataFrame) -> go.Figure:
    """Share of voice per brand by ad count, by active ad-days and by reach (lower bound)."""
    figure = go.Figure()
    measures = [
        ("share_ads", "ads"),
        ("share_ad_days", "active ad-days"),
        ("share_reach_lower", "reach (lower bound)"),
    ]
    brands = [_safe(b) for b in sov["brand"].to_list()]
    for column, label in measures:
        if column in sov.columns and sov[column].null_count() < sov.height:
            # an unknown reach stays a gap, never a bar of 0
            figure.add_trace(go.Bar(x=brands, y=sov[column].to_list(), name=label))
    figure.update_layout(
        title="Share of voice by measure", barmode="group", yaxis={"tickformat": ".0%"}, height=380
    )
    return figure


def matrix_heatmap(
    matrix: pl.DataFrame, title: str = "Competitive matrix: share of each brand's ads per angle"
) -> go.Figure:
    """Brand × label heatmap with the percentage written in each cell."""
    labels = [c for c in matrix.columns if c != "brand"]
    values = matrix.select(labels).to_numpy() if labels else [[]]
    text = [[f"{v:.0%}" for v in row] for row in values]
    figure = go.Figure(
        go.Heatmap(
            z=values,
            x=[_safe(label) for label in labels],
            y=[_safe(b) for b in matrix["brand"].to_list()],
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=max(0.01, float(matrix.select(labels).max_horizontal().max() or 0))
            if labels
            else 1,
            hovertemplate="%{y} · %{x}: %{z:.0%}<extra></extra>",
            colorbar={"tickformat": ".0%"},
        )
    )
    figure.update_layout(
        title=title,
        height=120 + 45 * max(matrix.height, 1),
        xaxis={"side": "top"},
        margin={"t": 110},
    )
    return figure


def longevity_figure(labelled: pl.DataFrame) -> go.Figure:
    """Distribution of days active per brand (box plots; still-running ads count to as_of)."""
    figure = go.Figure()
    for (brand,), group in labelled.sort("brand").group_by("brand", maintain_order=True):
        figure.add_trace(
            go.Box(
                y=group["days_active"].to_list(),
                name=_safe(brand),
                boxpoints="outliers" if group.height < 5000 else False,
            )
        )
    figure.update_layout(
        title="Longevity: days active per ad (the proxy for what works)",
        yaxis={"title": "days active"},
        showlegend=False,
        height=420,
    )
    return figure


def cadence_figure(cadence: pl.DataFrame) -> go.Figure:
    """New ads launched per brand per week."""
    figure = go.Figure()
    for (brand,), group in cadence.sort("week").group_by("brand", maintain_order=True):
        figure.add_trace(
            go.Scatter(
                x=group["week"].to_list(),
                y=group["launches"].to_list(),
                name=_safe(brand),
                mode="lines",
            )
        )
    figure.update_layout(
        title="Launch cadence: new ads per week", yaxis={"title": "ads"}, height=380
    )
    return figure


def platform_mix_figure(mix: pl.DataFrame) -> go.Figure:
    """Share of each brand's ads per publisher platform."""
    figure = go.Figure()
    for (platform,), group in mix.sort("platform").group_by("platform", maintain_order=True):
        figure.add_trace(
            go.Bar(
                x=[_safe(b) for b in group["brand"].to_list()],
                y=group["share"].to_list(),
                name=_safe(platform),
            )
        )
    figure.update_layout(
        title="Platform mix (an ad can run on several platforms)",
        barmode="group",
        yaxis={"tickformat": ".0%"},
        height=380,
    )
    return figure


def palette_swatches_figure(palettes: pl.DataFrame) -> go.Figure:
    """One row of colour swatches per brand, each as wide as its share of the pixels."""
    figure = go.Figure()
    brands = palettes.get_column("brand").unique(maintain_order=True).to_list()
    for row_index, brand in enumerate(brands):
        left = 0.0
        for swatch in palettes.filter(pl.col("brand") == brand).sort("rank").iter_rows(named=True):
            right = left + swatch["share"]
            figure.add_shape(
                type="rect",
                x0=left,
                x1=right,
                y0=row_index,
                y1=row_index + 0.85,
                fillcolor=swatch["colour"],
                line={"color": "#cfd5da", "width": 1},
            )
            if swatch["share"] >= 0.08:
                figure.add_annotation(
                    x=(left + right) / 2,
                    y=row_index - 0.12,
                    showarrow=False,
                    text=f"{swatch['colour']} {swatch['share']:.0%}",
                    font={"size": 10},
                )
            left = right
    figure.update_xaxes(visible=False, range=[0, 1])
    figure.update_yaxes(
        tickvals=[i + 0.42 for i in range(len(brands))],
        ticktext=[_safe(b) for b in brands],
        range=[-0.4, max(len(brands), 1)],
        showgrid=False,
        zeroline=False,
    )
    figure.update_layout(
        title="Dominant colours per brand (k-means in CIELAB over its images)",
        height=120 + 70 * max(len(brands), 1),
    )
    return figure


def white_space_figure(gap_table: pl.DataFrame, top: int = 12) -> go.Figure:
    """The top white-space labels by gap score, coloured by dimension."""
    if gap_table.is_empty():
        return go.Figure().update_layout(title="White space: nothing judged")
    shown = gap_table.head(top).reverse()
    figure = go.Figure()
    for (dimension,), group in shown.group_by("dimension", maintain_order=True):
        figure.add_trace(
            go.Bar(
                x=group["gap_score"].to_list(),
                orientation="h",
                name=_safe(dimension),
                y=[
                    _safe(f"{d}: {label}")
                    for d, label in zip(group["dimension"], group["label"], strict=True)
                ],
                customdata=group["market_share"].to_list(),
                hovertemplate="gap %{x:.2f} · market share %{customdata:.1%}<extra></extra>",
            )
        )
    figure.update_layout(
        title="White space: what competitors under-use (gap score)",
        xaxis={"range": [0, 1]},
        height=140 + 28 * max(shown.height, 1),
        yaxis={
            "categoryorder": "array",
            "categoryarray": [
                _safe(f"{d}: {label}")
                for d, label in zip(shown["dimension"], shown["label"], strict=True)
            ],
        },
    )
    return figure


def white_space_table(gap_table: pl.DataFrame) -> pl.DataFrame:
    """White space as a readable table (examples joined; escaped later by nb.table)."""
    if gap_table.is_empty():
        return pl.DataFrame({"note": ["no dimension has brands with enough readable copy"]})
    return gap_table.select(
        "rank",
        "dimension",
        "label",
        pl.col("gap_score").round(2),
        (pl.col("market_share") * 100).round(1).alias("market %"),
        (pl.col("typical_share") * 100).round(1).alias("typical %"),
        "brands_using",
        "brands_judged",
        "users_median_days",
        "market_median_days",
        pl.col("examples").list.join(" ‖ ").alias("example ads (brand, days active: evidence)"),
    )


def angle_matrix(labelled: pl.DataFrame) -> pl.DataFrame:
    """The brand × angle matrix with every named angle as a column."""
    return market.competitive_matrix(labelled, "angles", list(ANGLE_NAMES.values()))


def scope_lines(analysis: CompetitiveAnalysis) -> list[str]:
    """What the report covers: window, brands, ads, sources and the topic-model sample."""
    ads = analysis.labelled
    first = ads.get_column("start_time").min() if ads.height else None
    lines = [
        f"{ads.height:,} ads from {ads.get_column('brand').n_unique()} brands"
        + (f", first launched {first:%Y-%m-%d}" if first else ""),
        f"analysis as of {analysis.as_of:%Y-%m-%d} (end of the window; still-running ads count "
        "up to their file's capture date, or up to it when the capture date is unknown)",
        "sources: "
        + ", ".join(
            f"{s} ({n:,})" for s, n in ads.group_by("source").len().sort("source").iter_rows()
        ),
    ]
    if analysis.topic_model is not None:
        lines.append(f"topic model fit on {analysis.topic_model.sample_size:,} ads")
    return lines


def topics_table(analysis: CompetitiveAnalysis) -> pl.DataFrame:
    """Topics with their top terms and how many ads each covers."""
    if analysis.topic_model is None:
        return pl.DataFrame({"note": ["too little copy for a topic model"]})
    counts = analysis.labelled.group_by("topic").agg(pl.len().alias("ads"))
    return (
        topics.topic_terms(analysis.topic_model)
        .join(counts, on="topic", how="left")
        .with_columns(pl.col("ads").fill_null(0))
    )


def topic_matrix(analysis: CompetitiveAnalysis) -> pl.DataFrame:
    """Brand × topic share matrix (empty when no topic model could be fit)."""
    if analysis.topic_model is None:
        return pl.DataFrame({"brand": []}, schema={"brand": pl.Utf8})
    return market.competitive_matrix(analysis.shown, "topic_label", analysis.topic_model.labels)


def top_ads_html(labelled: pl.DataFrame, per_angle: int = 2) -> str:
    """Escaped cards of the longest-running ads for each angle, under angle headings."""
    parts = []
    for angle, ads in top_ads_per_angle(labelled, per_angle).items():
        parts.append(f"<h3>{html.escape(angle)}</h3>")
        parts.extend(ad_card_html(row) for row in ads.iter_rows(named=True))
    return "".join(parts) or "<p>No labelled ads.</p>"
