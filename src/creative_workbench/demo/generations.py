"""Stand-in generated images for the demo: brand-coloured compositions drawn with Pillow,
carrying real ComfyUI / Automatic1111 / Midjourney metadata, with planted defects.

`write_stand_in_generations(folder, briefs, palette)` writes the folder a producer would
get back from the image tools and returns what each file is meant to be (`StandIn`), so a
test or the demo truth can check that import and prefilter find exactly that.
`write_demo_generations(project_dir)` does it for the demo project (after its briefs).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import polars as pl
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from creative_workbench.demo.brand import PALETTE
from creative_workbench.demo.generation_meta import (
    NEGATIVE,
    a1111_exif,
    a1111_parameters,
    a1111_pnginfo,
    comfyui_graphs,
    comfyui_pnginfo,
    midjourney_name,
    truncate,
)

OFF_PALETTE = ("#39FF14", "#8A2BE2", "#FFE600", "#FF1493", "#00FFFF")
SIZES = {"9:16": (756, 1344), "4:5": (896, 1120), "1:1": (1024, 1024), "16:9": (1344, 756)}
TEXT_COLUMNS = ("headline", "angle", "offer", "cta")
DEMO_FOLDER = "raw/generations"
TRUTH_FILE = "demo_truth/generations_truth.json"


@dataclass(frozen=True)
class StandIn:
    """One stand-in file: the brief it belongs to (None: unlinked), its tool and defect."""

    file: str
    brief_id: str | None
    link_source: str  # comfyui | a1111 | midjourney | filename | none | problem
    # aspect, resolution, palette, blur, exposure, text, truncated, None (a good image), or
    # near_duplicate: one of three copies, of which the prefilter keeps the best-scoring
    defect: str | None


def _rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def compose(
    size: tuple[int, int], colours: list[str], seed: int, text: str | None = None
) -> Image.Image:
    """A directional composition: flat colour fields, a sun, a band, stripes, film grain."""
    rng = np.random.default_rng(seed)
    width, height = size
    fill = [_rgb(c) for c in colours]
    image = Image.new("RGB", size, fill[0])
    draw = ImageDraw.Draw(image)
    horizon = int(height * rng.uniform(0.4, 0.75))
    draw.rectangle((0, horizon, width, height), fill=fill[1 % len(fill)])
    for _ in range(int(rng.integers(2, 5))):  # scattered shapes: each image its own layout
        x, y = int(rng.uniform(0, width)), int(rng.uniform(0, height))
        r = int(min(size) * rng.uniform(0.05, 0.18))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x - r, y - r, x + r, y + r), fill=fill[int(rng.integers(0, len(fill)))])
    radius = int(min(size) * rng.uniform(0.14, 0.22))
    cx, cy = int(width * rng.uniform(0.2, 0.8)), int(horizon * rng.uniform(0.3, 0.7))
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=fill[2 % len(fill)])
    band = int(height * 0.06)
    rise = band * int(rng.choice([-3, -2, 2, 3]))
    draw.polygon(
        [
            (0, horizon - band),
            (width, horizon - band + rise),
            (width, horizon + rise),
            (0, horizon),
        ],
        fill=fill[3 % len(fill)],
    )
    shoe = (int(width * 0.2), int(horizon + band), int(width * 0.8), int(horizon + 3.2 * band))
    draw.rounded_rectangle(shoe, radius=band, fill=fill[4 % len(fill)])
    for x in range(shoe[0] + band, shoe[2] - band, max(8, band // 2)):
        draw.line((x, shoe[1] + 6, x + band // 2, shoe[3] - 6), fill=fill[0], width=3)
    if text:
        font = ImageFont.load_default(size=max(24, width // 11))
        draw.text(
            (width // 2, int(height * 0.12)),
            text,
            font=font,
            fill=fill[2 % len(fill)],
            anchor="mm",
            stroke_width=2,
            stroke_fill=fill[0],
        )
    grain = rng.normal(0, 7, (height, width, 1))
    pixels = np.clip(np.asarray(image, dtype=np.float64) + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels)


def brief_prompt(row: dict) -> str:
    """The prompt a producer would have sent for a brief (its `prompt`, else its words)."""
    if row.get("prompt"):
        return str(row["prompt"])
    parts = [str(row[c]) for c in TEXT_COLUMNS if row.get(c)]
    return ", ".join(parts) or f"running shoe advert for brief {row['brief_id']}"


def _aspects(row: dict) -> list[str]:
    value = row.get("aspects") or row.get("aspect") or ["9:16"]
    found = [value] if isinstance(value, str) else [str(a) for a in value]
    return [a for a in found if a in SIZES] or ["1:1"]


def write_stand_in_generations(
    folder: Path, briefs: pl.DataFrame, palette: list[str], seed: int = 7
) -> list[StandIn]:
    """Write the stand-in generations for BRIEFS (at least one row) into FOLDER."""
    if briefs.is_empty():
        raise ValueError("stand-in generations need at least one brief")
    folder.mkdir(parents=True, exist_ok=True)
    rows = [briefs.row(i % briefs.height, named=True) for i in range(4)]
    ids = [str(r["brief_id"]) for r in rows]
    prompts = [brief_prompt(r) for r in rows]
    sizes = [SIZES[_aspects(r)[0]] for r in rows]
    brand = list(palette)
    made: list[StandIn] = []

    def comfy(name, brief, size, colours, s, defect, text=None, quoted=None, brief_id=None):
        positive = prompts[brief] + (f', headline text "{quoted}"' if quoted else "")
        api, workflow = comfyui_graphs(positive, NEGATIVE, size, s, f"cw_{ids[brief]}")
        compose(size, colours, s, text).save(folder / name, pnginfo=comfyui_pnginfo(api, workflow))
        made.append(StandIn(name, brief_id or ids[brief], "comfyui", defect))

    comfy(f"cw_{ids[0]}_00001_.png", 0, sizes[0], brand, seed, None)
    comfy(f"cw_{ids[1]}_00001_.png", 1, sizes[1], brand[::-1], seed + 1, None)
    comfy(f"cw_{ids[0]}_00002_.png", 0, sizes[0], list(OFF_PALETTE), seed + 2, "palette")
    wrong = "16:9" if "16:9" not in _aspects(rows[1]) else "9:16"
    comfy(f"cw_{ids[1]}_00002_.png", 1, SIZES[wrong], brand, seed + 3, "aspect")
    small = (sizes[0][0] // 3, sizes[0][1] // 3)
    comfy(f"cw_{ids[0]}_00003_.png", 0, small, brand, seed + 4, "resolution")
    comfy(
        f"cw_{ids[2]}_00001_.png",
        2,
        sizes[2],
        brand[1:] + brand[:1],
        seed + 5,
        "text",
        text="RNU FURHTER",
        quoted="RUN FURTHER",
    )
    comfy(
        f"cw_{ids[3]}_00001_.png",
        3,
        sizes[3],
        brand[2:] + brand[:2],
        seed + 6,
        None,
        text="RUN FURTHER",
        quoted="RUN FURTHER",
    )

    def a1111(name, brief, colours, s, defect, blur=0.0, dark=1.0):
        image = compose(sizes[brief], colours, s)
        if blur:
            image = image.filter(ImageFilter.GaussianBlur(blur))
        if dark < 1.0:
            image = Image.eval(image, lambda v: int(v * dark))
        parameters = a1111_parameters(prompts[brief], sizes[brief], s)
        if name.endswith(".png"):
            image.save(folder / name, pnginfo=a1111_pnginfo(parameters))
        else:
            image.save(folder / name, exif=a1111_exif(parameters), quality=90)
        made.append(StandIn(name, ids[brief], "a1111", defect))

    a1111(f"00012-{seed * 1000 + 12}.png", 2, brand, seed + 12, None)
    a1111(f"00013-{seed * 1000 + 13}.jpg", 2, brand[::-1], seed + 13, "blur", blur=6.0)
    a1111(f"00014-{seed * 1000 + 14}.webp", 3, brand, seed + 14, "exposure", dark=0.12)

    hero = compose(sizes[3], brand[1:] + brand[:1], seed + 20)
    mj = midjourney_name("northwind", prompts[3], seed + 20)
    hero.save(folder / mj)
    made.append(StandIn(mj, ids[3], "midjourney", "near_duplicate"))
    variant = hero.resize((sizes[3][0] * 3 // 4, sizes[3][1] * 3 // 4), Image.Resampling.LANCZOS)
    mj_variant = midjourney_name("northwind", prompts[3], seed + 20, variant=1)
    variant.save(folder / mj_variant)
    made.append(StandIn(mj_variant, ids[3], "midjourney", "near_duplicate"))
    hero.save(folder / f"{ids[3]}_hero_final.jpg", quality=70)
    made.append(StandIn(f"{ids[3]}_hero_final.jpg", ids[3], "filename", "near_duplicate"))

    compose(sizes[1], brand[3:] + brand[:3], seed + 30).save(
        folder / f"{ids[1]}_hero_v2.jpg", quality=88
    )
    made.append(StandIn(f"{ids[1]}_hero_v2.jpg", ids[1], "filename", None))
    compose(SIZES["1:1"], brand, seed + 31).save(folder / "IMG_4821.png")
    made.append(StandIn("IMG_4821.png", None, "none", None))
    compose(SIZES["4:5"], brand[::-1], seed + 32).save(folder / "moodboard_final.webp")
    made.append(StandIn("moodboard_final.webp", None, "none", None))

    broken = f"cw_{ids[2]}_00002_.png"
    comfy(broken, 2, sizes[2], brand, seed + 40, "truncated")
    truncate(folder / broken)
    made[-1] = StandIn(broken, None, "problem", "truncated")
    return made


def write_demo_generations(project_dir: Path, seed: int = 7) -> Path:
    """Stand-ins for the demo project's briefs (concepts/briefs.parquet) in raw/generations/,
    and what each is meant to be in demo_truth/generations_truth.json; returns the folder."""
    briefs_path = project_dir / "concepts" / "briefs.parquet"
    if not briefs_path.is_file():
        raise FileNotFoundError(f"{briefs_path}: build the demo briefs before its generations")
    folder = project_dir / DEMO_FOLDER
    made = write_stand_in_generations(
        folder, pl.read_parquet(briefs_path), list(PALETTE.values()), seed
    )
    truth = project_dir / TRUTH_FILE
    truth.parent.mkdir(parents=True, exist_ok=True)
    truth.write_text(json.dumps([asdict(m) for m in made], indent=2) + "\n", "utf-8")
    return folder
