"""A parameter mistake stops a report notebook with one line in a real kernel, not a traceback."""

from __future__ import annotations

import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from creative_workbench import Workspace, load_project
from creative_workbench.pipeline.notebook_copies import working_copies
from creative_workbench.pipeline.runner import ensure_kernel
from tests.projects import copy_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def notebook(demo_workspace, tmp_path_factory):
    root = tmp_path_factory.mktemp("params-ws")
    copy_project(demo_workspace, root)
    copies = working_copies(load_project("demo", Workspace(root)))
    return next(c.path for c in copies if c.report == "competitive_analysis")


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        ({"competitors": ["Stridwell"]}, "did you mean 'Stridewell'?"),
        ({"competitors": "Stridewell"}, 'write competitors = ["Stridewell"]'),
        ({"start": "June 2026"}, "start = 'June 2026' is not a date"),
    ],
    ids=["misspelled competitor", "bare string", "bad date"],
)
def test_mistake_shows_one_line(notebook, tmp_path, parameters, expected):
    with pytest.raises(PapermillExecutionError) as excinfo:
        papermill.execute_notebook(
            str(notebook),
            str(tmp_path / "out.ipynb"),
            parameters=parameters,
            kernel_name=ensure_kernel(),
            cwd=str(notebook.parent),
            progress_bar=False,
        )
    assert excinfo.value.ename == "ParameterError"
    (line,) = excinfo.value.traceback
    assert expected in line and "Traceback" not in line
