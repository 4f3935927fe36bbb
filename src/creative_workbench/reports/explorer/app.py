"""The explorer as a web app: a one-cell notebook served by Voilà on 127.0.0.1, code hidden.

Voilà renders ipywidgets natively, so the web app is the very explorer JupyterLab shows,
boards included (both read and write the project's state.db). A pre-heated kernel runs the
notebook before anyone asks for the page, so the first paint does not wait for imports and
labelling; it then waits for the page request and reads the boards only then, so a board made
while it waited is there (and the panel polls state.db for boards made later).
"""

from __future__ import annotations

import html

from creative_workbench.config import Project, Workspace, load_project
from creative_workbench.reports.voila_app import serve_notebook, workspace_root, write_app_notebook

APP_NOTEBOOK = "explorer.ipynb"
DEFAULT_PORT = 8866


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


def serve(project: Project, port: int = DEFAULT_PORT) -> None:
    """Serve PROJECT's explorer at http://127.0.0.1:PORT/ until interrupted."""
    source = (
        "from creative_workbench.reports.explorer import app\n"
        f"_explorer = app.view({project.name!r}, {str(workspace_root(project))!r})"
    )
    serve_notebook(write_app_notebook(project, APP_NOTEBOOK, source, "explorer"), port)
