"""The workbench's plotly look: one template every figure builder uses."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

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


def brand_colours(brands: Iterable[str], configured: Sequence[str] = ()) -> dict[str, str]:
    """One colour per brand, the same in every run and report of a project.

    CONFIGURED brands (the client, then project.toml's competitors, in that order) take the
    colourway in order; any other brand's colour comes from a hash of its lower-cased name,
    moving to the next free colour on a clash. Pass every brand of the project's data (not a
    filtered subset), so filtering never recolours a brand. Matching is case-insensitive.
    """
    names = list(dict.fromkeys(str(b) for b in brands if b is not None))
    by_key = {name.lower(): name for name in names}
    free = list(range(len(COLORWAY)))
    colours: dict[str, str] = {}
    for slot, brand in enumerate(dict.fromkeys(b.lower() for b in configured)):
        if brand in by_key:
            colours[by_key[brand]] = COLORWAY[slot % len(COLORWAY)]
        if slot < len(COLORWAY) and slot in free:
            free.remove(slot)
    for name in sorted(n for n in names if n not in colours):
        start = int(hashlib.sha256(name.lower().encode("utf-8")).hexdigest(), 16)
        if free:
            slot = min(free, key=lambda s: (s - start) % len(COLORWAY))
            free.remove(slot)
        else:
            slot = start % len(COLORWAY)
        colours[name] = COLORWAY[slot]
    return colours
