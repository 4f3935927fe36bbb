"""The workbench's plotly look: one template every figure builder uses."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME = "workbench"
FONT = "Inter, 'Segoe UI', Helvetica, Arial, sans-serif"
COLORWAY = [
    "#2f5d8a",
    "#e07a1f",
    "#3a9d5d",
    "#c0392b",
    "#7d5ba6",
    "#8c6d31",
    "#d35e9c",
    "#5f6b73",
    "#17a2b8",
    "#b5a200",
]
SEVERITY_COLOURS = {"pass": "#3a9d5d", "warn": "#e0a21f", "fail": "#c0392b"}


def register_template() -> str:
    """Register the workbench template with plotly and make it the default."""
    template = go.layout.Template(
        layout=go.Layout(
            font={"family": FONT, "size": 13, "color": "#1f2a33"},
            colorway=COLORWAY,
            paper_bgcolor="white",
            plot_bgcolor="white",
            margin={"l": 60, "r": 20, "t": 60, "b": 50},
            title={"x": 0.0, "xanchor": "left", "font": {"size": 17}},
            xaxis={"gridcolor": "#e6e9ec", "zerolinecolor": "#cfd5da"},
            yaxis={"gridcolor": "#e6e9ec", "zerolinecolor": "#cfd5da"},
            legend={"orientation": "h", "y": -0.18},
            hoverlabel={"font": {"family": FONT}},
        )
    )
    pio.templates[TEMPLATE_NAME] = template
    pio.templates.default = "plotly_white+" + TEMPLATE_NAME
    return TEMPLATE_NAME
