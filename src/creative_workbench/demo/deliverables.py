"""Render and encode the demo deliverables (H.264/AAC MP4 via PyAV) and their truth manifest."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

from creative_workbench.demo import audio
from creative_workbench.demo.brand import LOGO_FILE, PALETTE
from creative_workbench.demo.deliverable_plan import CONCEPT_COPY, DELIVERABLES, DeliverablePlan
from creative_workbench.demo.media import (
    SafeBox,
    draw_shoe,
    draw_text_block,
    font,
    hex_rgb,
    paste_logo,
    safe_box,
    wrap_to_width,
)
from creative_workbench.demo.seeding import rng_for
from creative_workbench.placements import get_placement

FPS = 25
END_CARD_S = 2.5
LOGO_FROM_S = 0.5
AUDIO_BITRATE = 160_000
CLEAN_COLOURS = {
    "hook": PALETTE["ink"],
    "benefit": PALETTE["frost"],
    "end": PALETTE["ink"],
    "text_dark": PALETTE["frost"],
    "text_light": PALETTE["ink"],
    "shoe": (PALETTE["signal"], PALETTE["frost"]),
    "shoe_alt": (PALETTE["fjord"], PALETTE["ink"]),
}
OFF_COLOURS = {
    "hook": "#E0218A",
    "benefit": "#B5E61D",
    "end": "#7B2CBF",
    "text_dark": "#FFFFFF",
    "text_light": "#1A1A1A",
    "shoe": ("#FFD400", "#FFFFFF"),
    "shoe_alt": ("#00B4D8", "#1A1A1A"),
}


def _rgb(value: str) -> tuple[int, int, int]:
    return hex_rgb(value)


def render_scenes(plan: DeliverablePlan, logo: Image.Image) -> list[tuple[Image.Image, float]]:
    """The deliverable's scenes as (frame, start second): hook, main, benefit, end card."""
    size = plan.size
    zone = get_placement(plan.placement).safe_zone.model_dump()
    box = safe_box(size, zone)
    colours = OFF_COLOURS if plan.defect == "off_palette" else CLEAN_COLOURS
    headline, benefit = CONCEPT_COPY[plan.concept]
    with_logo = plan.defect != "missing_logo"
    logo_box = _ui_zone_box(size, zone) if plan.defect == "logo_in_ui_zone" else box
    logo_pct = 22.0 if size[0] > size[1] else 32.0
    text_size = int(min(size) * 0.085)

    def base(background: str, text: str, text_colour: str, shoe: tuple[str, str]) -> Image.Image:
        frame = Image.new("RGB", size, _rgb(background))
        draw = ImageDraw.Draw(frame)
        draw_text_block(
            draw, text, box, box.top + int(box.height * 0.42), text_size, _rgb(text_colour)
        )
        draw_shoe(draw, box, box.top + int(box.height * 0.78), (_rgb(shoe[0]), _rgb(shoe[1])))
        return frame

    hook = base(colours["hook"], headline, colours["text_dark"], colours["shoe"])
    main = hook.copy()
    second = base(colours["benefit"], benefit, colours["text_light"], colours["shoe_alt"])
    if with_logo:
        paste_logo(main, logo, logo_box, logo_pct)
        paste_logo(second, logo, logo_box, logo_pct)
    end = _end_card(plan, colours, box, logo if with_logo else None, logo_box, logo_pct)
    middle = LOGO_FROM_S + (plan.duration_s - END_CARD_S - LOGO_FROM_S) / 2
    return [(hook, 0.0), (main, LOGO_FROM_S), (second, middle), (end, plan.duration_s - END_CARD_S)]


def _ui_zone_box(size: tuple[int, int], zone: dict[str, float]) -> SafeBox:
    """A box inside the bottom UI overlay (used only by the logo_in_ui_zone defect)."""
    width, height = size
    top = int(height * (1 - zone.get("bottom", 20.0) / 100 * 0.6))
    return SafeBox(int(width * 0.06), top, int(width * 0.94), height)


