"""Each tool's real embedded metadata, written by Pillow, links the image to its brief."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

from creative_workbench.concepts.generations import Limits, read_generation
from creative_workbench.concepts.linking import BriefIndex, link_image
from creative_workbench.concepts.metadata import decode_user_comment, parse_a1111

LIMITS = Limits(max_pixels=20_000_000, max_bytes=50_000_000)
BRIEFS = pl.DataFrame(
    {
        "brief_id": ["B001", "B002", "B007"],
        "angle": ["comfort", "speed", "community"],
        "placement": ["meta_feed", "meta_stories", "meta_feed"],
        "prompt": [
            "runner at dawn on a coastal trail, soft cushioned shoes, calm mood",
            "sprinter bursting off the line on a city track, motion blur background",
            "friends running together through a park at golden hour",
        ],
    }
)
PARAMETERS = (
    "sprinter bursting off the line on a city track, motion blur background\n"
    "Negative prompt: watermark, text\n"
    "Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 1234, Size: 832x1216, "
    'Model hash: 31e35c80fc, Model: juggernautXL, Lora hashes: "a: 1, b: 2", Version: f2.0.1'
)


def _pixels(size=(64, 80)) -> Image.Image:
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8))


def _link(path: Path):
    generation = read_generation(path, LIMITS, 256)
    return generation, link_image(
        generation.embedded, path.stem, BriefIndex.from_table(BRIEFS), 0.8
    )


def test_comfyui_png_links_by_filename_prefix_in_the_api_graph(tmp_path: Path) -> None:
    api = {  # a Flux graph in ComfyUI's API format, as SaveImage embeds it
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a shoe", "clip": ["11", 0]}},
        "13": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["25", 0]}},
        "25": {"class_type": "RandomNoise", "inputs": {"noise_seed": 42}},
        "9": {
            "class_type": "SaveImage",
            "inputs": {"filename_prefix": "studio/cw_B007", "images": ["8", 0]},
        },
    }
    workflow = {"last_node_id": 25, "nodes": [{"id": 6, "type": "CLIPTextEncode"}], "links": []}
    info = PngInfo()
    info.add_text("prompt", json.dumps(api))
    info.add_text("workflow", json.dumps(workflow))
    path = tmp_path / "cw_B007_00001_.png"
    _pixels().save(path, pnginfo=info)
    generation, link = _link(path)
    assert generation.embedded.tool == "comfyui"
    assert generation.embedded.prompt == "a shoe"
    assert generation.embedded.settings["noise_seed"] == "42"
    assert (link.brief_id, link.source) == ("B007", "comfyui")


def test_comfyui_without_brief_id_falls_back_to_the_file_name(tmp_path: Path) -> None:
    info = PngInfo()
    info.add_text("prompt", json.dumps({"9": {"class_type": "SaveImage", "inputs": {}}}))
    path = tmp_path / "B002_take3.png"
    _pixels().save(path, pnginfo=info)
    _, link = _link(path)
    assert (link.brief_id, link.source) == ("B002", "filename")


def test_comfyui_webp_exif_model_and_make(tmp_path: Path) -> None:
    exif = Image.Exif()  # ComfyUI's WebP savers: Model = "prompt:{...}", Make = "workflow:{...}"
    api = {"9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "cw_B001"}}}
    exif[0x0110] = "prompt:" + json.dumps(api)
    exif[0x010F] = "workflow:" + json.dumps({"nodes": []})
    path = tmp_path / "ComfyUI_00003_.webp"
    _pixels().save(path, exif=exif, lossless=True)
    _, link = _link(path)
    assert (link.brief_id, link.source) == ("B001", "comfyui")


def test_a1111_png_parameters_match_the_brief_prompt(tmp_path: Path) -> None:
    info = PngInfo()
    info.add_text("parameters", PARAMETERS)
    path = tmp_path / "00042-1234.png"
    _pixels().save(path, pnginfo=info)
    generation, link = _link(path)
    assert generation.embedded.settings["Seed"] == "1234"
    assert generation.embedded.settings["Lora hashes"] == "a: 1, b: 2"
    assert generation.embedded.negative == "watermark, text"
    assert (link.brief_id, link.source) == ("B002", "a1111")


@pytest.mark.parametrize("suffix", [".jpg", ".webp"])
def test_a1111_user_comment_in_jpeg_and_webp(tmp_path: Path, suffix: str) -> None:
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.UserComment] = b"UNICODE\x00" + PARAMETERS.encode(
        "utf-16-be"
    )
    path = tmp_path / f"00043-99{suffix}"
    _pixels().save(path, exif=exif, quality=90)
    generation, link = _link(path)
    assert generation.embedded.tool == "a1111"
    assert (link.brief_id, link.source) == ("B002", "a1111")


def test_user_comment_in_little_endian_and_ascii() -> None:
    assert decode_user_comment(b"UNICODE\x00" + "Steps: 1".encode("utf-16-le")) == "Steps: 1"
    assert decode_user_comment(b"ASCII\x00\x00\x00hello") == "hello"


def test_a1111_prompt_for_no_brief_stays_unlinked(tmp_path: Path) -> None:
    info = PngInfo()
    info.add_text("parameters", "a castle on the moon\nSteps: 20, Seed: 1")
    path = tmp_path / "00044-1.png"
    _pixels().save(path, pnginfo=info)
    _, link = _link(path)
    assert link.brief_id is None and link.source == "none"
    assert "matches no brief" in link.note


def test_midjourney_file_name_words_match_a_brief(tmp_path: Path) -> None:
    path = tmp_path / (
        "maya_friends_running_together_through_a_park_at_golden_"
        "3f2a1b5c-1d2e-4f60-8a9b-0c1d2e3f4a5b_2.png"
    )
    _pixels().save(path)
    generation, link = _link(path)
    assert generation.embedded.tool == "midjourney"
    assert (link.brief_id, link.source) == ("B007", "midjourney")


def test_no_metadata_and_no_id_is_kept_unlinked(tmp_path: Path) -> None:
    path = tmp_path / "IMG_0001.jpg"
    _pixels().save(path, quality=85)
    generation, link = _link(path)
    assert generation.embedded.tool == "none"
    assert link.brief_id is None and "no generation metadata" in link.note


def test_file_name_with_two_brief_ids_is_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "B001_vs_B002.png"
    _pixels().save(path)
    _, link = _link(path)
    assert link.brief_id is None and "B001, B002" in link.note


def test_unknown_brief_id_is_not_linked(tmp_path: Path) -> None:
    path = tmp_path / "B999_hero.png"
    _pixels().save(path)
    assert _link(path)[1].brief_id is None


def test_a1111_settings_line_parsing() -> None:
    parsed = parse_a1111("prompt one\nline two\nSteps: 5, Size: 64x64")
    assert parsed.prompt == "prompt one\nline two"
    assert parsed.settings == {"Steps": "5", "Size": "64x64"}
