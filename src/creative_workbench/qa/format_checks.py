"""Format checks: the file's shape, length, container, codecs, size and rate vs the placement."""

from __future__ import annotations

from math import gcd

from creative_workbench.placements import Placement
from creative_workbench.qa.findings import Finding, finding
from creative_workbench.qa.probe import MediaInfo

ASPECT_TOLERANCE = 0.01
NAMED_RATIOS = ("9:16", "4:5", "1:1", "16:9", "2:3", "3:4", "4:3", "1.91:1", "21:9")


def _value(ratio: str) -> float:
    width, height = ratio.split(":")
    return float(width) / float(height)


def aspect_label(width: int, height: int) -> str:
    """A display size as a ratio producers know ('9:16'), else reduced ('683:384')."""
    value = width / height
    for name in NAMED_RATIOS:
        if abs(value / _value(name) - 1) <= ASPECT_TOLERANCE:
            return name
    divisor = gcd(width, height) or 1
    return f"{width // divisor}:{height // divisor}"


def _size(info: MediaInfo) -> str:
    video = info.video
    text = f"{video.display_width}×{video.display_height}"
    if (video.display_width, video.display_height) != (video.width, video.height):
        text += f" displayed (stored {video.width}×{video.height}"
        text += f", rotated {video.rotation}°" if video.rotation else ""
        text += f", SAR {video.sample_aspect_ratio:.3g}" if video.sample_aspect_ratio != 1 else ""
        text += ")"
    return text


def aspect_finding(info: MediaInfo, placement: Placement) -> Finding:
    """The display aspect ratio must be one the placement accepts."""
    value = info.display_aspect
    ok = any(abs(value / a - 1) <= ASPECT_TOLERANCE for a in placement.aspect_values())
    ratio = info.display_aspect_ratio
    label = aspect_label(ratio.numerator, ratio.denominator)
    expected = " or ".join(placement.aspect_ratios)
    return finding(
        "format.aspect",
        ok,
        f"{label} ({_size(info)})",
        expected,
        f"Aspect {label} suits {placement.label}."
        if ok
        else f"Aspect {label} is wrong for {placement.label}, which needs {expected}.",
    )


def resolution_finding(info: MediaInfo, placement: Placement) -> Finding:
    """Sides within the placement's min/max; a size no accepted aspect can use warns."""
    width, height = info.video.display_width, info.video.display_height
    sides = sorted((width, height))
    measured = _size(info)
    if placement.min_resolution and (
        sides[0] < min(placement.min_resolution) or sides[1] < max(placement.min_resolution)
    ):
        low = "×".join(map(str, placement.min_resolution))
        return Finding(
            "format.resolution",
            "fail",
            measured,
            f"at least {low}",
            None,
            f"Below {placement.label}'s minimum resolution {low}.",
        )
    if placement.max_resolution and sides[1] > max(placement.max_resolution):
        high = "×".join(map(str, placement.max_resolution))
        return Finding(
            "format.resolution",
            "fail",
            measured,
            f"at most {high}",
            None,
            f"Above {placement.label}'s maximum resolution {high}.",
        )
    recommended = "×".join(map(str, placement.recommended_resolution))
    fits_aspect = any(
        abs(info.display_aspect / a - 1) <= ASPECT_TOLERANCE for a in placement.aspect_values()
    )
    if not fits_aspect:
        return Finding(
            "format.resolution",
            "warn",
            measured,
            f"{recommended} recommended",
            None,
            f"{width}×{height} matches none of {placement.label}'s sizes; the "
            "platform will crop or letterbox it.",
        )
    short = min(placement.recommended_resolution)
    ok = sides[0] >= short
    return finding(
        "format.resolution",
        ok,
        measured,
        f"short side ≥ {short} px",
        "Resolution is fine."
        if ok
        else f"Short side {sides[0]} px is below the recommended {short} px; it will look soft.",
        bad="warn",
    )


def duration_finding(info: MediaInfo, placement: Placement) -> Finding:
    """Duration within the placement's limits."""
    low, high = placement.min_duration_s, placement.max_duration_s
    value = info.duration_s
    ok = low <= value <= high
    return finding(
        "format.duration",
        ok,
        f"{value:.2f} s",
        f"{low:g}-{high:g} s",
        "Duration is within limits."
        if ok
        else f"{value:.1f} s is outside {placement.label}'s {low:g}-{high:g} s.",
    )


def container_finding(info: MediaInfo, placement: Placement) -> Finding:
    """Container must be one the placement accepts."""
    ok = info.container in placement.containers
    allowed = ", ".join(placement.containers)
    return finding(
        "format.container",
        ok,
        info.container,
        allowed,
        "Container accepted."
        if ok
        else f"{placement.label} does not accept {info.container}; export as {allowed}.",
    )


def codec_finding(info: MediaInfo, placement: Placement) -> Finding:
    """Video (and audio, when present) codecs must be ones the placement accepts."""
    problems = []
    if info.video.codec not in placement.video_codecs:
        problems.append(f"video {info.video.codec} (use {', '.join(placement.video_codecs)})")
    if info.audio and info.audio.codec not in placement.audio_codecs:
        problems.append(f"audio {info.audio.codec} (use {', '.join(placement.audio_codecs)})")
    measured = info.video.codec + (f" / {info.audio.codec}" if info.audio else "")
    expected = f"{'/'.join(placement.video_codecs)} + {'/'.join(placement.audio_codecs)}"
    return finding(
        "format.codec",
        not problems,
        measured,
        expected,
        "Codecs accepted."
        if not problems
        else f"Codec not accepted by {placement.label}: {'; '.join(problems)}.",
    )


def file_size_finding(info: MediaInfo, placement: Placement) -> Finding:
    """File size under the placement's maximum."""
    size_mb = info.size_bytes / 1024**2
    ok = size_mb <= placement.max_file_size_mb
    return finding(
        "format.file_size",
        ok,
        f"{size_mb:.1f} MB",
        f"≤ {placement.max_file_size_mb:g} MB",
        "File size is fine." if ok else f"{size_mb:.0f} MB exceeds {placement.label}'s limit.",
    )


def frame_rate_finding(
    info: MediaInfo, placement: Placement, peak_rate: float | None = None
) -> Finding:
    """Frame rate under the placement's maximum (when it sets one).

    PEAK_RATE (the most frames shown in any one second, from the decode pass) is judged when
    known, so a variable-frame-rate file with a fast section is not passed on its average.
    """
    average = info.video.frame_rate
    rate = max(r for r in (average, peak_rate) if r) if (average or peak_rate) else None
    limit = placement.max_frame_rate
    ok = rate is None or limit is None or rate <= limit + 0.01
    measured = f"{rate:.3g} fps" if rate else "unknown"
    if rate and average and abs(rate - average) > 0.5:
        measured = f"{rate:.3g} fps peak in 1 s (average {average:.3g} fps)"
    return finding(
        "format.frame_rate",
        ok,
        measured,
        f"≤ {limit:g} fps" if limit else "any",
        "Frame rate is fine." if ok else f"{measured} is above {limit:g} fps.",
    )


def format_findings(
    info: MediaInfo, placement: Placement, peak_rate: float | None = None
) -> list[Finding]:
    """Every format check that applies to the file's kind (PEAK_RATE: see frame_rate_finding)."""
    found = [
        aspect_finding(info, placement),
        resolution_finding(info, placement),
        file_size_finding(info, placement),
    ]
    if info.kind == "video":
        found += [
            duration_finding(info, placement),
            container_finding(info, placement),
            codec_finding(info, placement),
            frame_rate_finding(info, placement, peak_rate),
        ]
    return found
