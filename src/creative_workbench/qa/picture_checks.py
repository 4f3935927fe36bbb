"""Findings from the decode pass: decode errors, black and frozen segments."""

from __future__ import annotations

from creative_workbench.qa.findings import Finding, finding, fmt_time_range
from creative_workbench.qa.video_pass import PICTURE_LIMITS, PassResult, PictureLimits

SHOWN_SEGMENTS = 3


def decode_finding(seen: PassResult) -> Finding:
    """Fail when any frame failed to decode, saying where the damage is."""
    errors = seen.error_times
    if not errors:
        return Finding(
            "decode",
            "pass",
            f"{seen.frame_count} frames decoded, no errors",
            "a readable media file",
            None,
            "The file decodes.",
        )
    first, last = errors[0], errors[-1]
    count = len(errors)
    plural = "s" if count > 1 else ""
    return Finding(
        "decode",
        "fail",
        f"{count} decode error{plural}, first at {first:.2f} s",
        "no decode errors",
        fmt_time_range(first, last),
        f"The video is damaged: {count} decode error{plural} from {first:.1f} s "
        f"(last at {last:.1f} s); re-export or re-transfer the file.",
    )


def _segments(found: list[tuple[float, float]]) -> str:
    shown = ", ".join(fmt_time_range(a, b) for a, b in found[:SHOWN_SEGMENTS])
    more = len(found) - SHOWN_SEGMENTS
    return shown + (f" and {more} more" if more > 0 else "")


def _segment_finding(
    check_id: str, found: list[tuple[float, float]], what: str, rule: str, sentence: str, bad: str
) -> Finding:
    """Pass without segments; otherwise BAD, naming where (SENTENCE: 'Black picture at')."""
    where = _segments(found) if found else None
    return finding(
        check_id,
        not found,
        f"{what} {where}" if found else f"no {what} segment",
        rule,
        f"{sentence} {where}." if found else f"No {what} segments.",
        where=where,
        bad=bad,
    )


def black_finding(seen: PassResult, limits: PictureLimits = PICTURE_LIMITS) -> Finding:
    """Black segments of at least limits.black_min_s (ffmpeg blackdetect's rule)."""
    rule = f"no black picture for {limits.black_min_s:g} s or more"
    return _segment_finding(
        "video.black", seen.black, "black", rule, "Black picture at", limits.severity
    )


def frozen_finding(seen: PassResult, limits: PictureLimits = PICTURE_LIMITS) -> Finding:
    """Frozen segments of at least limits.freeze_min_s in a moving picture (not the end card)."""
    rule = f"no frozen picture for {limits.freeze_min_s:g} s or more"
    return _segment_finding(
        "video.frozen", seen.frozen, "frozen", rule, "The picture freezes at", limits.severity
    )


def picture_findings(seen: PassResult) -> list[Finding]:
    """decode, video.black and video.frozen."""
    return [decode_finding(seen), black_finding(seen), frozen_finding(seen)]
