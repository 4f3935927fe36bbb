"""The concept review board as a web app: a one-cell notebook served by Voilà on 127.0.0.1.

Same pattern as the explorer's app (reports/explorer/app.py): a pre-heated kernel builds the
board before anyone asks for the page, then waits for the request and only then reads the
decisions again, so a decision made while it waited (CLI, JupyterLab) is shown.
"""

from __future__ import annotations

import html

from creative_workbench.config import Project, Workspace, load_project
from creative_workbench.reports.voila_app import serve_notebook, workspace_root, write_app_notebook

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


def serve(project: Project, port: int = DEFAULT_PORT, reviewer: str | None = None) -> None:
    """Serve PROJECT's concept board at http://127.0.0.1:PORT/ until interrupted."""
    source = (
        "from creative_workbench.reports import concept_board_app\n"
        f"_board = concept_board_app.view({project.name!r}, {str(workspace_root(project))!r}, "
        f"{reviewer!r})"
    )
    serve_notebook(write_app_notebook(project, APP_NOTEBOOK, source, "board"), port)
