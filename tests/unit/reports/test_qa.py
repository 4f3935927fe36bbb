"""QA report builders: escaped names, small thumbnails, figures from gate results."""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

from creative_workbench.qa.context import GateResult
from creative_workbench.qa.findings import Finding
from creative_workbench.qa.gate import jpeg_base64
from creative_workbench.reports import qa as qa_report


def result(name: str, severity: str = "fail") -> GateResult:
    findings = [
        Finding("decode", "pass", None, None, None, "The file decodes."),
        Finding("brand.logo", severity, "not found", "logo", "3.0 s", "No <logo> here."),
    ]
    thumb = jpeg_base64(np.full((640, 360, 3), 200, np.uint8))
    return GateResult(
        name,
        "meta_reels",
        findings,
        0.4,
        {"display_width": 360},
        {"time_s": [0.4, 0.5], "momentary_lufs": [-14.0, -13.5], "integrated_lufs": [-14.0]},
        {"first": thumb, "last": thumb},
    )


def test_cards_escape_file_names_and_messages():
    markup = qa_report.cards_html([result("spot <img src=x onerror=alert(1)>.mp4")])
    assert "<img src=x" not in markup
    assert "&lt;img src=x onerror=alert(1)&gt;" in markup and "No &lt;logo&gt; here." in markup


def test_thumbnails_are_small_jpegs():
    data = base64.b64decode(
        jpeg_base64(np.random.default_rng(0).integers(0, 255, (1920, 1080, 3), dtype=np.uint8))
    )
    assert data[:3] == b"\xff\xd8\xff" and len(data) < 20_000


def test_figures_and_tables():
    results = [result("a.mp4"), result("b.mp4", "pass")]
    heat = qa_report.findings_heatmap(results)
    assert isinstance(heat, go.Figure) and list(heat.data[0].x) == ["decode", "brand.logo"]
    curve = qa_report.loudness_figure(results)
    assert len(curve.data) == 2
    assert qa_report.findings_table(results, only_problems=True).height == 1
    assert "1 pass" in qa_report.verdict_line(results) and "not ready" in qa_report.verdict_line(
        results
    )
    assert any("Legal" in line for line in qa_report.NOT_CHECKED)
