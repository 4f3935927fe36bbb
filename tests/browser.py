"""Open a report in headless Chromium (Debian's) with the network off; collect errors."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
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


FILE_ONLY = ("file:", "data:", "blob:", "about:")
LOOPBACK_ONLY = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")


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
    with guarded_page(FILE_ONLY, offline=True) as (page, seen):
        page.goto(html_path.resolve().as_uri(), wait_until="load")
        page.wait_for_timeout(1500)
        seen.plots = page.locator(".js-plotly-plot .main-svg").count()
        seen.title = page.title()
        if screenshot:
            page.screenshot(path=str(screenshot), full_page=True)
    return seen


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LabServer:
    """A JupyterLab server started as `workbench lab` starts it, on a loopback port."""

    root: Path
    port: int
    token: str
    process: object

    def url(self, path: str) -> str:
        """Address of PATH (relative to the root) in JupyterLab, with a fresh layout."""
        return f"http://127.0.0.1:{self.port}/lab/tree/{path}?token={self.token}&reset"


@contextmanager
def jupyterlab(root: Path, open_path: str, log: Path) -> Iterator[LabServer]:
    """Serve ROOT with JupyterLab (the `workbench lab` command line plus test settings:
    loopback only, a fixed token, the app object exposed for the browser to drive)."""
    import os
    import secrets
    import subprocess
    import time
    import urllib.request

    from creative_workbench.cli.lab import lab_arguments

    port, token = free_port(), secrets.token_hex(16)
    arguments = [
        *lab_arguments(root, open_path, port=port),
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.workspaces_dir={root / '.lab-workspaces'}",
        "--LabApp.extension_manager=readonly",
    ]
    env = {**os.environ, "WORKBENCH_HOME": str(root), "JUPYTER_CONFIG_DIR": str(root / ".jupyter")}
    with open(log, "w") as output:
        process = subprocess.Popen(arguments, stdout=output, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 120
        status = f"http://127.0.0.1:{port}/api/status?token={token}"
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(status, timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield LabServer(root, port, token, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


OPEN_NOTEBOOK_JS = """(name) => {
  const app = window.jupyterapp;
  if (!app) return false;
  const panel = [...app.shell.widgets('main')]
    .find(w => w.context && w.context.path.endsWith(name));
  if (!panel) return false;
  window.__panel = panel;
  const kernel = panel.sessionContext.session?.kernel;
  return panel.context.isReady && !!kernel && kernel.status === 'idle'
    && kernel.connectionStatus === 'connected';
}"""

FINISHED_JS = """() => {
  const panel = window.__panel;
  const kernel = panel.sessionContext.session?.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const prompts = [...panel.node.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
  return !prompts.some(p => p.textContent.includes('*'));
}"""


def run_all_in_lab(page, server: LabServer, path: str, timeout_s: float = 600) -> None:
    """Open the notebook PATH, wait for its kernel, Run All, wait for every cell, save."""
    page.goto(server.url(path))
    page.wait_for_function(OPEN_NOTEBOOK_JS, arg=Path(path).name, timeout=120_000, polling=500)
    page.evaluate(
        "app => { app.shell.activateById(window.__panel.id);"
        " return app.commands.execute('notebook:run-all-cells'); }",
        page.evaluate_handle("window.jupyterapp"),
    )
    page.wait_for_timeout(1000)  # Run All marks every cell queued ([*]) before it starts
    page.wait_for_function(FINISHED_JS, timeout=timeout_s * 1000, polling=1000)
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("!window.__panel.context.model.dirty", timeout=60_000)


@contextmanager
def guarded_page(
    allowed: tuple[str, ...], *, offline: bool = False
) -> Iterator[tuple[object, PageVisit]]:
    """A headless Chromium page that may load only URLs starting with ALLOWED; what it saw
    (console and page errors, refused requests) is collected."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(offline=offline, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        seen = PageVisit(plots=0)

        def route(request_route):
            url = request_route.request.url
            if url.startswith(allowed):
                request_route.continue_()
            else:
                seen.blocked_requests.append(url)
                request_route.abort()

        page.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
        page.on("pageerror", lambda e: seen.page_errors.append(str(e)))
        try:
            yield page, seen
        finally:
            browser.close()


def loopback_page():
    """A headless Chromium page that may reach 127.0.0.1 only (a context manager)."""
    return guarded_page(LOOPBACK_ONLY)


@contextmanager
def served(command: list[str], port: int, log_path: Path, what: str) -> Iterator[str]:
    """Run COMMAND, a server on 127.0.0.1:PORT logging to LOG_PATH; yield its URL once it
    listens (or fail the test with the log's tail naming WHAT did not start); stop it after."""
    import socket
    import subprocess
    import time

    with log_path.open("w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{what} did not start: {log_path.read_text()[-2000:]}")
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
