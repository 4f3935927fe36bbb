"""Geometry of a concept card: its pixel size per aspect, the placement's safe area and
where the logo, visual, headline, offer and CTA button go inside it.

Boxes are pixel (x0, y0, x1, y1). Everything but the full-bleed background sits inside the
safe area: the frame minus the placement's UI overlay margins (placements.toml
`safe_zone`, % of height for top/bottom and of width for left/right) minus a padding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from creative_workbench.placements import Placement

CARD_SIZES: dict[str, tuple[int, int]] = {
    "9:16": (1080, 1920),
    "4:5": (1080, 1350),
    "1:1": (1080, 1080),
    "16:9": (1920, 1080),
}
PADDING = 0.05  # of the frame's short side, inside the safe area
LOGO_WIDTH = 0.26  # of the content width (portrait and square); the gate wants ≥ 5 % of frame
LOGO_HEIGHT = 0.2  # at most, of the content height
GAP = 0.03  # between blocks, of the content height

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class CardLayout:
    """Where each element of one card goes (pixel boxes)."""

    size: tuple[int, int]
    safe: Box
    logo: Box
    visual: Box
    headline: Box
    offer: Box
    button: Box


def card_size(aspect: str, placement: Placement | None = None) -> tuple[int, int]:
    """Pixel size of a card for ASPECT ('9:16', '4:5', '1:1', '16:9'), scaled up (same
    aspect) where PLACEMENT's minimum resolution asks for longer sides, as the QA gate
    reads it: short side ≥ the minimum's short side, long side ≥ its long side."""
    if aspect not in CARD_SIZES:
        raise ValueError(f"no card size for aspect {aspect!r}; use one of {', '.join(CARD_SIZES)}")
    width, height = CARD_SIZES[aspect]
    if placement is None or not placement.min_resolution:
        return width, height
    short, long = sorted((width, height))
    scale = max(1.0, min(placement.min_resolution) / short, max(placement.min_resolution) / long)
    if placement.max_resolution:
        scale = min(scale, max(1.0, max(placement.max_resolution) / long))
    return math.ceil(width * scale), math.ceil(height * scale)


def safe_area(size: tuple[int, int], placement: Placement) -> Box:
    """The frame minus the placement's overlay margins and the padding (pixels)."""
    width, height = size
    zone = placement.safe_zone
    pad = round(PADDING * min(size))
    return (
        math.ceil(width * zone.left / 100) + pad,
        math.ceil(height * zone.top / 100) + pad,
        math.floor(width * (1 - zone.right / 100)) - pad,
        math.floor(height * (1 - zone.bottom / 100)) - pad,
    )


def _rows(x0: int, x1: int, top: int, heights: list[int], gap: int) -> list[Box]:
    boxes, y = [], top
    for h in heights:
        boxes.append((x0, y, x1, y + h))
        y += h + gap
    return boxes


def plan(aspect: str, placement: Placement, logo_aspect: float) -> CardLayout:
    """The layout of an ASPECT card for PLACEMENT with a logo of LOGO_ASPECT (width/height).

    Portrait and square: logo, visual, headline, offer and button stacked. Landscape: text
    column on the left, visual on the right.
    """
    size = card_size(aspect, placement)
    safe = safe_area(size, placement)
    x0, y0, x1, y1 = safe
    width, height = x1 - x0, y1 - y0
    gap = round(GAP * height)
    if size[0] > size[1]:
        column = round(width * 0.5)
        text_x1 = x0 + column
        logo_h = max(1, min(round(column * 0.5 / logo_aspect), round(height * LOGO_HEIGHT)))
        logo_w = round(logo_h * logo_aspect)
        rest = height - logo_h - 3 * gap
        heights = [logo_h, *(round(rest * s) for s in (0.5, 0.18, 0.26))]
        logo, headline, offer, button = _rows(x0, text_x1, y0, heights, gap)
        visual = (text_x1 + gap, y0, x1, y1)
    else:
        logo_h = max(1, min(round(width * LOGO_WIDTH / logo_aspect), round(height * LOGO_HEIGHT)))
        logo_w = round(logo_h * logo_aspect)
        rest = height - logo_h - 4 * gap
        shares = (0.44, 0.27, 0.09, 0.12) if size[1] > size[0] * 1.1 else (0.36, 0.3, 0.1, 0.14)
        heights = [logo_h, *(round(rest * s) for s in shares)]
        logo, visual, headline, offer, button = _rows(x0, x1, y0, heights, gap)
    logo = (logo[0], logo[1], logo[0] + logo_w, logo[1] + logo_h)
    return CardLayout(size, safe, logo, visual, headline, offer, button)


def inside(box: Box, area: Box) -> bool:
    """True when BOX lies entirely within AREA."""
    return box[0] >= area[0] and box[1] >= area[1] and box[2] <= area[2] and box[3] <= area[3]
