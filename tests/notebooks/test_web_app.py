"""`workbench app` in a real browser: a real Voilà server on a loopback port, headless Chromium.

Filters change the cards, a board survives a reload (a new kernel reads it from state.db),
and the exported board opens offline.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.browser import FILE_ONLY, free_port, guarded_page, served
from tests.projects import copy_project

pytestmark = pytest.mark.slow
# The first page waits for the pre-heated kernel: imports, ingest and labelling of 2,522 ads.
PAGE_TIMEOUT_MS = 300_000
BOARD = "Client pitch <Q3>"


@pytest.fixture(scope="module")
def web_app(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory):
    """`workbench app` serving a private copy of the demo project; yields (root, url)."""
    root = tmp_path_factory.mktemp("app-ws")
    copy_project(demo_workspace, root)
    port = free_port()
    command = [sys.executable, "-m", "creative_workbench.cli", "app", "--project", "demo"]
    command += ["--root", str(root), "--port", str(port)]
    with served(command, port, root / "app.log", "workbench app") as url:
        yield root, url


def _count(page) -> int:
    return int(page.locator(".wb-count").first.get_attribute("data-count"))


def _dropdown(page, label: str):
    return page.locator(f".widget-dropdown:has(> label:text-is('{label}')) select")


def _wait_cards(page) -> None:
    page.wait_for_selector(".wb-slot .wb-card", timeout=PAGE_TIMEOUT_MS)


def test_filter_board_reload_export_offline(web_app, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    root, url = web_app
    with guarded_page((url, "data:", "blob:", "about:")) as (page, seen):
        page.goto(url, timeout=PAGE_TIMEOUT_MS)
        _wait_cards(page)
        assert "creative_workbench" not in page.content()  # Voilà strips the code
        everything = _count(page)
        assert everything > 24 and page.locator(".wb-slot .wb-card").count() == 24

        _dropdown(page, "Offer").select_option("discount")
        expect(page.locator(".wb-count").first).not_to_have_attribute("data-count", str(everything))
        assert 0 < _count(page) < everything

        page.locator(".widget-text:has(> label:text-is('New board')) input").fill(BOARD)
        page.get_by_role("button", name="Create board").click()
        status = page.locator(".wb-board-status")
        expect(status).to_contain_text("created board")
        chosen = page.locator(".wb-slot .wb-card").first.get_attribute("data-ad-id")
        page.locator(".wb-slot input[type=checkbox]").first.check()
        page.get_by_role("button", name="Add selected").click()
        expect(status).to_contain_text("added 1 ads")

        page.reload(timeout=PAGE_TIMEOUT_MS)
        _wait_cards(page)
        boards = _dropdown(page, "Board")
        expect(boards.locator("option", has_text=BOARD)).to_have_count(1, timeout=30_000)
        boards.select_option(BOARD)
        page.get_by_label("Show only this board").check()
        expect(page.locator(".wb-count").first).to_have_attribute("data-count", "1")
        assert page.locator(".wb-slot .wb-card").first.get_attribute("data-ad-id") == chosen

        page.get_by_role("button", name="Export CSV + HTML").click()
        link = page.locator("a.wb-download", has_text=".html")
        expect(link).to_have_count(1)
        with page.expect_download() as download:
            link.click()
        exported = tmp_path / "board.html"
        download.value.save_as(exported)
    assert seen.blocked_requests == [], "the web app fetched something from outside 127.0.0.1"
    assert seen.page_errors == []
    assert (root / "data/projects/demo/boards/client-pitch-q3.csv").is_file()
    _open_offline(exported, chosen)


def _open_offline(exported: Path, ad_id: str) -> None:
    with guarded_page(FILE_ONLY, offline=True) as (page, seen):
        page.goto(exported.resolve().as_uri(), wait_until="load")
        assert page.title() == BOARD
        cards = page.locator(".wb-card")
        assert cards.count() == 1 and cards.first.get_attribute("data-ad-id") == ad_id
    assert seen.blocked_requests == [] and seen.console_errors == []
