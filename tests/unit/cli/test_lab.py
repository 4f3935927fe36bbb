"""`workbench lab`'s pieces: finding the workspace, project notebook copies, the save hook."""

from __future__ import annotations

import ast
import json
from types import SimpleNamespace

import nbformat
import pytest

from creative_workbench import ProjectNotFoundError, Workspace, load_project
from creative_workbench.pipeline import notebook_copies
from creative_workbench.pipeline.registry import NOTEBOOKS_DIR, REPORTS
from creative_workbench.reports import jupyter_hooks
from tests.projects import make_project


def test_discover_walks_up_to_the_folder_holding_data_projects(tmp_path, monkeypatch):
    make_project(tmp_path)
    deep = tmp_path / "data" / "projects" / "acme" / "notebooks"
    deep.mkdir()
    monkeypatch.delenv("WORKBENCH_HOME", raising=False)
    monkeypatch.chdir(deep)
    assert Workspace.discover().root == tmp_path.resolve()
    assert load_project("acme").root == tmp_path.resolve() / "data" / "projects" / "acme"


def test_workbench_home_and_root_win_over_walking_up(tmp_path, monkeypatch):
    make_project(tmp_path / "a")
    make_project(tmp_path / "b")
    monkeypatch.chdir(tmp_path / "a" / "data")
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path / "b"))
    assert Workspace.discover().root == (tmp_path / "b").resolve()
    assert Workspace.discover(tmp_path / "a").root == (tmp_path / "a").resolve()


def test_no_workspace_anywhere_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert Workspace.discover().root == tmp_path.resolve()  # `workbench demo` builds here
    with pytest.raises(ProjectNotFoundError, match=r"no workspace at .*WORKBENCH_HOME"):
        load_project("demo")


def test_project_gets_prefilled_copies_and_templates_stay_untouched(tmp_path):
    make_project(tmp_path)
    project = load_project("acme", Workspace(tmp_path))
    before = {p.name: p.read_bytes() for p in NOTEBOOKS_DIR.glob("*.ipynb")}
    copies = notebook_copies.working_copies(project)
    assert [c.status for c in copies] == ["created"] * len(REPORTS)
    for copy in copies:
        book = nbformat.read(copy.path, as_version=4)
        (cell,) = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
        values = {
            node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(cell.source).body
        }
        assert values["project"] == "acme" and values["workspace"] is None
    assert {p.name: p.read_bytes() for p in NOTEBOOKS_DIR.glob("*.ipynb")} == before


def test_edited_copies_are_kept_and_outdated_ones_reported(tmp_path, monkeypatch):
    make_project(tmp_path)
    project = load_project("acme", Workspace(tmp_path))
    first = notebook_copies.working_copies(project)[0]
    first.path.write_text(first.path.read_text().replace("nb.setup()", "nb.setup()  # mine"))
    again = notebook_copies.working_copies(project)
    assert [c.status for c in again] == ["kept"] * len(REPORTS)
    assert "# mine" in first.path.read_text()
    monkeypatch.setattr(notebook_copies, "template_hash", lambda spec: "newer")
    assert {c.status for c in notebook_copies.working_copies(project)} == {"outdated"}
    reset = notebook_copies.working_copies(project, reset=True)
    assert {c.status for c in reset} == {"replaced"} and "# mine" not in first.path.read_text()


def test_set_parameter_replaces_only_that_assignment():
    source = 'project = "demo"\nworkspace = None\ncompetitors = [\n    "a",\n]'
    changed = notebook_copies.set_parameter(source, "competitors", ["b"])
    assert changed == 'project = "demo"\nworkspace = None\ncompetitors = ["b"]'


def _executed(template: str) -> dict:
    book = json.loads((NOTEBOOKS_DIR / template).read_text("utf-8"))
    for cell in book["cells"]:
        if cell["cell_type"] == "code":
            cell["execution_count"] = 3
            cell["outputs"] = [
                {"output_type": "stream", "name": "stdout", "text": "$180"},
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {jupyter_hooks.WIDGET_VIEW: {"model_id": "x"}, "text/plain": "VBox()"},
                },
            ]
    book["metadata"]["widgets"] = {"state": {}}
    return book


def test_saving_a_template_strips_every_output():
    manager = SimpleNamespace(root_dir=str(NOTEBOOKS_DIR.parent))
    model = {"type": "notebook", "content": _executed("qa_report.ipynb")}
    jupyter_hooks.pre_save(model=model, path="/notebooks/qa_report.ipynb", contents_manager=manager)
    pristine = json.loads((NOTEBOOKS_DIR / "qa_report.ipynb").read_text("utf-8"))
    assert model["content"]["cells"] == pristine["cells"]
    assert "widgets" not in model["content"]["metadata"]


def test_saving_a_working_copy_keeps_outputs_but_not_dead_widgets(tmp_path):
    manager = SimpleNamespace(root_dir=str(tmp_path))
    model = {"type": "notebook", "content": _executed("qa_report.ipynb")}
    jupyter_hooks.pre_save(
        model=model, path="data/projects/acme/notebooks/qa_report.ipynb", contents_manager=manager
    )
    outputs = [o for c in model["content"]["cells"] for o in c.get("outputs", [])]
    assert {o["output_type"] for o in outputs} == {"stream", "display_data"}
    assert all(jupyter_hooks.WIDGET_VIEW not in o.get("data", {}) for o in outputs)
    notes = [o["data"]["text/plain"] for o in outputs if o["output_type"] == "display_data"]
    assert notes and set(notes) == {jupyter_hooks.RERUN_NOTE}
