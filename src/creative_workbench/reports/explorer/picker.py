"""Click a matrix or white-space cell to see its ads: buttons wired to `AdsExplorer.focus`.

A grid of buttons (brand × angle, coloured by share) rather than plotly click events: it
works the same in JupyterLab and Voilà without a front-end extension.
"""

from __future__ import annotations

from html import escape

import polars as pl

from creative_workbench.reports.explorer.widget import AdsExplorer
from creative_workbench.research.lexicon import ANGLE_NAMES
from creative_workbench.research.market import competitive_matrix

LOW, HIGH = (244, 247, 250), (47, 93, 138)
WHITE_SPACE_SHOWN = 10
MATRIX_BRANDS = 12  # the brands with most ads; the brand filter reaches the others


def share_colour(share: float, top: float) -> str:
    """A blue whose depth grows with SHARE (relative to the largest share TOP)."""
    weight = 0.0 if top <= 0 else max(0.0, min(1.0, share / top))
    rgb = (round(lo + (hi - lo) * weight) for lo, hi in zip(LOW, HIGH, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def matrix_picker(explorer: AdsExplorer, column: str = "angles", dimension: str = "angle"):
    """Brand × label buttons showing each brand's share (the MATRIX_BRANDS biggest brands);
    a click shows those ads."""
    import ipywidgets as widgets

    if column not in explorer.ads.columns or explorer.ads.is_empty():
        return widgets.HTML("")
    biggest = (
        explorer.ads.group_by("brand")
        .len()
        .sort(["len", "brand"], descending=[True, False])
        .head(MATRIX_BRANDS)
        .get_column("brand")
    )
    known = list(ANGLE_NAMES.values()) if column == "angles" else None
    matrix = competitive_matrix(
        explorer.ads.filter(pl.col("brand").is_in(biggest.implode())), column, known
    )
    labels = [c for c in matrix.columns if c not in ("brand", "none")]
    top = max((matrix.get_column(c).max() or 0.0) for c in labels) if labels else 0.0
    cells = [widgets.HTML("")]
    cells += [widgets.HTML(f"<small>{escape(str(label))}</small>") for label in labels]
    for row in matrix.iter_rows(named=True):
        cells.append(widgets.HTML(f"<strong>{escape(str(row['brand']))}</strong>"))
        for label in labels:
            share = float(row[label] or 0.0)
            button = widgets.Button(
                description=f"{share:.0%}",
                tooltip=f"{row['brand']} × {label}: click to see these ads",
                layout=widgets.Layout(width="auto"),
            )
            button.style.button_color = share_colour(share, top)
            button.style.text_color = "#ffffff" if share > top / 2 else "#1d2428"
            button.add_class("wb-cell")
            button.on_click(
                lambda _b, brand=row["brand"], label=label: explorer.focus(brand, dimension, label)
            )
            cells.append(button)
    return widgets.GridBox(
        cells,
        layout=widgets.Layout(
            grid_template_columns=f"160px repeat({len(labels)}, minmax(70px, 1fr))",
            grid_gap="2px",
        ),
    )


def white_space_picker(explorer: AdsExplorer, white_space: pl.DataFrame | None):
    """One button per white-space label (best gaps first); a click shows the ads using it."""
    import ipywidgets as widgets

    if white_space is None or white_space.is_empty():
        return widgets.HTML("<p>No white space found.</p>")
    buttons = []
    for row in white_space.head(WHITE_SPACE_SHOWN).iter_rows(named=True):
        button = widgets.Button(
            description=f"{row['dimension']}: {row['label']} ({row['ads']} ads)",
            tooltip="click to see the ads that use it",
            layout=widgets.Layout(width="auto"),
        )
        button.add_class("wb-gap")
        button.on_click(
            lambda _b, d=row["dimension"], label=row["label"]: explorer.focus(None, d, label)
        )
        buttons.append(button)
    return widgets.HBox(buttons, layout=widgets.Layout(flex_flow="row wrap"))
