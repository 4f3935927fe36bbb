"""Run every check that applies to one file; a file that cannot be checked fails cleanly."""

from __future__ import annotations

import base64
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np

from creative_workbench.errors import MediaError
from creative_workbench.placements import get_placement
from creative_workbench.qa.checks import CheckJob, Evidence, qa_checks
from creative_workbench.qa.context import GateContext, GateResult
from creative_workbench.qa.decode import SampledFrame, decode_audio, load_image
from creative_workbench.qa.end_card import read_end_card
from creative_workbench.qa.findings import Finding, cannot_check
from creative_workbench.qa.ocr import engine
from creative_workbench.qa.picture_checks import picture_findings
from creative_workbench.qa.probe import MediaInfo, probe
from creative_workbench.qa.video_pass import run_pass, unique_frames

BODY_SAMPLES = 2
THUMB_SIDE = 160
MAX_OFFENDING_THUMBS = 4


def check_file(path: Path | str, context: GateContext | None = None) -> GateResult:
    """Run the gate on PATH; never raises for a bad file (it becomes a 'decode' fail)."""
    context = context or GateContext()
    started = time.perf_counter()
    result = GateResult(str(path), context.placement, [])
    try:
        info = probe(path)
        result.info = _info_summary(info)
        _run_checks(info, context, result)
    except MediaError as exc:
        result.findings = [cannot_check(str(exc))]
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def warm_up() -> None:
    """Start loading the audio checks on a background thread, behind the caller's back;
    the OCR engine loads on the first file that needs a read."""
    _background().submit(_audio_module)


def sample_plan(duration: float, brand_early_s: float, window_s: float) -> list[float]:
    """Times to look at: the first frame, early frames (brand early), a few body frames."""
    early = [t for t in (1.0, brand_early_s) if t < duration]
    body_start, body_end = max(brand_early_s, 0.0), max(0.0, duration - window_s)
    body = (
        list(np.linspace(body_start, body_end, BODY_SAMPLES + 2)[1:-1])
        if (body_end > body_start)
        else []
    )
    return sorted({0.0, *early, *(round(float(t), 2) for t in body)})


def _run_checks(info: MediaInfo, context: GateContext, result: GateResult) -> None:
    thresholds = context.qa_thresholds()
    placement = get_placement(context.placement) if context.placement else None
    job = CheckJob(info, context, thresholds, placement)
    active = [check for check in qa_checks().values() if check.applies(job)]
    needs = frozenset().union(*(check.needs(job) for check in active))
    video = job.video
    # Audio runs beside the decode pass: NumPy and FFmpeg release the GIL.
    sound = (
        _background().submit(_measure_audio, info.path, thresholds)
        if video and "audio" in needs
        else None
    )
    window = max(thresholds.end_card_window_s, thresholds.end_card_min_hold_s)
    read = "text" in needs
    # The OCR engine (on first use) loads beside the decode pass; reads wait for it.
    ocr = _background().submit(engine) if read else None
    seen = None
    if video:
        plan = sample_plan(info.duration_s, thresholds.brand_early_s, window)
        seen = run_pass(info, plan, window)
        _ready(ocr)
        card = read_end_card(seen.last, seen.final_picture_s, info.duration_s, window, read)
        frames = unique_frames([*seen.frames, seen.last])
        decoded, *picture = picture_findings(seen)
    else:
        still = SampledFrame(0.0, load_image(Path(info.path)))
        _ready(ocr)
        card = read_end_card(still, 0.0, 0.0, 0.0, read)
        frames, picture = [still], []
        decoded = Finding(
            "decode", "pass", "image decoded", "a readable media file", None, "The file decodes."
        )
    measured = sound.result() if sound is not None else None
    evidence = Evidence(job, seen, frames, card, measured, picture)
    findings = [decoded]
    for check in active:
        findings += check.run(evidence)
    result.info["sampled_s"] = [round(f.time, 3) for f in frames]
    if context.keep_media:
        result.thumbnails = _thumbnails(frames, frames[0], card.frame, evidence.offending)
        if measured is not None:
            result.loudness = {
                "time_s": [round(float(t), 2) for t in measured.momentary_times()],
                "momentary_lufs": [round(float(v), 1) for v in measured.momentary_lufs],
                "integrated_lufs": [round(measured.integrated_lufs, 2)]
                if np.isfinite(measured.integrated_lufs)
                else [],
            }
    result.findings = findings


def _ready(loading: Future | None) -> None:
    """Wait for a background load (None: nothing loads)."""
    if loading is not None:
        loading.result()


def _background() -> ThreadPoolExecutor:
    """Threads for the audio checks and for loading the OCR engine beside the video pass."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="qa-background")


def _audio_module():
    """The audio checks, imported on first use (by warm_up's thread or the audio worker)."""
    from creative_workbench.qa import audio

    return audio


def _measure_audio(path: str, thresholds):
    track = decode_audio(path)
    return _audio_module().measure(track, thresholds) if track is not None else None


def _thumbnails(
    frames: list[SampledFrame], first: SampledFrame, last: SampledFrame, offending: list[float]
) -> dict[str, str]:
    thumbs = {"first": jpeg_base64(first.rgb), "last": jpeg_base64(last.rgb)}
    by_time = {round(f.time, 2): f for f in frames}
    for t in sorted(set(round(t, 2) for t in offending))[:MAX_OFFENDING_THUMBS]:
        if t in by_time:
            thumbs[f"{t:.1f} s"] = jpeg_base64(by_time[t].rgb)
    return thumbs


def jpeg_base64(rgb: np.ndarray, long_side: int = THUMB_SIDE, quality: int = 70) -> str:
    """A small JPEG thumbnail of an RGB frame as base64 text."""
    height, width = rgb.shape[:2]
    scale = min(1.0, long_side / max(height, width))
    small = cv2.resize(
        np.ascontiguousarray(rgb),
        (max(1, round(width * scale)), max(1, round(height * scale))),
        interpolation=cv2.INTER_AREA,
    )
    ok, data = cv2.imencode(".jpg", small[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    return base64.b64encode(data.tobytes()).decode("ascii") if ok else ""


def _info_summary(info: MediaInfo) -> dict:
    video = info.video
    return {
        "kind": info.kind,
        "container": info.container,
        "size_bytes": info.size_bytes,
        "duration_s": round(info.duration_s, 3),
        "bit_rate": info.bit_rate,
        "video_codec": video.codec,
        "width": video.width,
        "height": video.height,
        "rotation": video.rotation,
        "sar": round(video.sample_aspect_ratio, 4),
        "display_width": video.display_width,
        "display_height": video.display_height,
        "frame_rate": round(video.frame_rate, 3) if video.frame_rate else None,
        "audio_codec": info.audio.codec if info.audio else None,
        "audio_channels": info.audio.channels if info.audio else None,
    }
