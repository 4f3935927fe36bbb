"""The explorer as a web app: a one-cell notebook served by Voilà on 127.0.0.1, code hidden.

Voilà renders ipywidgets natively, so the web app is the very explorer JupyterLab shows,
boards included (both read and write the project's state.db). A pre-heated kernel runs the
notebook before anyone asks for the page, so the first paint does not wait for imports and
labelling; it then waits for the page request and reads the boards only then, so a board made
while it waited is there (and the panel polls state.db for boards made later).
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from creative_workbench.atomic import atomic_write_text
from creative_workbench.config import Project, Workspace, load_project

APP_FOLDER = "app"
APP_NOTEBOOK = "explorer.ipynb"
DEFAULT_PORT = 8866
HOST = "127.0.0.1"
TEMPLATE = "workbench"
TEMPLATES_ROOT = Path(__file__).with_name("voila_templates")


def view(project_name: str, workspace_root: str | None = None):
    """What the app's notebook runs: the project's explorer with its boards, displayed."""
    from IPython.display import HTML, display
    from voila.utils import wait_for_request

    from creative_workbench.pipeline.flows import get_flow
    from creative_workbench.reports.explorer.view import WorkbenchExplorer

    project = load_project(project_name, Workspace.discover(workspace_root))
    # viewing is not a research run: nothing is recorded in state.db
    analysis = get_flow("research").run(project, record=False, with_visuals=False)
    display(
        HTML(
            f"<h2>Competitor ads: {html.escape(project.name)}</h2>"
            f"<p>{analysis.labelled.height:,} ads up to {analysis.as_of:%Y-%m-%d}. "
            "Boards are saved in the project and shared with JupyterLab.</p>"
        )
    )
    explorer = WorkbenchExplorer(
        analysis.labelled, project=project, white_space=analysis.white_space
    )
    wait_for_request()  # a pre-heated kernel: returns when someone opens the page
    if explorer.boards is not None:
        explorer.boards.sync()
    display(explorer.widget)
    return explorer


def app_notebook(project_name: str, workspace_root: Path) -> str:
    """The app's notebook (nbformat 4 JSON): one code cell calling `view`."""
    source = (
        "from creative_workbench.reports.explorer import app\n"
        f"_explorer = app.view({project_name!r}, {str(workspace_root)!r})"
    )
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "explorer",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1)


def write_app_notebook(project: Project) -> Path:
    """Write the app's notebook under the project's cache folder; returns its path."""
    workspace_root = project.root.parent.parent.parent
    path = project.cache_dir / APP_FOLDER / APP_NOTEBOOK
    return atomic_write_text(path, app_notebook(project.name, workspace_root))


def voila_arguments(notebook: Path, port: int) -> list[str]:
    """Voilà's command line: loopback only, no browser, sources stripped, one warm kernel."""
    return [
        str(notebook),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={HOST}",
        "--Voila.port_retries=0",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--preheat_kernel=True",
        "--pool_size=1",
        "--theme=light",
        f"--template={TEMPLATE}",
    ]


def serve(project: Project, port: int = DEFAULT_PORT) -> None:
    """Serve PROJECT's explorer at http://127.0.0.1:PORT/ until interrupted."""
    import os

    from voila.app import Voila

    notebook = write_app_notebook(project)
    # Voilà finds templates on the Jupyter data path; ours ships inside the package.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(TEMPLATES_ROOT), os.environ.get("JUPYTER_PATH", "")) if p
    )
    Voila.launch_instance(argv=voila_arguments(notebook, port))
