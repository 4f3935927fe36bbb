"""The gate's built-in checks, registered through QA_CHECKS like any studio's own.

Order is the report's order: format, picture, audio, brand (palette, logo), safe zones,
end card. Each check is a thin judge over the evidence of the one media pass.
"""

from __future__ import annotations

from creative_workbench.qa.checks import Check, CheckJob, Evidence
from creative_workbench.qa.findings import Finding

NO_PLACEMENT = (
    "No placement known: pass --placement or list the file under [[deliverables]] in "
    "project.toml; format checks skipped."
)


def _format(evidence: Evidence) -> list[Finding]:
    from creative_workbench.qa.format_checks import format_findings

    job = evidence.job
    if job.placement is None:
        return [Finding("format.aspect", "warn", None, "a placement", None, NO_PLACEMENT)]
    peak = evidence.seen.peak_frame_rate if evidence.seen is not None else None
    return format_findings(job.info, job.placement, peak)


def _audio(evidence: Evidence) -> list[Finding]:
    from creative_workbench.qa.audio import audio_findings

    job = evidence.job
    return audio_findings(evidence.audio, job.placement, job.thresholds, job.context.voiceover)


def _palette(evidence: Evidence) -> list[Finding]:
    from creative_workbench.qa.brand_checks import palette_finding

    job = evidence.job
    found, off = palette_finding(evidence.frames, job.context.palette, job.thresholds)
    evidence.offending += off
    return [found]


def _logo(evidence: Evidence) -> list[Finding]:
    from creative_workbench.qa.brand_checks import logo_findings

    job = evidence.job
    return logo_findings(evidence.logos, job.thresholds, bool(job.context.logos), job.video)


def has_zones(job: CheckJob) -> bool:
    """True when the placement reserves any edge for the platform's interface."""
    if job.placement is None:
        return False
    zone = job.placement.safe_zone
    return any((zone.top, zone.bottom, zone.left, zone.right))


def _safe_zones(evidence: Evidence) -> list[Finding]:
    from creative_workbench.qa.ocr import detect_text
    from creative_workbench.qa.safe_zones import overlap_share, safe_zone_findings

    placement = evidence.job.placement
    if not has_zones(evidence.job):
        found, _ = safe_zone_findings(placement, [], [])
        return found
    card, frames = evidence.card, evidence.frames
    texts = [(card.frame.time, t.box) for t in card.texts]
    body = [f for f in frames if f.time < card.start_s - 0.05] or frames[:1]
    middle = body[len(body) // 2]
    texts += [(middle.time, box) for box in detect_text(middle.rgb)]
    logos = [(h.time, h.box) for h in evidence.logos if h is not None]

    def in_logo(time: float, box) -> bool:  # a wordmark is judged with the logo, not as text
        return any(
            abs(t - time) < 0.01 and overlap_share(box, (x, y, x + w, y + h)) > 0.5
            for t, (x, y, w, h) in logos
        )

    texts = [(t, box) for t, box in texts if not in_logo(t, box)]
    found, off = safe_zone_findings(placement, texts, logos)
    evidence.offending += off
    return found


def _end_card(evidence: Evidence) -> list[Finding]:
    from creative_workbench.qa.end_card import end_card_findings

    job = evidence.job
    context = job.context
    return end_card_findings(
        evidence.card, context.cta, context.other_ctas, job.thresholds, job.video
    )


QA_CHECKS = (
    Check(
        "format",
        (
            "format.aspect",
            "format.resolution",
            "format.duration",
            "format.container",
            "format.codec",
            "format.file_size",
            "format.frame_rate",
        ),
        applies=lambda job: True,
        run=_format,
    ),
    Check(
        "picture",
        ("video.black", "video.frozen"),
        applies=lambda job: job.video,
        run=lambda evidence: evidence.picture,
    ),
    Check(
        "audio",
        (
            "audio.present",
            "audio.signal",
            "audio.loudness",
            "audio.true_peak",
            "audio.loudness_range",
            "audio.clipping",
            "audio.silence_gaps",
            "audio.speech",
        ),
        applies=lambda job: job.video,
        run=_audio,
        needs=lambda job: frozenset({"audio"}),
    ),
    Check(
        "palette",
        ("brand.palette",),
        applies=lambda job: bool(job.context.palette),
        run=_palette,
    ),
    Check("logo", ("brand.logo", "brand.early"), applies=lambda job: True, run=_logo),
    Check(
        "safe_zones",
        ("safe_zone.text", "safe_zone.logo"),
        applies=lambda job: job.placement is not None,
        run=_safe_zones,
        needs=lambda job: frozenset({"text"}) if has_zones(job) else frozenset(),
    ),
    Check(
        "end_card",
        ("end_card.cta", "end_card.hold", "end_card.leftover"),
        applies=lambda job: bool(job.context.cta) or job.video,
        run=_end_card,
        needs=lambda job: frozenset({"text"}) if job.context.cta else frozenset(),
    ),
)