def _end_card(
    plan: DeliverablePlan,
    colours: dict,
    box: SafeBox,
    logo: Image.Image | None,
    logo_box: SafeBox,
    logo_pct: float,
) -> Image.Image:
    frame = Image.new("RGB", plan.size, _rgb(colours["end"]))
    draw = ImageDraw.Draw(frame)
    if logo is not None:
        anchor = "top" if plan.defect == "logo_in_ui_zone" else "centre"
        paste_logo(frame, logo, logo_box, logo_pct * 1.3, anchor=anchor)
    cta_size = int(min(plan.size) * 0.12)
    lines, cta_size = wrap_to_width(plan.end_card_cta, box.width, cta_size)
    centre_y = box.top + int(box.height * 0.62)
    draw_text_block(draw, plan.end_card_cta, box, centre_y, cta_size, _rgb(colours["text_dark"]))
    text_width = max(font(cta_size).getlength(line) for line in lines)
    bar_y = centre_y + int(cta_size * 1.15 * len(lines) / 2) + cta_size // 4
    cx = (box.left + box.right) // 2
    draw.rectangle(
        (cx - text_width // 2, bar_y, cx + text_width // 2, bar_y + cta_size // 10),
        fill=_rgb(PALETTE["signal"]) if plan.defect != "off_palette" else (255,) * 3,
    )
    return frame


def soundtrack(plan: DeliverablePlan, seed: int) -> np.ndarray:
    """The deliverable's mastered (2, samples) float32 audio, with its audio defect if any."""
    if plan.defect == "silent_audio":
        return np.zeros((2, int(plan.duration_s * audio.SAMPLE_RATE)), np.float32)
    rng = rng_for(seed, f"deliverable:{plan.file}")
    mix = audio.music_bed(rng, plan.duration_s)
    if plan.voiceover:
        mix = mix + 1.6 * audio.voice_track(
            rng, plan.duration_s, LOGO_FROM_S, plan.duration_s - 1.0
        )
    if plan.defect == "clipped_audio":
        return audio.with_clipping(mix, rng)
    mastered = audio.master(mix)
    return audio.too_loud(mastered) if plan.defect == "too_loud" else mastered


def encode_mp4(
    path: Path, scenes: list[tuple[Image.Image, float]], duration_s: float, sound: np.ndarray
) -> None:
    """Encode static SCENES (frame, start second) and SOUND into an H.264/AAC MP4."""
    width, height = scenes[0][0].size
    frames = [av.VideoFrame.from_image(image).reformat(format="yuv420p") for image, _ in scenes]
    starts = [round(start * FPS) for _, start in scenes]
    total = round(duration_s * FPS)
    with av.open(str(path), "w", format="mp4") as container:
        video = container.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "ultrafast", "crf": "20", "g": str(2 * FPS)}
        sound_stream = container.add_stream("aac", rate=audio.SAMPLE_RATE)
        sound_stream.layout = "stereo"
        sound_stream.bit_rate = AUDIO_BITRATE
        chunk = 1024
        padded = np.zeros((2, -(-sound.shape[1] // chunk) * chunk), np.float32)
        padded[:, : sound.shape[1]] = sound
        written = 0
        for index in range(total):
            scene = max(i for i, start in enumerate(starts) if start <= index)
            frame = frames[scene]
            frame.pts = index
            container.mux(video.encode(frame))
            due = min(int((index + 1) * audio.SAMPLE_RATE / FPS), sound.shape[1])
            while written < due:
                block = av.AudioFrame.from_ndarray(
                    np.ascontiguousarray(padded[:, written : written + chunk]),
                    format="fltp",
                    layout="stereo",
                )
                block.sample_rate, block.pts = audio.SAMPLE_RATE, written
                container.mux(sound_stream.encode(block))
                written += chunk
        container.mux(video.encode(None))
        container.mux(sound_stream.encode(None))


def write_deliverables(
    project_dir: Path, seed: int, progress: Callable[[str], None] | None = None
) -> list[dict]:
    """Render every planned deliverable into deliverables/ and the truth manifest."""
    folder = project_dir / "deliverables"
    folder.mkdir(parents=True, exist_ok=True)
    logo = Image.open(project_dir / LOGO_FILE).convert("RGBA")
    manifest = []
    for plan in DELIVERABLES:
        if progress:
            progress(f"encoding {plan.file}")
        sound = soundtrack(plan, seed)
        encode_mp4(folder / plan.file, render_scenes(plan, logo), plan.duration_s, sound)
        manifest.append(plan.manifest_entry())
    truth_dir = project_dir / "demo_truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    (truth_dir / "deliverables.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    return manifest
