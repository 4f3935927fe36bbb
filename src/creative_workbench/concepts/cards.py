"""Concept cards: a directional layout PNG per brief and aspect, in the brand's palette,
fonts and logo, with every element inside the placement's safe area (layout.py).

Colours come from the brand guide's roles (background, foreground, primary, secondary),
else from its palette by lightness. Fonts: a file for one of the guide's families in the
project's brand/ folder or the system font folders, else the bundled DejaVu Sans
(concepts/fonts/, Bitstream Vera licence).
"""

from __future__ import annotations

import colorsys
import io
import re
from collections import deque
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
from PIL import Image, ImageDraw, ImageFont

from creative_workbench.atomic import atomic_write_bytes
from creative_workbench.brand_guide import BrandGuide, hex_to_rgb
from creative_workbench.concepts.briefs import prune
from creative_workbench.concepts.hooks import offer_line
from creative_workbench.concepts.layout import Box, CardLayout, plan
from creative_workbench.concepts.schemas import CardsSchema
from creative_workbench.placements import get_placement
from creative_workbench.schemas import validate

FONT_SUFFIXES = (".ttf", ".otf")
SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path.home() / ".local/share/fonts",
)
FALLBACK_BOLD = "DejaVuSans-Bold.ttf"
FALLBACK_REGULAR = "DejaVuSans.ttf"
CARDS_DIR = "cards"
CARDS_FILE = "cards.parquet"
PNG_COMPRESS_LEVEL = 1
MIN_FONT_PX = 12
RGB = tuple[int, int, int]


@dataclass(frozen=True)
class CardStyle:
    """What every card of a project shares: colours, font files, logo, brand name."""

    background: RGB
    foreground: RGB
    primary: RGB
    secondary: RGB
    headline_font: Path
    body_font: Path
    logo: Path | None
    brand: str


def _lightness(rgb: RGB) -> float:
    return colorsys.rgb_to_hls(*(c / 255 for c in rgb))[1]


def _contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(rgb: RGB) -> float:
        linear = [(c / 255 / 12.92) if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def find_font(families: Sequence[str], folders: Sequence[Path], bold: bool) -> Path | None:
    """A font file for the first of FAMILIES found in FOLDERS (bold or regular preferred)."""
    files = [
        p for folder in folders if folder.is_dir() for p in sorted(folder.rglob("*"))
        if p.suffix.lower() in FONT_SUFFIXES
    ]  # fmt: skip
    for family in families:
        wanted = _normalise(family)
        matches = [p for p in files if _normalise(p.stem).startswith(wanted)] if wanted else []
        if matches:
            weight = "bold" if bold else "regular"
            return next((p for p in matches if weight in p.stem.lower()), matches[0])
    return None


def bundled_font(name: str) -> Path:
    """A bundled fallback font file (concepts/fonts/)."""
    return Path(str(resources.files("creative_workbench.concepts").joinpath("fonts", name)))


def card_style(brand: BrandGuide, brand_dir: Path) -> CardStyle:
    """The cards' style from the brand guide; fonts found in BRAND_DIR or the system."""
    palette = [hex_to_rgb(v) for v in brand.palette.values()] or [(255, 255, 255), (0, 0, 0)]
    by_light = sorted(palette, key=_lightness)
    role = {k: hex_to_rgb(v) for k, v in brand.roles.items()}
    background = role.get("background", by_light[-1])
    foreground = role.get("foreground", by_light[0])
    rest = [c for c in palette if c not in (background, foreground)] or [foreground]
    primary = role.get("primary", max(rest, key=lambda c: colorsys.rgb_to_hsv(*c)[1]))
    secondary = role.get("secondary", next((c for c in rest if c != primary), foreground))
    folders = [brand_dir, *SYSTEM_FONT_DIRS]
    families = list(reversed(brand.fonts))  # brand.yml lists base before headings
    logo = next((brand.logos[k] for k in ("medium", "large", "small") if k in brand.logos), None)
    logo = logo or next(iter(brand.logos.values()), None)
    return CardStyle(
        background,
        foreground,
        primary,
        secondary,
        find_font(families, folders, True) or bundled_font(FALLBACK_BOLD),
        find_font(list(brand.fonts), folders, False) or bundled_font(FALLBACK_REGULAR),
        logo if logo is not None and logo.suffix.lower() != ".svg" else None,
        brand.name,
    )


@lru_cache(maxsize=64)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=8)
def _logo(path: str, width: int, height: int) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("RGBA").resize((width, height), Image.Resampling.LANCZOS)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(trial) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines or [""]


