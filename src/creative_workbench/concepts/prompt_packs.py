"""Prompt packs per brief for image tools, in each tool's documented syntax.

- Flux (FLUX.1 [dev], diffusers `FluxPipeline` argument names) and SDXL (diffusers
  `StableDiffusionXLPipeline` names): prompt, negative prompt, width/height in multiples of
  64 near one megapixel for the aspect, seed, steps and guidance.
- Midjourney: `/imagine prompt: ... --ar W:H --no a, b --style raw --seed N` (parameters
  at the end; `--no` takes a comma-separated list; seeds 0-4294967295).
- ComfyUI: an API-format graph (what "Save (API)" exports and `POST /prompt` takes as
  `prompt`): node id -> {class_type, inputs}, links as [node id, output index]; the
  standard txt2img graph, SaveImage's filename_prefix carrying the brief id.

Images carry no text: headline, offer and CTA are set in layout (the cards), so every
pack asks for clear space and excludes lettering. Seeds derive from the brief id.
"""

from __future__ import annotations

import colorsys
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from creative_workbench.atomic import atomic_write_files
from creative_workbench.concepts.briefs import prune
from creative_workbench.placements import get_placement

PACKS_DIR = "packs"
NEGATIVE = (
    "text", "letters", "watermark", "logo", "signature", "blurry", "low quality",
    "distorted hands", "extra fingers", "deformed", "jpeg artifacts",
)  # fmt: skip
MIDJOURNEY_NO = ("text", "letters", "watermark", "logo")
VISUAL_DIRECTION: dict[str, str] = {
    "price/offer": "the product presented simply and generously, clean studio set, clear value",
    "quality/performance": "macro detail of materials and craftsmanship, precise lighting",
    "emotion/aspiration": "a person in a meaningful everyday moment, warm light, candid feel",
    "provocation/challenger": "bold graphic composition, strong contrast, unexpected angle",
    "social proof": "real people using the product together, authentic candid photography",
    "urgency/scarcity": "dynamic diagonal composition, sense of motion, high energy",
    "convenience": "an effortless everyday scene, tidy and bright, one simple action",
    "values/sustainability": "natural materials, daylight, calm outdoor setting, honest and"
    " unstaged",
}
GENERIC_DIRECTION = "the product in a clean, well-lit lifestyle scene"
COMPOSITION = {
    "9:16": "vertical full-screen composition, subject in the middle third, calm empty space "
    "at top and bottom",
    "4:5": "portrait feed composition, subject slightly above centre, clear space below",
    "1:1": "square composition, subject centred, clear space along one side",
    "16:9": "wide composition, subject on the right third, clear space on the left",
}


@dataclass(frozen=True)
class ToolSettings:
    """A tool's sampling settings and native size grid."""

    steps: int
    guidance: float
    multiple: int = 64
    megapixels: float = 1.0


FLUX = ToolSettings(steps=28, guidance=3.5)  # FLUX.1 [dev] defaults in diffusers
SDXL = ToolSettings(steps=30, guidance=7.0)
COMFY_CHECKPOINT = "sd_xl_base_1.0.safetensors"
COMFY_SAMPLER = ("dpmpp_2m", "karras")


def seed_for(brief_id: str, salt: int = 0) -> int:
    """A deterministic seed in 0..4294967295 (Midjourney's range) from the brief id."""
    return int.from_bytes(hashlib.sha256(f"{brief_id}:{salt}".encode()).digest()[:4], "big")


def native_size(aspect: str, settings: ToolSettings) -> tuple[int, int]:
    """Width and height, multiples of the tool's grid, near its megapixels, closest to ASPECT
    (cost: log aspect error plus half the log area error)."""
    w_ratio, h_ratio = (float(v) for v in aspect.split(":"))
    ratio, target = w_ratio / h_ratio, settings.megapixels * 1024 * 1024
    step = settings.multiple
    best, best_cost = (step, step), math.inf
    for width in range(step, 4096 + step, step):
        height = max(step, round(width / ratio / step) * step)
        cost = abs(math.log(width / height / ratio)) + 0.5 * abs(math.log(width * height / target))
        if cost < best_cost:
            best, best_cost = (width, height), cost
    return best


