"""The client's brand guide: Northwind Running's _brand.yml and its logo files."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

CLIENT = "Northwind Running"
PALETTE: dict[str, str] = {
    "ink": "#14213D",
    "fjord": "#1F6F8B",
    "frost": "#F2F5F7",
    "signal": "#FF6B35",
    "pine": "#2E5E4E",
}
ROLES = {"foreground": "ink", "background": "frost", "primary": "signal", "secondary": "fjord"}
LOGO_FILE = "brand/logo.png"
LOGO_SMALL_FILE = "brand/logo_small.png"
LOGO_SIZE = (640, 200)

BRAND_YML = f"""\
meta:
  name:
    full: {CLIENT}
    short: Northwind
  link:
    home: https://northwind-running.example

logo:
  small: {LOGO_SMALL_FILE}
  medium: {LOGO_FILE}

color:
  palette:
{chr(10).join(f'    {name}: "{value}"' for name, value in PALETTE.items())}
  foreground: {ROLES["foreground"]}
  background: {ROLES["background"]}
  primary: {ROLES["primary"]}
  secondary: {ROLES["secondary"]}

typography:
  fonts:
    - family: Inter
      source: system
    - family: Archivo Black
      source: system
  base: Inter
  headings: Archivo Black
"""


def rgb(name: str) -> tuple[int, int, int]:
    """A palette colour as an RGB triple."""
    value = PALETTE[name]
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def draw_logo(size: tuple[int, int] = LOGO_SIZE) -> Image.Image:
    """The Northwind wordmark: a frost badge with an ink emblem, wind chevrons and the name."""
    width, height = size
    logo = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    radius = height // 5
    draw.rounded_rectangle(
        (0, 0, width - 1, height - 1),
        radius,
        fill=(*rgb("frost"), 255),
        outline=(*rgb("ink"), 255),
        width=max(2, height // 40),
    )
    pad = height // 6
    emblem = (pad, pad, height - pad, height - pad)
    draw.ellipse(emblem, fill=(*rgb("ink"), 255))
    cx, cy, r = height // 2, height // 2, (height - 2 * pad) // 2
    for offset in (r // 12, r // 12 + r // 3):
        points = [
            (cx - r // 2 + offset, cy - r // 2),
            (cx + offset, cy),
            (cx - r // 2 + offset, cy + r // 2),
        ]
        draw.line(points, fill=(*rgb("signal"), 255), width=max(3, r // 5), joint="curve")
    font = ImageFont.load_default(size=int(height * 0.34))
    text_x = height + pad // 2
    draw.text((text_x, height * 0.40), "NORTHWIND", font=font, fill=(*rgb("ink"), 255), anchor="lm")
    small = ImageFont.load_default(size=int(height * 0.16))
    draw.text(
        (text_x + 4, height * 0.72),
        "RUNNING CO.",
        font=small,
        fill=(*rgb("fjord"), 255),
        anchor="lm",
    )
    return logo


def write_brand(project_dir: Path) -> Path:
    """Write _brand.yml and brand/logo*.png into PROJECT_DIR; returns the brand file."""
    (project_dir / "brand").mkdir(parents=True, exist_ok=True)
    logo = draw_logo()
    logo.save(project_dir / LOGO_FILE, optimize=False)
    logo.resize((LOGO_SIZE[0] // 4, LOGO_SIZE[1] // 4), Image.Resampling.LANCZOS).save(
        project_dir / LOGO_SMALL_FILE
    )
    path = project_dir / "_brand.yml"
    path.write_text(BRAND_YML, "utf-8")
    return path
