"""The whole explorer as notebooks and the web app show it: matrix and white-space pickers,
the filterable cards and, for a project, the boards panel.
"""

from __future__ import annotations

import polars as pl

from creative_workbench.config import Project
from creative_workbench.pipeline.boards import Boards
from creative_workbench.reports.explorer.board_panel import BoardPanel
from creative_workbench.reports.explorer.picker import matrix_picker, white_space_picker
from creative_workbench.reports.explorer.thumbnails import ThumbnailCache
from creative_workbench.reports.explorer.widget import AdsExplorer
from creative_workbench.reports.notebook import is_headless

BOARDS_FOLDER = "boards"
# Shown above the explorer; hidden by CSS while the live widget renders. When a saved
# notebook is reopened without its kernel, the widget cannot render and this stays visible.
PLACEHOLDER = (
    "<style>.jp-OutputArea:has(.wb-explorer) .wb-explorer-placeholder{display:none}</style>"
    '<div class="wb-explorer-placeholder" style="border-left:4px solid #b26a00;'
    'background:#fff8e6;padding:8px 14px;margin:8px 0">'
    "<strong>Run the notebook to explore.</strong> The ads explorer needs a live kernel: "
    "run this notebook (Run → Run All Cells) and the explorer appears here.</div>"
)


class WorkbenchExplorer:
    """The explorer, its pickers and (with a project) its boards, as one widget."""

    def __init__(
        self,
        labelled: pl.DataFrame,
        *,
        project: Project | None = None,
        white_space: pl.DataFrame | None = None,
        sync: bool = True,
    ) -> None:
        import ipywidgets as widgets

        thumbnails = ThumbnailCache.for_project(project) if project else None
        self.explorer = AdsExplorer(labelled, thumbnails=thumbnails)
        self.boards: BoardPanel | None = None
        parts = [
            widgets.HTML("<h3>Brand × angle: click a cell to see its ads</h3>"),
            matrix_picker(self.explorer),
            widgets.HTML("<h3>White space: click a gap to see the ads that use it</h3>"),
            white_space_picker(self.explorer, white_space),
            widgets.HTML("<h3>Ads</h3>"),
        ]
        if project is not None:
            self.boards = BoardPanel(
                self.explorer, Boards.at(project.state_db), project.root / BOARDS_FOLDER
            )
            if sync:
                self.boards.start_sync()
            parts.append(self.boards.widget)
        self.widget = widgets.VBox([*parts, self.explorer.widget])


def build_explorer(
    labelled: pl.DataFrame,
    project: Project | None = None,
    white_space: pl.DataFrame | None = None,
):
    """The explorer widget over LABELLED ads (boards need PROJECT)."""
    return WorkbenchExplorer(labelled, project=project, white_space=white_space).widget


def show(
    labelled: pl.DataFrame,
    *,
    project: Project | None = None,
    white_space: pl.DataFrame | None = None,
) -> None:
    """Display the explorer in JupyterLab (with a hint for when its state is gone); in a
    headless report, nothing (widgets need a live kernel)."""
    if is_headless():
        return
    from IPython.display import HTML, display

    view = WorkbenchExplorer(labelled, project=project, white_space=white_space)
    display(HTML(PLACEHOLDER))
    display(view.widget)
