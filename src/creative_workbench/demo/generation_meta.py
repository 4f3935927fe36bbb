"""Generation metadata exactly as the image tools write it, for the demo's stand-in images.

- ComfyUI SaveImage: PNG text chunks `prompt` (API graph: "id": {inputs, class_type, _meta})
  and `workflow` (editor graph: nodes with pos/size/inputs/outputs/widgets_values, links as
  [id, from_node, from_slot, to_node, to_slot, type]), each `json.dumps`-ed.
- Automatic1111/Forge: `parameters` = prompt, "Negative prompt: ...", then one settings line;
  a PNG text chunk, or EXIF UserComment ("UNICODE\\0" + UTF-16BE, as piexif writes it) in
  JPEG/WebP.
- Midjourney downloads: `user_prompt_words_<job uuid>.png`.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

CHECKPOINT = "sd_xl_base_1.0.safetensors"
NEGATIVE = "text, watermark, blurry, lowres, extra fingers, deformed"


def comfyui_graphs(
    positive: str, negative: str, size: tuple[int, int], seed: int, prefix: str
) -> tuple[dict, dict]:
    """(API-format prompt, editor-format workflow) of ComfyUI's default txt2img graph."""
    width, height = size
    sampler = [seed, "fixed", 30, 7.0, "dpmpp_2m", "karras", 1.0]
    api = {
        "3": _api_node(
            "KSampler",
            dict(zip(("seed", "control_after_generate"), sampler[:2], strict=True))
            | {"steps": 30, "cfg": 7.0, "sampler_name": "dpmpp_2m", "scheduler": "karras"}
            | {"denoise": 1.0, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0]}
            | {"latent_image": ["5", 0]},
        ),
        "4": _api_node("CheckpointLoaderSimple", {"ckpt_name": CHECKPOINT}, "Load Checkpoint"),
        "5": _api_node("EmptyLatentImage", {"width": width, "height": height, "batch_size": 1}),
        "6": _api_node("CLIPTextEncode", {"text": positive, "clip": ["4", 1]}, "Positive"),
        "7": _api_node("CLIPTextEncode", {"text": negative, "clip": ["4", 1]}, "Negative"),
        "8": _api_node("VAEDecode", {"samples": ["3", 0], "vae": ["4", 2]}, "VAE Decode"),
        "9": _api_node("SaveImage", {"filename_prefix": prefix, "images": ["8", 0]}, "Save"),
    }
    del api["3"]["inputs"]["control_after_generate"]  # a widget only the editor keeps
    links = [
        [1, 4, 0, 3, 0, "MODEL"],
        [2, 6, 0, 3, 1, "CONDITIONING"],
        [3, 7, 0, 3, 2, "CONDITIONING"],
        [4, 5, 0, 3, 3, "LATENT"],
        [5, 4, 1, 6, 0, "CLIP"],
        [6, 4, 1, 7, 0, "CLIP"],
        [7, 3, 0, 8, 0, "LATENT"],
        [8, 4, 2, 8, 1, "VAE"],
        [9, 8, 0, 9, 0, "IMAGE"],
    ]
    nodes = [
        _ui_node(3, "KSampler", 4, [1, 2, 3, 4], {0: [7]}, sampler),
        _ui_node(4, "CheckpointLoaderSimple", 0, [], {0: [1], 1: [5, 6], 2: [8]}, [CHECKPOINT]),
        _ui_node(5, "EmptyLatentImage", 1, [], {0: [4]}, [width, height, 1]),
        _ui_node(6, "CLIPTextEncode", 2, [5], {0: [2]}, [positive]),
        _ui_node(7, "CLIPTextEncode", 3, [6], {0: [3]}, [negative]),
        _ui_node(8, "VAEDecode", 5, [7, 8], {0: [9]}, []),
        _ui_node(9, "SaveImage", 6, [9], {}, [prefix]),
    ]
    workflow = {
        "last_node_id": 9,
        "last_link_id": 9,
        "nodes": nodes,
        "links": links,
        "groups": [],
        "config": {},
        "extra": {"ds": {"scale": 1.0, "offset": [0, 0]}},
        "version": 0.4,
    }
    return api, workflow


def _api_node(kind: str, inputs: dict, title: str | None = None) -> dict:
    return {"inputs": inputs, "class_type": kind, "_meta": {"title": title or kind}}


def _ui_node(
    node_id: int, kind: str, order: int, in_links: list[int], out_links: dict, widgets: list
) -> dict:
    return {
        "id": node_id,
        "type": kind,
        "pos": [100 + 300 * order, 100],
        "size": [315, 98],
        "flags": {},
        "order": order,
        "mode": 0,
        "inputs": [{"name": f"in{i}", "link": link} for i, link in enumerate(in_links)],
        "outputs": [
            {"name": f"out{slot}", "links": links, "slot_index": slot}
            for slot, links in out_links.items()
        ],
        "properties": {"Node name for S&R": kind},
        "widgets_values": widgets,
    }


def comfyui_pnginfo(api: dict, workflow: dict) -> PngInfo:
    """The text chunks ComfyUI's SaveImage writes."""
    info = PngInfo()
    info.add_text("prompt", json.dumps(api))
    info.add_text("workflow", json.dumps(workflow))
    return info


def a1111_parameters(prompt: str, size: tuple[int, int], seed: int) -> str:
    """Automatic1111's infotext for a txt2img run."""
    return (
        f"{prompt}\nNegative prompt: {NEGATIVE}\n"
        f"Steps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: {seed}, "
        f"Size: {size[0]}x{size[1]}, Model hash: 31e35c80fc, Model: sd_xl_base_1.0, "
        "Version: v1.10.1"
    )


def a1111_pnginfo(parameters: str) -> PngInfo:
    """The PNG text chunk Automatic1111/Forge writes."""
    info = PngInfo()
    info.add_text("parameters", parameters)
    return info


def a1111_exif(parameters: str) -> Image.Exif:
    """EXIF with the infotext as UserComment (JPEG/WebP), the way A1111 writes it."""
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.UserComment] = b"UNICODE\x00" + parameters.encode(
        "utf-16-be"
    )
    return exif


def midjourney_name(user: str, prompt: str, seed: int, variant: int | None = None) -> str:
    """A Midjourney download name: user_first_prompt_words_<uuid>[_N].png."""
    words: list[str] = []
    for word in re.findall(r"[A-Za-z0-9]+", prompt):  # whole words, about 60 characters
        if len("_".join([*words, word])) > 60:
            break
        words.append(word)
    job = uuid.UUID(int=seed * 0x9E3779B97F4A7C15 % (1 << 128), version=4)
    return (
        f"{user}_{'_'.join(words)}_{job}" + (f"_{variant}" if variant is not None else "") + ".png"
    )


def truncate(path: Path, keep: float = 0.5) -> None:
    """Cut a file to KEEP of its bytes (a download that stopped half-way)."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
