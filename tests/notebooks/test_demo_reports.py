"""Notebook smoke tier: every registered report runs on the demo project and opens offline."""

from __future__ import annotations

from datetime import date

import pytest

from creative_workbench import Workspace
from creative_workbench.pipeline.registry import REPORTS
from creative_workbench.pipeline.runner import plan_jobs, run_jobs
from tests.browser import visit
from tests.projects import copy_project

# One worker runs every report once (ungrouped, each xdist worker would run them all again).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("demo_reports")]
DAY = date(2026, 11, 23)
MAX_HTML_BYTES = 8 * 1024 * 1024


@pytest.fixture(scope="module")
def demo_reports(demo_workspace, tmp_path_factory):
    """Run every registered report on a private copy of the demo project, in parallel."""
    root = tmp_path_factory.mktemp("reports-ws")
    copy_project(demo_workspace, root)
    results = run_jobs(plan_jobs(list(REPORTS), ["demo"]), Workspace(root), max_workers=2, day=DAY)
    return root, {r.report: r for r in results}


@pytest.mark.parametrize("report", list(REPORTS))
def test_report_produces_offline_html(demo_reports, report):
    root, results = demo_reports
    result = results[report]
    assert result.error is None, result.error
    html = root / "reports/demo/2026-11-23" / f"{report}.html"
    assert result.html == html
    body = html.read_text("utf-8")
    assert html.stat().st_size <= MAX_HTML_BYTES
    assert body.count("plotly.js v") <= 1
    assert "cdn.plot.ly" not in body.split("</script>")[0]


@pytest.mark.parametrize("report", list(REPORTS))
def test_report_renders_in_chromium_offline(demo_reports, report, tmp_path):
    root, results = demo_reports
    assert results[report].error is None, results[report].error
    html = root / "reports/demo/2026-11-23" / f"{report}.html"
    seen = visit(html, screenshot=tmp_path / f"{report}.png")
    assert seen.plots > 0, "no plotly chart rendered"
    assert seen.page_errors == [] and seen.console_errors == []
    assert seen.blocked_requests == [], "the report tried to reach the network"
