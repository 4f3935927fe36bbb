"""Open a report in headless Chromium (Debian's) with the network off; collect errors."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class PageVisit:
    """What a browser saw when it opened a report."""

    plots: int
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    title: str = ""


def chromium_path() -> str:
    """Path of Debian's chromium; skip (or fail under CI) when it is absent."""
    import os

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def visit(html_path: Path, screenshot: Path | None = None) -> PageVisit:
    """Load HTML_PATH from file:// with every network request refused; count rendered plots."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        seen = PageVisit(plots=0)

        def route(request_route):
            url = request_route.request.url
            if url.startswith(("file:", "data:", "blob:", "about:")):
                request_route.continue_()
            else:
                seen.blocked_requests.append(url)
                request_route.abort()

        page.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
        page.on("pageerror", lambda e: seen.page_errors.append(str(e)))
        page.goto(html_path.resolve().as_uri(), wait_until="load")
        page.wait_for_timeout(1500)
        seen.plots = page.locator(".js-plotly-plot .main-svg").count()
        seen.title = page.title()
        if screenshot:
            page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    return seen
