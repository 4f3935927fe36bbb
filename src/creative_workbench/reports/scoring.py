"""Figures for the model training and weekly forecast reports (plotly, escaped text)."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

from creative_workbench.reports.theme import COLORWAY

MODEL_COLOUR, BASELINE_COLOUR, ORACLE_COLOUR = COLORWAY[0], "#9aa5ae", COLORWAY[2]


def _esc(values: list) -> list[str]:
    return [html.escape(str(v)) for v in values]


def empty_figure(title: str, message: str) -> go.Figure:
    """A titled figure that says why there is nothing to plot."""
    figure = go.Figure()
    figure.add_annotation(
        text=html.escape(message), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
    )
    figure.update_layout(title=title, xaxis_visible=False, yaxis_visible=False, height=220)
    return figure


def calibration_figure(
    table: pl.DataFrame, title: str = "Calibration on held-out creatives"
) -> go.Figure:
    """Predicted vs observed CTR per bin (marker size = impressions) against the diagonal."""
    predicted = (table.get_column("predicted") * 100).to_list()
    observed = (table.get_column("observed") * 100).to_list()
    weight = table.get_column("weight").to_numpy()
    top = max([*predicted, *observed, 0.01]) * 1.1
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=[0, top],
            y=[0, top],
            mode="lines",
            name="perfect",
            line={"dash": "dash", "color": BASELINE_COLOUR},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=predicted,
            y=observed,
            mode="markers+lines",
            name="model",
            marker={"size": 8 + 22 * weight / max(weight.max(), 1), "color": MODEL_COLOUR},
        )
    )
    figure.update_layout(
        title=title, xaxis_title="predicted CTR (%)", yaxis_title="observed CTR (%)"
    )
    return figure


def importance_figure(importance: pl.DataFrame, top: int = 15) -> go.Figure:
    """Global importance: mean |contribution| (log-odds) per attribute."""
    shown = importance.head(top).reverse()
    figure = go.Figure(
        go.Bar(
            x=shown.get_column("mean_abs_contribution").to_list(),
            y=_esc(shown.get_column("attribute").to_list()),
            orientation="h",
            marker_color=MODEL_COLOUR,
        )
    )
    figure.update_layout(
        title="What drives predicted CTR (mean |effect| on log-odds)",
        xaxis_title="mean absolute contribution (log-odds)",
        height=120 + 26 * shown.height,
    )
    return figure


def comparison_figure(
    table: pl.DataFrame,
    metric: str = "log_loss",
    title: str = "Held-out CTR log loss: model vs baselines (lower is better)",
) -> go.Figure:
    """One bar per model for METRIC; the model and the oracle in their own colours."""
    names = table.get_column("model").to_list()
    colours = [
        MODEL_COLOUR
        if n.startswith("model")
        else ORACLE_COLOUR
        if "oracle" in n
        else BASELINE_COLOUR
        for n in names
    ]
    values = table.get_column(metric).to_list()
    figure = go.Figure(
        go.Bar(
            x=_esc(names),
            y=values,
            marker_color=colours,
            text=[f"{v:.5f}" for v in values],
            textposition="outside",
        )
    )
    low, high = min(values), max(values)
    pad = (high - low) * 0.3 or abs(high) * 0.01
    figure.update_layout(
        title=title, yaxis_title=metric.replace("_", " "), yaxis_range=[low - pad, high + pad]
    )
    return figure


def forecast_figure(ranking: pl.DataFrame, title: str = "Predicted CTR this week") -> go.Figure:
    """Candidates ranked by predicted CTR with their intervals."""
    if ranking.height == 0:
        return empty_figure(title, "no candidates this week")
    shown = ranking.sort("ctr")
    labels = [f"{i} · {n}"[:60] for i, n in shown.select("creative_id", "name").iter_rows()]
    ctr = (shown.get_column("ctr") * 100).to_numpy()
    lower = (shown.get_column("ctr_lower") * 100).to_numpy()
    upper = (shown.get_column("ctr_upper") * 100).to_numpy()
    figure = go.Figure(
        go.Scatter(
            x=ctr,
            y=_esc(labels),
            mode="markers",
            marker={"size": 10, "color": MODEL_COLOUR},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": upper - ctr,
                "arrayminus": ctr - lower,
                "color": MODEL_COLOUR,
            },
            name="predicted CTR",
        )
    )
    figure.update_layout(
        title=title,
        xaxis_title="CTR (%) with 80% interval",
        height=160 + 30 * shown.height,
        margin={"l": 260},
    )
    return figure


def budget_figure(ranking: pl.DataFrame) -> go.Figure:
    """Suggested test budget per candidate (Thompson sampling)."""
    if ranking.height == 0:
        return empty_figure("Suggested test budget", "no candidates this week")
    shown = ranking.sort("budget")
    figure = go.Figure(
        go.Bar(
            x=shown.get_column("budget").to_list(),
            y=_esc(shown.get_column("creative_id").to_list()),
            orientation="h",
            marker_color=COLORWAY[1],
            text=[f"P(best) {p:.0%}" for p in shown.get_column("p_best").to_list()],
            textposition="auto",
        )
    )
    figure.update_layout(
        title="Suggested test budget", xaxis_title="budget", height=160 + 30 * shown.height
    )
    return figure


def track_record_figure(summary: pl.DataFrame) -> go.Figure:
    """Earlier weeks: predicted vs actual CTR of the week's creatives, and coverage."""
    if summary.height == 0:
        return empty_figure("Track record", "no earlier weeks with stored predictions yet")
    weeks = [str(w) for w in summary.get_column("week").to_list()]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=weeks,
            y=(summary.get_column("predicted_ctr") * 100).to_list(),
            mode="lines+markers",
            name="predicted CTR (%)",
            line={"color": MODEL_COLOUR},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=weeks,
            y=(summary.get_column("actual_ctr") * 100).to_list(),
            mode="lines+markers",
            name="actual CTR (%)",
            line={"color": COLORWAY[1]},
        )
    )
    figure.add_trace(
        go.Bar(
            x=weeks,
            y=(summary.get_column("coverage") * 100).to_list(),
            name="creatives inside interval (%)",
            yaxis="y2",
            opacity=0.25,
            marker_color=ORACLE_COLOUR,
        )
    )
    figure.update_layout(
        title="Track record: earlier weeks' predictions vs what happened",
        yaxis_title="CTR (%)",
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 100],
            "title": "coverage (%)",
            "showgrid": False,
        },
    )
    return figure


def for_display(frame: pl.DataFrame) -> pl.DataFrame:
    """FRAME with undefined metrics (NaN) as missing, so tables show them as —."""
    return frame.with_columns(pl.col(pl.Float64, pl.Float32).fill_nan(None))
