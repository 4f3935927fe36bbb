"""The board-grade ads explorer: cards with thumbnails, filters, variants, paging, boards.

Modules: `prepare` (the explorer table), `query` (filters, sort, paging as polars),
`thumbnails`, `cards` (escaped HTML), `widget` (ipywidgets), `board_panel` and
`board_export` (boards), `picker` (matrix and white-space cells), `view` (all of it as one
widget), `app` (the Voilà web app).
"""

from creative_workbench.reports.explorer.query import ExplorerQuery, explore
from creative_workbench.reports.explorer.view import WorkbenchExplorer, build_explorer, show

__all__ = ["ExplorerQuery", "WorkbenchExplorer", "build_explorer", "explore", "show"]
