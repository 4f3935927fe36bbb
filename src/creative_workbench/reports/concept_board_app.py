"""The concept review board as a web app: a one-cell notebook served by Voilà on 127.0.0.1.

Same pattern as the explorer's app (reports/explorer/app.py): a pre-heated kernel builds the
board before anyone asks for the page, then waits for the request and only then reads the
decisions again, so a decision made while it waited (CLI, JupyterLab) is shown.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from creative_workbench.atomic import atomic_write_text
from creative_workbench.config import Project, Workspace, load_project
from creative_workbench.reports.explorer.app import APP_FOLDER, TEMPLATES_ROOT, voila_arguments

APP_NOTEBOOK = "concept_board.ipynb"
DEFAULT_PORT = 8867


def view(project_name: str, workspace_root: str | None = None, reviewer: str | None = None):
    """What the app's notebook runs: the project's concept board, displayed."""
    from IPython.display import HTML, display
    from voila.utils import wait_for_request

    from creative_workbench.reports.concept_board import ConceptBoard

    project = load_project(project_name, Workspace.discover(workspace_root))
    board = ConceptBoard(project, reviewer=reviewer)
    display(
        HTML(
            f"<h2>Concept review: {html.escape(project.name)}</h2>"
            "<p>Decisions are saved in the project (who, when, what, why) and shared with "
            "JupyterLab and <code>workbench concepts decide</code>.</p>"
        )
    )
    wait_for_request()  # a pre-heated kernel: returns when someone opens the page
    board.reload()
    display(board.widget)
    return board


def app_notebook(project_name: str, workspace_root: Path, reviewer: str | None = None) -> str:
    """The app's notebook (nbformat 4 JSON): one code cell calling `view`."""
    source = (
        "from creative_workbench.reports import concept_board_app\n"
        f"_board = concept_board_app.view({project_name!r}, {str(workspace_root)!r}, "
        f"{reviewer!r})"
    )
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "board",
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


def write_app_notebook(project: Project, reviewer: str | None = None) -> Path:
    """Write the app's notebook under the project's cache folder; returns its path."""
    workspace_root = project.root.parent.parent.parent
    path = project.cache_dir / APP_FOLDER / APP_NOTEBOOK
    return atomic_write_text(path, app_notebook(project.name, workspace_root, reviewer))


def serve(project: Project, port: int = DEFAULT_PORT, reviewer: str | None = None) -> None:
    """Serve PROJECT's concept board at http://127.0.0.1:PORT/ until interrupted."""
    import os

    from voila.app import Voila

    notebook = write_app_notebook(project, reviewer)
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(TEMPLATES_ROOT), os.environ.get("JUPYTER_PATH", "")) if p
    )
    Voila.launch_instance(argv=voila_arguments(notebook, port))
