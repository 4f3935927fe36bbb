"""Every registered report has a thin notebook stored without outputs."""

from __future__ import annotations

import ast

import nbformat
import pytest

from creative_workbench.pipeline.registry import NOTEBOOKS_DIR, REPORTS

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def test_every_report_has_a_notebook_and_every_notebook_a_report():
    assert {spec.notebook for spec in REPORTS.values()} == {p.name for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_parameters_cell_matching_the_registry(path):
    book = nbformat.read(path, as_version=4)
    tagged = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    assigned = {
        target.id
        for node in ast.parse(tagged[0].source).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    spec = next(s for s in REPORTS.values() if s.notebook == path.name)
    assert assigned == set(spec.params.model_fields) | {"workspace"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_defaults_are_the_registry_defaults(path):
    """The parameters model is the one source of defaults; the notebook repeats them exactly."""
    book = nbformat.read(path, as_version=4)
    (cell,) = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    written = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(cell.source).body
        if isinstance(node, ast.Assign)
    }
    spec = next(s for s in REPORTS.values() if s.notebook == path.name)
    for name, field in spec.params.model_fields.items():
        assert written[name] == field.get_default(call_default_factory=True), name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_defines_no_functions_or_classes(path):
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Lambda), (
                f"{path.name}: move logic into the package"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_opens_with_the_project_kernel(path):
    book = nbformat.read(path, as_version=4)
    assert book.metadata["kernelspec"]["name"] == "creative-workbench"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_carries_no_saved_state(path):
    book = nbformat.read(path, as_version=4)
    assert "widgets" not in book.metadata, f"{path.name}: saved widget state"
    assert "creative_workbench" not in book.metadata, f"{path.name}: a project copy, not a template"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_validates_its_parameters_with_the_report_model(path):
    """Right after setup, the parameters go through the same pydantic model as `workbench run`."""
    spec = next(s for s in REPORTS.values() if s.notebook == path.name)
    book = nbformat.read(path, as_version=4)
    calls = [
        node
        for cell in book.cells
        if cell.cell_type == "code"
        for node in ast.walk(ast.parse(cell.source))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "parameters.validate"
    ]
    assert [ast.unparse(c) for c in calls] == [f"parameters.validate({spec.name!r}, globals())"]
