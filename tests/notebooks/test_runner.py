"""The report runner: papermill execution, offline HTML, atomic output, events, fan-out."""

from __future__ import annotations

from datetime import date

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from creative_workbench import ReportError, Workspace
from creative_workbench.pipeline import registry
from creative_workbench.pipeline.runner import (
    ReportFailedError,
    ReportJob,
    plan_jobs,
    run_jobs,
    run_report,
)
from creative_workbench.pipeline.store import Store
from tests.projects import make_project

DAY = date(2026, 11, 23)
pytestmark = pytest.mark.slow


def test_overview_runs_and_lands_atomically(tmp_path):
    folder = make_project(tmp_path)
    html = run_report("project_overview", "acme", workspace=Workspace(tmp_path), day=DAY)
    assert html == tmp_path / "reports/acme/2026-11-23/project_overview.html"
    assert (html.parent / "project_overview.ipynb").is_file()
    assert sorted(p.name for p in html.parent.iterdir()) == [
        "project_overview.html",
        "project_overview.ipynb",
    ]  # no temp files left behind
    body = html.read_text("utf-8")
    assert body.count("plotly.js v") == 1, "plotly.js must be embedded exactly once"
    assert "Acme &lt;Shoes&gt; &amp; Co" in body and "Acme <Shoes>" not in body
    assert "load_project(" not in body  # code hidden
    events = Store(folder / "state.db").events("report.")
    assert events.get_column("what").to_list() == ["report.run"]


def test_failing_notebook_reports_the_cell_and_writes_nothing(tmp_path, monkeypatch):
    make_project(tmp_path)
    broken = tmp_path / "broken.ipynb"
    nbformat.write(
        new_notebook(
            cells=[
                new_code_cell(
                    'project = "demo"\nworkspace = None', metadata={"tags": ["parameters"]}
                ),
                new_code_cell("1 / 0"),
            ]
        ),
        broken,
    )
    spec = registry.ReportSpec("broken", "Broken", str(broken), registry.OverviewParams, "tests")
    monkeypatch.setitem(registry.REPORTS, "broken", spec)
    with pytest.raises(
        ReportFailedError,
        match=r"broken.ipynb: cell \d+ failed: "
        r"ZeroDivisionError: division by zero",
    ) as err:
        run_report("broken", "acme", workspace=Workspace(tmp_path), day=DAY)
    assert "\n" not in str(err.value)
    assert not (tmp_path / "reports").exists()
    events = Store(tmp_path / "data/projects/acme/state.db").events("report.")
    assert events.get_column("what").to_list() == ["report.failed"]


def test_parameters_are_validated_before_anything_runs(tmp_path):
    make_project(tmp_path)
    with pytest.raises(ReportError, match="test_weeks"):
        plan_jobs(["model_training"], ["acme"], {"test_weeks": "many"})
    with pytest.raises(ReportError, match="unknown report 'nope'"):
        plan_jobs(["nope"], ["acme"])
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize("executor", ["process", "dask://local"])
def test_several_projects_fan_out(tmp_path, executor):
    make_project(tmp_path, "acme")
    make_project(tmp_path, "globex")
    jobs = [ReportJob("project_overview", name, {}) for name in ("acme", "globex")]
    results = run_jobs(jobs, Workspace(tmp_path), executor=executor, max_workers=2, day=DAY)
    assert [r.error for r in results] == [None, None]
    for name in ("acme", "globex"):
        assert (tmp_path / f"reports/{name}/2026-11-23/project_overview.html").is_file()
