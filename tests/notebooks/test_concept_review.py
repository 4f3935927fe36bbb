"""The concept review in real tools: the report executed by papermill on a small project with
a hostile file name, and a card approved in the web app (Voilà) and in JupyterLab, each time
seen in state.db and in the report."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import pytest

from creative_workbench import Workspace, load_project
from creative_workbench.pipeline.concept_decisions import ConceptReview
from creative_workbench.pipeline.notebook_copies import working_copies
from creative_workbench.pipeline.runner import run_report
from tests.browser import (
    free_port,
    guarded_page,
    jupyterlab,
    loopback_page,
    run_all_in_lab,
    served,
    visit,
)
from tests.concept_projects import make_concept_project

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("jupyterlab")]
PAGE_TIMEOUT_MS = 180_000
DAY = date(2026, 12, 2)


def _report(root: Path) -> str:
    html = run_report("concept_review", "acme", workspace=Workspace(root), day=DAY)
    return html.read_text("utf-8")


def test_report_shows_decisions_and_escapes_a_hostile_file_name(tmp_path):
    make_concept_project(tmp_path, n=12, hostile=True)
    review = ConceptReview(load_project("acme", Workspace(tmp_path)))
    review.decide("c000", "approve", "Maya Okafor", "strong <hook>", note="crop <tighter>")
    review.decide("c001", "discard", "Rui Costa", "off palette")
    review.decide("c001", "approve_with_changes", "Maya Okafor", "swap the CTA")
    body = _report(tmp_path)
    assert "<img src=x onerror" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "strong &lt;hook&gt;" in body and "crop &lt;tighter&gt;" in body
    assert body.count("plotly.js v") == 1 and "load_project(" not in body
    assert body.count('class="wb-concept ') == 12  # every candidate has its card
    assert "reference (not a target)" in body
    seen = visit(tmp_path / "reports/acme/2026-12-02/concept_review.html")
    assert seen.plots >= 2 and seen.page_errors == [] and seen.blocked_requests == []


@pytest.fixture
def board_server(tmp_path):
    """`concepts board` (cli/concept_decide.py) serving a small project; yields (root, url)."""
    make_concept_project(tmp_path, n=30)
    port = free_port()
    script = (
        "import sys, typer\n"
        "from creative_workbench.cli.concept_decide import register_decide\n"
        "app = typer.Typer()\nregister_decide(app)\napp(sys.argv[1:])"
    )
    command = [sys.executable, "-c", script, "board", "--project", "acme"]
    command += ["--root", str(tmp_path), "--port", str(port)]
    with served(command, port, tmp_path / "board.log", "the board") as url:
        yield tmp_path, url


def _approve_first_card(page, reason: str) -> str:
    """Type REASON, click the first card's Approve button; returns the card's id."""
    from playwright.sync_api import expect

    page.wait_for_selector(".wb-concept-slot .wb-concept", timeout=PAGE_TIMEOUT_MS)
    card = page.locator(".wb-concept-slot").first
    chosen = card.locator(".wb-concept").get_attribute("data-candidate-id")
    page.locator(".widget-text:has(> label:text-is('Reason')) input").first.fill(reason)
    card.get_by_role("button", name="Approve (a)").click()  # a ToggleButtons button
    expect(page.locator(".wb-review-status").first).to_contain_text(f"{chosen}: approve by")
    expect(card.locator(".wb-concept")).to_have_attribute("data-state", "approved")
    return chosen


def test_approve_and_discard_in_the_web_app(board_server):
    from playwright.sync_api import expect

    root, url = board_server
    with guarded_page((url, "ws://127.0.0.1:", "data:", "blob:", "about:")) as (page, seen):
        page.goto(url, timeout=PAGE_TIMEOUT_MS)
        chosen = _approve_first_card(page, "fits the <placement>")
        assert "creative_workbench" not in page.content()  # Voilà strips the code
        keys = page.locator(".wb-keys input").first
        keys.click()
        keys.press("j")
        second = page.locator(".wb-concept-slot .wb-concept").nth(1)
        expect(second).to_have_attribute("style", re.compile("box-shadow"))
        keys.press("d")
        expect(second).to_have_attribute("data-state", "discarded")
    assert seen.blocked_requests == [] and seen.page_errors == []
    history = ConceptReview(load_project("acme", Workspace(root))).history()
    assert history.select("subject", "decision", "who", "reason").rows() == [
        (chosen, "approve", "Maya Okafor", "fits the <placement>"),
        ("c001", "discard", "Maya Okafor", "fits the <placement>"),
    ]
    body = _report(root)
    assert "fits the &lt;placement&gt;" in body and f'data-candidate-id="{chosen}"' in body


def test_approve_in_jupyterlab(tmp_path):
    make_concept_project(tmp_path, n=30)
    project = load_project("acme", Workspace(tmp_path))
    copies = working_copies(project)
    notebook = next(c.path for c in copies if c.report == "concept_review")
    with (
        jupyterlab(tmp_path, "data/projects/acme/notebooks", tmp_path / "lab.log") as server,
        loopback_page() as (page, seen),
    ):
        run_all_in_lab(page, server, notebook.relative_to(tmp_path).as_posix())
        chosen = _approve_first_card(page, "strong hook")
    assert seen.page_errors == [] and seen.blocked_requests == []
    (row,) = ConceptReview(project).history().iter_rows(named=True)
    assert (row["subject"], row["decision"], row["who"]) == (chosen, "approve", "Maya Okafor")
    assert "strong hook" in _report(tmp_path)