def colour_name(hex_value: str) -> str:
    """A plain colour word for a hex colour (image models read words, not hex)."""
    r, g, b = (int(hex_value[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)
    if sat < 0.15 or light > 0.93 or light < 0.08:
        return "off-white" if light > 0.8 else "black" if light < 0.15 else "grey"
    names = ((15, "red"), (45, "orange"), (70, "yellow"), (160, "green"), (200, "teal"))
    names += ((255, "blue"), (290, "purple"), (335, "magenta"), (360, "red"))
    base = next(name for limit, name in names if hue * 360 < limit)
    return f"{'deep ' if light < 0.3 else 'light ' if light > 0.7 else ''}{base}".strip()


def _clean(text: str) -> str:
    """Text safe inside a prompt line: one line, no Midjourney parameter dashes."""
    return " ".join(str(text).replace("--", "-").replace("::", ":").split())


def image_prompt(brief: Mapping[str, Any], aspect: str, brand: str, palette: Sequence[str]) -> str:
    """The positive prompt of BRIEF at ASPECT (no lettering: copy goes on in layout)."""
    angle = str(brief["angle"])
    colours = ", ".join(dict.fromkeys(colour_name(h) for h in palette)) or "neutral tones"
    medium = "video still" if brief.get("format") == "video" else "photograph"
    parts = [
        f"advertising {medium} for {_clean(brand) or 'a brand'}",
        VISUAL_DIRECTION.get(angle, GENERIC_DIRECTION),
        f"mood: {_clean(brief['headline']).rstrip('.')}",
        COMPOSITION.get(aspect, "balanced composition"),
        f"colour palette of {colours}",
        "professional commercial photography, high detail, no text",
    ]
    return ", ".join(parts)


def primary_aspect(brief: Mapping[str, Any]) -> str:
    """The brief's aspect closest to its placement's recommended resolution."""
    width, height = get_placement(str(brief["placement"])).recommended_resolution
    return min(
        brief["aspects"],
        key=lambda a: abs(
            math.log(float(a.split(":")[0]) / float(a.split(":")[1]) * height / width)
        ),
    )


def midjourney_line(prompt: str, aspect: str, seed: int) -> str:
    """A Midjourney /imagine line: prompt, then --ar, --no, --style raw and --seed."""
    return (
        f"/imagine prompt: {_clean(prompt)} --ar {aspect} --no {', '.join(MIDJOURNEY_NO)} "
        f"--style raw --seed {seed}"
    )


def comfyui_graph(
    prompt: str, negative: str, size: tuple[int, int], seed: int, prefix: str
) -> dict[str, Any]:
    """ComfyUI's standard txt2img graph in API format (node ids as in its default graph)."""
    sampler, scheduler = COMFY_SAMPLER
    return {
        "3": {"class_type": "KSampler", "inputs": {
            "seed": seed, "steps": SDXL.steps, "cfg": SDXL.guidance, "sampler_name": sampler,
            "scheduler": scheduler, "denoise": 1.0, "model": ["4", 0], "positive": ["6", 0],
            "negative": ["7", 0], "latent_image": ["5", 0]}},
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": COMFY_CHECKPOINT}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {
            "width": size[0], "height": size[1], "batch_size": 1}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": prompt, "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": negative, "clip": ["4", 1]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": prefix, "images": ["8", 0]}},
    }  # fmt: skip


def brief_pack(
    brief: Mapping[str, Any], brand: str, palette: Sequence[str], salt: int
) -> dict[str, Any]:
    """Every tool's pack for one brief: per aspect Flux/SDXL settings and a Midjourney
    line; a ComfyUI graph for the primary aspect."""
    brief_id = str(brief["brief_id"])
    seed = seed_for(brief_id, salt)
    negative = ", ".join(NEGATIVE)
    pack: dict[str, Any] = {
        "brief_id": brief_id, "rank": brief.get("rank"), "headline": brief["headline"],
        "cta": brief["cta"], "placement": brief["placement"], "seed": seed,
        "flux": [], "sdxl": [], "midjourney": [],
    }  # fmt: skip
    for aspect in brief["aspects"]:
        prompt = image_prompt(brief, aspect, brand, palette)
        for tool, settings in (("flux", FLUX), ("sdxl", SDXL)):
            width, height = native_size(aspect, settings)
            pack[tool].append(
                {
                    "aspect": aspect, "prompt": prompt, "negative_prompt": negative,
                    "width": width, "height": height, "seed": seed,
                    "num_inference_steps": settings.steps, "guidance_scale": settings.guidance,
                }
            )  # fmt: skip
        pack["midjourney"].append({"aspect": aspect, "line": midjourney_line(prompt, aspect, seed)})
    main = primary_aspect(brief)
    prefix = f"{brief_id}_{main.replace(':', 'x')}"
    pack["comfyui"] = comfyui_graph(
        image_prompt(brief, main, brand, palette), negative, native_size(main, SDXL), seed, prefix
    )
    return pack


def pack_rows(packs: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """One row per brief, aspect and tool (the CSV a producer hands over)."""
    rows = []
    for pack in packs:
        for tool in ("flux", "sdxl"):
            rows += [{"brief_id": pack["brief_id"], "tool": tool, **entry} for entry in pack[tool]]
        for entry in pack["midjourney"]:
            rows.append(
                {"brief_id": pack["brief_id"], "tool": "midjourney", "seed": pack["seed"], **entry}
            )
    columns = ["brief_id", "tool", "aspect", "prompt", "negative_prompt", "width", "height"]
    columns += ["seed", "num_inference_steps", "guidance_scale", "line"]
    return pl.DataFrame(rows, infer_schema_length=None).select(
        pl.col(c) if c in {k for r in rows for k in r} else pl.lit(None).alias(c) for c in columns
    )


def write_packs(
    briefs: pl.DataFrame, concepts_dir: Path, brand: str, palette: Sequence[str], salt: int
) -> list[Path]:
    """Write concepts/packs/: {brief_id}.json (all tools), prompt_packs.csv, midjourney.txt
    and comfyui/{brief_id}.json, all at once (atomically per file)."""
    folder = concepts_dir / PACKS_DIR
    packs = [brief_pack(b, brand, palette, salt) for b in briefs.iter_rows(named=True)]
    files: dict[Path, bytes] = {}
    for pack in packs:
        files[folder / f"{pack['brief_id']}.json"] = json.dumps(pack, indent=2).encode()
        files[folder / "comfyui" / f"{pack['brief_id']}.json"] = json.dumps(
            pack["comfyui"], indent=2
        ).encode()
    files[folder / "prompt_packs.csv"] = pack_rows(packs).write_csv().encode()
    lines = [e["line"] for p in packs for e in p["midjourney"]]
    files[folder / "midjourney.txt"] = ("\n".join(lines) + "\n").encode()
    written = atomic_write_files(files)
    prune(folder, {p.name for p in files if p.parent == folder}, "*.json")
    prune(folder / "comfyui", {p.name for p in files if p.parent.name == "comfyui"}, "*.json")
    return written
