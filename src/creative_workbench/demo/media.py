"""Still images for the demo: deliverable scene frames and competitor ad images (Pillow)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont


@dataclass(frozen=True)
class SafeBox:
    """The area (pixels) where text and logos may go: the frame minus UI overlays."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


def safe_box(size: tuple[int, int], zone: dict[str, float], margin_pct: float = 5.0) -> SafeBox:
    """Pixel box inside SIZE leaving the safe-zone % (at least MARGIN_PCT) on each side."""
    width, height = size

    def pct(side: str) -> float:
        return max(zone.get(side, 0.0), margin_pct) / 100 + 0.01

    return SafeBox(
        int(width * pct("left")),
        int(height * pct("top")),
        int(width * (1 - pct("right"))),
        int(height * (1 - pct("bottom"))),
    )


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's bundled scalable font (works offline, no system fonts needed)."""
    return ImageFont.load_default(size=size)


def hex_rgb(value: str) -> tuple[int, int, int]:
    """'#rrggbb' to an RGB triple."""
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def wrap_to_width(
    text: str, width: int, start_size: int, min_size: int = 24
) -> tuple[list[str], int]:
    """Break TEXT into lines that fit WIDTH, shrinking the font size when needed."""
    size = start_size
    while True:
        lines: list[str] = []
        for word in text.split():
            candidate = f"{lines[-1]} {word}" if lines else word
            if lines and font(size).getlength(candidate) <= width:
                lines[-1] = candidate
            else:
                lines.append(word)
        if all(font(size).getlength(line) <= width for line in lines) or size <= min_size:
            return lines, size
        size = int(size * 0.9)


def draw_text_block(
    draw: ImageDraw.ImageDraw,
    text: str,
    box: SafeBox,
    centre_y: int,
    size: int,
    fill: tuple[int, int, int],
) -> None:
    """Draw TEXT centred horizontally in BOX around CENTRE_Y, wrapped to the box width."""
    lines, size = wrap_to_width(text, box.width, size)
    step = int(size * 1.15)
    top = centre_y - step * len(lines) // 2
    cx = (box.left + box.right) // 2
    for index, line in enumerate(lines):
        draw.text(
            (cx, top + index * step + step // 2), line, font=font(size), fill=fill, anchor="mm"
        )


def draw_shoe(
    draw: ImageDraw.ImageDraw,
    box: SafeBox,
    centre_y: int,
    colours: tuple[tuple[int, int, int], tuple[int, int, int]],
) -> None:
    """A flat, stylised running-shoe silhouette (upper and sole) in two colours."""
    w = int(min(box.width * 0.7, box.height * 0.8))
    h = int(w * 0.38)
    x0 = (box.left + box.right - w) // 2
    y0 = centre_y - h // 2
    upper = [
        (x0 + w * 0.05, y0 + h * 0.75),
        (x0 + w * 0.12, y0 + h * 0.15),
        (x0 + w * 0.35, y0 + h * 0.05),
        (x0 + w * 0.5, y0 + h * 0.4),
        (x0 + w * 0.95, y0 + h * 0.55),
        (x0 + w, y0 + h * 0.78),
    ]
    draw.polygon(upper, fill=colours[0])
    draw.rounded_rectangle((x0, y0 + h * 0.74, x0 + w, y0 + h), radius=h // 8, fill=colours[1])


def paste_logo(
    frame: Image.Image, logo: Image.Image, box: SafeBox, width_pct: float, anchor: str = "top"
) -> None:
    """Composite LOGO at WIDTH_PCT of the frame width, top-left or centred in BOX."""
    width = int(frame.width * width_pct / 100)
    height = int(logo.height * width / logo.width)
    scaled = logo.resize((width, height), Image.Resampling.LANCZOS)
    if anchor == "top":
        position = (box.left, box.top)
    else:
        position = ((box.left + box.right - width) // 2, box.top + int(box.height * 0.12))
    frame.paste(scaled, position, scaled)


def competitor_image(
    headline: str, brand: str, palette: tuple[str, str, str], size: tuple[int, int] = (540, 540)
) -> Image.Image:
    """A competitor ad still: palette background, headline, brand name and an accent bar."""
    background, accent, text = (hex_rgb(c) for c in palette)
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    box = safe_box(size, {}, margin_pct=7.0)
    draw.rectangle((0, int(size[1] * 0.82), size[0], size[1]), fill=accent)
    draw_text_block(draw, headline, box, int(size[1] * 0.38), 46, text)
    draw.text(
        (size[0] // 2, int(size[1] * 0.91)),
        brand.upper(),
        font=font(30),
        fill=background,
        anchor="mm",
    )
    return image


def to_array(image: Image.Image) -> np.ndarray:
    """An RGB image as an (H, W, 3) uint8 array."""
    return np.asarray(image.convert("RGB"), dtype=np.uint8)
