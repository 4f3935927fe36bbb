"""Safe zones: text and logo must stay out of the placement's UI overlay margins."""

from __future__ import annotations

from collections.abc import Sequence

from creative_workbench.placements import Placement
from creative_workbench.qa.findings import Finding, finding

Box = tuple[float, float, float, float]
MAX_OVERLAP = 0.2


def zone_rects(placement: Placement) -> list[tuple[str, Box]]:
    """The overlay margins as (name, (x0, y0, x1, y1)) in fractions of the frame."""
    zone = placement.safe_zone
    rects = [
        ("top", (0.0, 0.0, 1.0, zone.top / 100)),
        ("bottom", (0.0, 1 - zone.bottom / 100, 1.0, 1.0)),
        ("left", (0.0, 0.0, zone.left / 100, 1.0)),
        ("right", (1 - zone.right / 100, 0.0, 1.0, 1.0)),
    ]
    return [(name, rect) for name, rect in rects if rect[2] > rect[0] and rect[3] > rect[1]]


def overlap_share(box: Box, rect: Box) -> float:
    """Share of BOX (x, y, w, h) that lies inside RECT (x0, y0, x1, y1)."""
    x, y, w, h = box
    if w <= 0 or h <= 0:
        return 0.0
    ix = max(0.0, min(x + w, rect[2]) - max(x, rect[0]))
    iy = max(0.0, min(y + h, rect[3]) - max(y, rect[1]))
    return ix * iy / (w * h)


def intrusions(
    boxes: Sequence[tuple[float, Box]], placement: Placement
) -> list[tuple[float, str, float]]:
    """(time, zone, share) for each box more than MAX_OVERLAP inside an overlay zone."""
    found = []
    for time, box in boxes:
        for name, rect in zone_rects(placement):
            share = overlap_share(box, rect)
            if share > MAX_OVERLAP:
                found.append((time, name, share))
    return found


def safe_zone_findings(
    placement: Placement,
    text_boxes: Sequence[tuple[float, Box]],
    logo_boxes: Sequence[tuple[float, Box]],
) -> tuple[list[Finding], list[float]]:
    """safe_zone.text and safe_zone.logo, plus the times of offending frames."""
    zone = placement.safe_zone
    expected = (
        f"outside top {zone.top:g}%, bottom {zone.bottom:g}%, left {zone.left:g}%, "
        f"right {zone.right:g}%"
    )
    results, times = [], []
    for check_id, what, boxes in (
        ("safe_zone.text", "Text", text_boxes),
        ("safe_zone.logo", "The logo", logo_boxes),
    ):
        hits = intrusions(boxes, placement)
        times.extend(t for t, _, _ in hits)
        zones = sorted({z for _, z, _ in hits})
        where = ", ".join(f"t={t:.1f} s {z} zone" for t, z, _ in hits[:4]) or None
        results.append(
            finding(
                check_id,
                not hits,
                f"in {', '.join(zones)} zone" if hits else "clear",
                expected,
                f"{what} sits under the {placement.label} UI ({', '.join(zones)})."
                if hits
                else f"{what} stays clear of the {placement.label} UI.",
                where=where,
            )
        )
    return results, sorted(set(times))
