"""Every report notebook as a strategist meets it: `workbench lab`'s JupyterLab, in headless
Chromium, on the project's own working copies: Run All, then look at what rendered and was saved.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from creative_workbench import Workspace, load_project
from creative_workbench.pipeline.notebook_copies import working_copies
from creative_workbench.pipeline.registry import REPORTS
from creative_workbench.reports.jupyter_hooks import RERUN_NOTE, WIDGET_VIEW
from creative_workbench.reports.notebook import NO_MATH_CLASSES
from tests.browser import jupyterlab, loopback_page, run_all_in_lab
from tests.projects import copy_project

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("jupyterlab")]
PRICE = re.compile(r"\$\d+")
AD_COPY = "Why pay $180 when it is $109 today, or $20 off $15 socks"


@pytest.fixture(scope="module")
def lab(demo_workspace, tmp_path_factory):
    """A private copy of the demo project with its notebook copies, served by JupyterLab."""
    root = tmp_path_factory.mktemp("lab-ws")
    copy_project(demo_workspace, root)
    project = load_project("demo", Workspace(root))
    working_copies(project)
    with jupyterlab(root, "data/projects/demo/notebooks", root / "lab.log") as server:
        yield server, project


@pytest.fixture(scope="module")
def browser():
    with loopback_page() as (page, seen):
        yield page, seen


def _model_versions(project) -> set[str]:
    return {p.name for p in project.models_dir.glob("*") if p.is_dir()}


@pytest.mark.parametrize("report", list(REPORTS))
def test_run_all_in_jupyterlab(lab, browser, report, tmp_path):
    server, project = lab
    page, seen = browser
    seen.console_errors.clear(), seen.page_errors.clear(), seen.blocked_requests.clear()
    notebook = project.notebooks_dir / REPORTS[report].notebook
    models_before = _model_versions(project)
    run_all_in_lab(page, server, notebook.relative_to(server.root).as_posix())
    page.screenshot(path=str(tmp_path / f"{report}.png"))

    book = nbformat.read(notebook, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"]
    errors = [f"{o.ename}: {o.evalue}" for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == [], errors
    assert all(c.execution_count for c in code), "Run All stopped before the last cell"
    assert seen.page_errors == [] and seen.console_errors == [], seen.console_errors
    assert seen.blocked_requests == [], "the notebook tried to reach the network"
    saved = [o for c in code for o in c.outputs]
    assert not [o for o in saved if WIDGET_VIEW in o.get("data", {})], "widget saved as a view"
    if report == "competitive_analysis":
        assert any(RERUN_NOTE in o.get("data", {}).get("text/plain", "") for o in saved)
        outputs = page.locator(".jp-OutputArea-output")
        shown = " ".join(outputs.all_inner_texts())
        assert PRICE.search(shown), "no $ price in the rendered ad copy"
        assert page.locator(".jp-OutputArea-output mjx-container").count() == 0
    if report == "model_training":
        assert _model_versions(project) == models_before, "promote=False registered a model"


def test_dollar_copy_is_text_where_mathjax_would_typeset_it(lab, browser):
    """Control for the test above: JupyterLab's typesetter turns $…$ in plain HTML into
    maths, and leaves it alone inside the block the workbench wraps its HTML in."""
    server, _ = lab
    page, _ = browser
    if not page.url.startswith(f"http://127.0.0.1:{server.port}/"):
        run_all_in_lab(page, server, "data/projects/demo/notebooks/project_overview.ipynb")
    counts = page.evaluate(
        """([copy, classes]) => new Promise(resolve => {
          const panel = window.__panel;
          const plain = document.createElement('div');
          const guarded = document.createElement('div');
          plain.textContent = copy;
          guarded.className = classes;
          guarded.textContent = copy;
          panel.node.append(plain, guarded);
          Promise.resolve(panel.content.rendermime.latexTypesetter.typeset(plain))
            .then(() => panel.content.rendermime.latexTypesetter.typeset(guarded))
            .then(() => setTimeout(() => resolve([
              plain.querySelectorAll('mjx-container').length,
              guarded.querySelectorAll('mjx-container').length,
              guarded.textContent]), 500));
        })""",
        [AD_COPY, NO_MATH_CLASSES],
    )
    assert counts[0] > 0, "MathJax did not typeset the unguarded copy: the control is void"
    assert counts[1] == 0 and counts[2] == AD_COPY
