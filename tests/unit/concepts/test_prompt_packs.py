"""Prompt packs: sizes on each tool's grid, a Midjourney line that parses, a ComfyUI
API-format graph whose links all resolve, deterministic seeds, the exported files."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from creative_workbench.concepts import prompt_packs as pp

BRIEFS = pl.DataFrame(
    [
        {
            "brief_id": "br-0123abcd",
            "rank": 1,
            "angle": "values/sustainability",
            "offer": "trial",
            "cta": "Sign up",
            "placement": "linkedin_feed",
            "format": "image",
            "headline": "Made with care -- for the planet.",
            "aspects": ["9:16", "4:5", "1:1", "16:9"],
        },
        {
            "brief_id": "br-89abcdef",
            "rank": 2,
            "angle": "an angle without a template",
            "offer": "none",
            "cta": "Shop now",
            "placement": "meta_reels",
            "format": "video",
            "headline": "Sorted in minutes.",
            "aspects": ["9:16"],
        },
    ]
)
PALETTE = ["#14213d", "#f2f5f7", "#ff6b35"]
MIDJOURNEY = re.compile(
    r"^/imagine prompt: (?P<prompt>[^\n]+?) --ar (?P<w>\d+):(?P<h>\d+) --no (?P<no>[^-]+?) "
    r"--style raw --seed (?P<seed>\d+)$"
)
# Output slots of each node class in the standard txt2img graph (ComfyUI's node definitions).
OUTPUTS = {
    "CheckpointLoaderSimple": ("MODEL", "CLIP", "VAE"),
    "CLIPTextEncode": ("CONDITIONING",),
    "EmptyLatentImage": ("LATENT",),
    "KSampler": ("LATENT",),
    "VAEDecode": ("IMAGE",),
    "SaveImage": (),
}
INPUT_TYPES = {
    ("KSampler", "model"): "MODEL",
    ("KSampler", "positive"): "CONDITIONING",
    ("KSampler", "negative"): "CONDITIONING",
    ("KSampler", "latent_image"): "LATENT",
    ("CLIPTextEncode", "clip"): "CLIP",
    ("VAEDecode", "samples"): "LATENT",
    ("VAEDecode", "vae"): "VAE",
    ("SaveImage", "images"): "IMAGE",
}


@pytest.mark.parametrize("aspect", ["9:16", "4:5", "1:1", "16:9"])
@pytest.mark.parametrize("settings", [pp.FLUX, pp.SDXL])
def test_sizes_are_on_the_grid_near_a_megapixel(aspect, settings):
    width, height = pp.native_size(aspect, settings)
    assert width % 64 == 0 and height % 64 == 0
    assert 0.8 <= width * height / 1024**2 <= 1.25
    w, h = (int(v) for v in aspect.split(":"))
    assert abs(width / height / (w / h) - 1) < 0.03
    assert (width > height) == (w > h)


def test_known_sdxl_buckets():
    assert pp.native_size("1:1", pp.SDXL) == (1024, 1024)
    assert pp.native_size("9:16", pp.SDXL) == (768, 1344)
    assert pp.native_size("16:9", pp.SDXL) == (1344, 768)


def test_comfyui_graph_is_a_valid_api_format_txt2img_graph():
    pack = pp.brief_pack(BRIEFS.row(0, named=True), "Acme", PALETTE, 0)
    graph = json.loads(json.dumps(pack["comfyui"]))  # JSON as posted to /prompt
    classes = sorted(node["class_type"] for node in graph.values())
    assert classes == sorted(
        ["CheckpointLoaderSimple", "CLIPTextEncode", "CLIPTextEncode", "EmptyLatentImage",
         "KSampler", "VAEDecode", "SaveImage"]
    )  # fmt: skip
    for node_id, node in graph.items():
        assert set(node) == {"class_type", "inputs"} and isinstance(node_id, str)
        for name, value in node["inputs"].items():
            if isinstance(value, list):  # a link: [source node id, output slot]
                source, slot = value
                assert source in graph, f"{node_id}.{name} links to missing node {source}"
                produced = OUTPUTS[graph[source]["class_type"]]
                assert 0 <= slot < len(produced)
                assert produced[slot] == INPUT_TYPES[(node["class_type"], name)]
    sampler = next(n for n in graph.values() if n["class_type"] == "KSampler")["inputs"]
    assert sampler["seed"] == pack["seed"] and sampler["steps"] == pp.SDXL.steps
    latent = next(n for n in graph.values() if n["class_type"] == "EmptyLatentImage")["inputs"]
    assert (latent["width"], latent["height"]) == pp.native_size("4:5", pp.SDXL)  # LinkedIn 4:5
    save = next(n for n in graph.values() if n["class_type"] == "SaveImage")["inputs"]
    assert "br-0123abcd" in save["filename_prefix"]
    texts = [n["inputs"]["text"] for n in graph.values() if n["class_type"] == "CLIPTextEncode"]
    assert any("watermark" in t for t in texts) and any("Acme" in t for t in texts)


def test_midjourney_lines_parse():
    pack = pp.brief_pack(BRIEFS.row(0, named=True), "Acme --v 4", PALETTE, 0)
    assert [e["aspect"] for e in pack["midjourney"]] == ["9:16", "4:5", "1:1", "16:9"]
    for entry in pack["midjourney"]:
        found = MIDJOURNEY.match(entry["line"])
        assert found, entry["line"]
        assert f"{found['w']}:{found['h']}" == entry["aspect"]
        assert "--" not in found["prompt"]  # outside text cannot inject parameters
        assert [w.strip() for w in found["no"].split(",")] == list(pp.MIDJOURNEY_NO)
        assert int(found["seed"]) == pack["seed"] <= 4294967295


def test_seeds_are_deterministic_and_differ_by_brief_and_salt():
    assert pp.seed_for("br-0123abcd") == pp.seed_for("br-0123abcd")
    assert pp.seed_for("br-0123abcd") != pp.seed_for("br-89abcdef")
    assert pp.seed_for("br-0123abcd", 1) != pp.seed_for("br-0123abcd", 0)


def test_flux_and_sdxl_entries_carry_every_setting():
    pack = pp.brief_pack(BRIEFS.row(1, named=True), "Acme", PALETTE, 0)
    for tool, settings in (("flux", pp.FLUX), ("sdxl", pp.SDXL)):
        (entry,) = pack[tool]
        assert entry["num_inference_steps"] == settings.steps
        assert entry["guidance_scale"] == settings.guidance
        assert entry["negative_prompt"] and entry["prompt"].startswith("advertising video still")
        assert (entry["width"], entry["height"]) == pp.native_size("9:16", settings)


def test_write_packs_exports_json_csv_text_and_comfyui(tmp_path):
    stale = tmp_path / "packs" / "comfyui" / "br-ffffffff.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    written = pp.write_packs(BRIEFS, tmp_path, "Acme", PALETTE, 0)
    folder = tmp_path / "packs"
    assert {p.relative_to(folder).as_posix() for p in written} == {
        "br-0123abcd.json", "br-89abcdef.json", "comfyui/br-0123abcd.json",
        "comfyui/br-89abcdef.json", "prompt_packs.csv", "midjourney.txt",
    }  # fmt: skip
    assert not stale.exists()
    table = pl.read_csv(folder / "prompt_packs.csv")
    assert table.height == 5 * 3  # five brief-aspects × Flux, SDXL, Midjourney
    assert sorted(table.get_column("tool").unique()) == ["flux", "midjourney", "sdxl"]
    lines = (folder / "midjourney.txt").read_text().splitlines()
    assert len(lines) == 5 and all(MIDJOURNEY.match(line) for line in lines)
    pack = json.loads((folder / "br-89abcdef.json").read_text())
    assert pack["comfyui"] == json.loads((folder / "comfyui" / "br-89abcdef.json").read_text())
