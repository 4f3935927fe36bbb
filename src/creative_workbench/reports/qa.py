"""QA report pieces: verdict summary, findings heatmap, loudness curves, deliverable cards."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from creative_workbench.qa.checks import check_ids
from creative_workbench.qa.context import GateResult
from creative_workbench.qa.findings import SEVERITY_RANK, blocks
from creative_workbench.reports.theme import SEVERITY_COLOURS

NOT_CHECKED = [
    "Typography judgement: whether type is legible, well set and on-brand is a designer's call.",
    "Taste: whether the edit, music, casting and pacing are good is the creative lead's call.",
    "Legal and claims: offers, prices, health or performance claims and disclaimers need "
    "legal review.",
    "Platform policy: ad review (restricted content, personal attributes) happens at upload.",
    "Meaning: OCR reads the CTA text but not whether the message fits the brief or audience.",
]


def verdict_line(results: Sequence[GateResult], strict: bool = False) -> str:
    """One sentence: how many files pass, warn and fail, and whether the batch may ship."""
    counts = {s: sum(r.severity == s for r in results) for s in SEVERITY_RANK}
    blocked = any(blocks(r.severity, strict) for r in results)
    return (
        f"{len(results)} deliverable(s): {counts['pass']} pass, {counts['warn']} with "
        f"warnings, {counts['fail']} fail — "
        + ("not ready to ship." if blocked else "ready for human review.")
    )


def findings_table(results: Sequence[GateResult], only_problems: bool = False) -> pl.DataFrame:
    """Every finding with the file's name (worst first when filtered)."""
    rows = [
        {
            "file": Path(r.file).name,
            "check": f.check_id,
            "severity": f.severity,
            "measured": f.measured,
            "expected": f.expected,
            "where": f.where,
            "message": f.message,
        }
        for r in results
        for f in r.findings
        if not only_problems or f.severity != "pass"
    ]
    schema = {
        k: pl.Utf8
        for k in ("file", "check", "severity", "measured", "expected", "where", "message")
    }
    return pl.DataFrame(rows, schema=schema)


def findings_heatmap(results: Sequence[GateResult]) -> go.Figure:
    """Files × checks coloured by severity (blank where a check does not apply)."""
    names = [Path(r.file).name for r in results]
    checks = [c for c in check_ids() if any(f.check_id == c for r in results for f in r.findings)]
    z, text = [], []
    for result in results:
        by_id = {f.check_id: f for f in result.findings}
        z.append([SEVERITY_RANK[by_id[c].severity] if c in by_id else None for c in checks])
        text.append([by_id[c].message if c in by_id else "not applicable" for c in checks])
    scale = [
        [0.0, SEVERITY_COLOURS["pass"]],
        [0.5, SEVERITY_COLOURS["warn"]],
        [1.0, SEVERITY_COLOURS["fail"]],
    ]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=checks,
            y=names,
            text=text,
            zmin=0,
            zmax=2,
            colorscale=scale,
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
        )
    )
    figure.update_layout(
        title="Checks per deliverable (green pass, amber warn, red fail)",
        height=140 + 26 * len(names),
        xaxis={"tickangle": -45},
        yaxis={"autorange": "reversed"},
    )
    return figure


def loudness_figure(results: Sequence[GateResult], target_lufs: float | None = -14.0) -> go.Figure:
    """Momentary loudness (400 ms) of every file over time, with the target line."""
    figure = go.Figure()
    for result in results:
        curve = result.loudness
        if not curve or not curve.get("time_s"):
            continue
        figure.add_trace(
            go.Scatter(
                x=curve["time_s"],
                y=curve["momentary_lufs"],
                mode="lines",
                name=Path(result.file).name,
                line={"width": 1.4},
            )
        )
    if target_lufs is not None:
        figure.add_hline(
            y=target_lufs,
            line_dash="dash",
            line_color="#5f6b73",
            annotation_text=f"target {target_lufs:g} LUFS integrated",
        )
    figure.update_layout(
        title="Momentary loudness",
        xaxis_title="seconds",
        yaxis_title="LUFS (momentary)",
        yaxis={"range": [-60, 0]},
    )
    return figure


def _img(label: str, data: str) -> str:
    return (
        f'<figure style="margin:0 6px 0 0;display:inline-block;text-align:center">'
        f'<img alt="{html.escape(label)}" style="max-height:120px;border:1px solid #ccd" '
        f'src="data:image/jpeg;base64,{data}"/><figcaption style="font-size:11px">'
        f"{html.escape(label)}</figcaption></figure>"
    )


def card_html(result: GateResult) -> str:
    """One deliverable: verdict, thumbnails (first, last, offending frames), its problems."""
    colour = SEVERITY_COLOURS[result.severity]
    name = html.escape(Path(result.file).name)
    info = result.info or {}
    facts = ", ".join(
        html.escape(str(v))
        for v in (
            f"{info.get('display_width')}×{info.get('display_height')}" if info else None,
            f"{info.get('duration_s')} s" if info.get("duration_s") else None,
            info.get("video_codec"),
            info.get("audio_codec"),
        )
        if v
    )
    thumbs = "".join(_img(label, data) for label, data in result.thumbnails.items() if data)
    problems = (
        "".join(
            f"<li><b>{html.escape(f.check_id)}</b> ({html.escape(f.severity)}): "
            f"{html.escape(f.message)}"
            + (f" <i>[{html.escape(f.where)}]</i>" if f.where else "")
            + "</li>"
            for f in result.findings
            if f.severity != "pass"
        )
        or "<li>All checks pass.</li>"
    )
    return (
        f'<div style="border:1px solid #dde;border-left:6px solid {colour};padding:8px 12px;'
        f'margin:8px 0;border-radius:4px"><div><b>{name}</b> · '
        f"{html.escape(result.placement or 'no placement')} · "
        f'<span style="color:{colour};font-weight:bold">{result.severity.upper()}</span>'
        f" <span style='color:#5f6b73;font-size:12px'>{facts}</span></div>"
        f'<div style="margin:6px 0">{thumbs}</div><ul style="margin:4px 0">{problems}</ul>'
        "</div>"
    )


def cards_html(results: Sequence[GateResult]) -> str:
    """All deliverable cards, failing ones first."""
    ordered = sorted(results, key=lambda r: (-SEVERITY_RANK[r.severity], Path(r.file).name))
    return "".join(card_html(r) for r in ordered)