def fit_text(
    text: str, font_path: Path, box: Box, max_size: int
) -> tuple[ImageFont.FreeTypeFont, list[str], int]:
    """The largest font (≤ MAX_SIZE, ≥ MIN_FONT_PX) whose wrapped TEXT fits BOX: (font,
    lines, line height); text too long even then keeps the lines that fit, cut with '…'."""
    width, height = box[2] - box[0], box[3] - box[1]
    size = max_size
    while True:
        font = _font(str(font_path), size)
        lines = _wrap(text, font, width)
        ascent, descent = font.getmetrics()
        line_height = round((ascent + descent) * 1.08)
        widest = max(font.getlength(line) for line in lines)
        if line_height * len(lines) <= height and widest <= width:
            return font, lines, line_height
        if size <= MIN_FONT_PX:  # still too long: keep the lines that fit, mark the cut
            kept = lines[: max(1, height // line_height)]
            if len(kept) < len(lines):
                kept[-1] = kept[-1].rstrip(".") + "…"
            for i, line in enumerate(kept):
                while len(line) > 1 and font.getlength(line) > width:
                    line = line[:-2] + "…"
                kept[i] = line
            return font, kept, line_height
        size = max(MIN_FONT_PX, int(size * 0.9))


def _text(
    draw: ImageDraw.ImageDraw,
    text: str,
    font_path: Path,
    box: Box,
    fill: RGB,
    max_size: int,
    centre: bool = False,
) -> None:
    font, lines, line_height = fit_text(text, font_path, box, max_size)
    top = box[1] + (((box[3] - box[1]) - line_height * len(lines)) // 2 if centre else 0)
    anchor = "ma" if centre else "la"
    for i, line in enumerate(lines):
        x = (box[0] + box[2]) / 2 if centre else box[0]
        y = top + i * line_height
        left, _, right, _ = draw.textbbox((x, y), line, font=font, anchor=anchor)
        x += max(0, box[0] - left) - max(0, right - box[2])  # ink stays inside the box
        draw.text((x, y), line, font=font, fill=fill, anchor=anchor)


def _inclusive(box: Box) -> Box:
    """BOX for Pillow's shape drawing, which paints the end coordinates too."""
    return box[0], box[1], box[2] - 1, box[3] - 1


def render_card(
    brief: Mapping[str, Any], aspect: str, style: CardStyle
) -> tuple[Image.Image, CardLayout]:
    """The card of BRIEF (headline, offer, cta, angle, placement) at ASPECT, and its layout."""
    placement = get_placement(str(brief["placement"]))
    logo_aspect = 3.2
    if style.logo is not None:
        with Image.open(style.logo) as image:
            logo_aspect = image.width / max(1, image.height)
    layout = plan(aspect, placement, logo_aspect)
    card = Image.new("RGB", layout.size, style.background)
    draw = ImageDraw.Draw(card)
    short = min(layout.size)
    if style.logo is not None:
        x0, y0, x1, y1 = layout.logo
        mark = _logo(str(style.logo), x1 - x0, y1 - y0)
        card.paste(mark, (x0, y0), mark)
    else:
        _text(
            draw,
            style.brand or "logo",
            style.headline_font,
            layout.logo,
            style.foreground,
            short // 14,
        )
    radius = round(short * 0.03)
    draw.rounded_rectangle(_inclusive(layout.visual), radius, fill=style.secondary)
    vx0, vy0, vx1, vy1 = layout.visual
    label_box = (vx0 + radius, vy0 + radius, vx1 - radius, vy1 - radius)
    label = f"visual: {brief.get('angle', '')} · {brief.get('format', '')}"
    label_fill = max(
        (style.background, style.foreground), key=lambda c: _contrast(c, style.secondary)
    )
    _text(draw, label, style.body_font, label_box, label_fill, short // 26, centre=True)
    _text(
        draw,
        str(brief["headline"]),
        style.headline_font,
        layout.headline,
        style.foreground,
        short // 11,
    )
    line = offer_line(str(brief.get("offer") or ""))
    if line:
        _text(draw, line, style.body_font, layout.offer, style.secondary, short // 22)
    bx0, by0, bx1, by1 = layout.button
    cta = str(brief["cta"])
    font, _, _ = fit_text(cta, style.headline_font, (bx0, by0, bx1 - 2 * radius, by1), short // 18)
    button_w = min(bx1 - bx0, round(font.getlength(cta)) + 4 * radius)
    button = (bx0, by0, bx0 + button_w, by1)
    draw.rounded_rectangle(_inclusive(button), radius, fill=style.primary)
    cta_fill = max((style.background, style.foreground), key=lambda c: _contrast(c, style.primary))
    _text(
        draw,
        cta,
        style.headline_font,
        (bx0 + radius, by0, bx0 + button_w - radius, by1),
        cta_fill,
        font.size,
        centre=True,
    )
    return card, layout


def card_name(brief_id: str, aspect: str) -> str:
    """The card's file name: '{brief_id}_{aspect}.png' with ':' as 'x' ('9x16')."""
    return f"{brief_id}_{aspect.replace(':', 'x')}.png"


def png_bytes(image: Image.Image) -> bytes:
    """IMAGE as PNG bytes (fast compression: cards are flat colour)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def _save(image: Image.Image, path: Path) -> None:
    atomic_write_bytes(path, png_bytes(image))


def write_cards(
    briefs: pl.DataFrame, concepts_dir: Path, style: CardStyle, workers: int
) -> pl.DataFrame:
    """Render and write every brief's cards (one per aspect in its `aspects`) under
    CONCEPTS_DIR/cards/; returns the cards table, QA not yet run ('unchecked').

    Cards are drawn on this thread (fonts are shared) and PNG-encoded on WORKERS threads
    (zlib releases the GIL); at most twice WORKERS cards wait in memory.
    """
    rows, pending = [], deque()
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for brief in briefs.iter_rows(named=True):
            for aspect in brief["aspects"]:
                image, _ = render_card(brief, aspect, style)
                path = concepts_dir / CARDS_DIR / card_name(brief["brief_id"], aspect)
                pending.append(pool.submit(_save, image, path))
                while len(pending) > 2 * max(1, workers):
                    pending.popleft().result()
                rows.append(
                    {
                        "brief_id": brief["brief_id"],
                        "aspect": aspect,
                        "placement": brief["placement"],
                        "file": f"{concepts_dir.name}/{CARDS_DIR}/{path.name}",
                        "width": image.width,
                        "height": image.height,
                        "font": style.headline_font.name,
                        "qa": "unchecked",
                        "qa_notes": "",
                        "ready": False,
                    }
                )
        for future in pending:
            future.result()
    prune(concepts_dir / CARDS_DIR, {Path(r["file"]).name for r in rows}, "*.png")
    return cards_frame(rows)


def cards_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Card rows as a CardsSchema table."""
    schema = {
        "brief_id": pl.Utf8, "aspect": pl.Utf8, "placement": pl.Utf8, "file": pl.Utf8,
        "width": pl.Int64, "height": pl.Int64, "font": pl.Utf8, "qa": pl.Utf8,
        "qa_notes": pl.Utf8, "ready": pl.Boolean,
    }  # fmt: skip
    return validate(pl.DataFrame(rows, schema=schema), CardsSchema, "cards")


def write_cards_table(cards: pl.DataFrame, concepts_dir: Path) -> Path:
    """Write cards.parquet atomically (checked against CardsSchema)."""
    buffer = io.BytesIO()
    validate(cards, CardsSchema, concepts_dir / CARDS_FILE).write_parquet(buffer)
    return atomic_write_bytes(concepts_dir / CARDS_FILE, buffer.getvalue())
