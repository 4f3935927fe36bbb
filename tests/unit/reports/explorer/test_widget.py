"""The ipywidgets explorer driven from Python: filters, paging, cell focus, boards panel."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest

from creative_workbench.config import Workspace, load_project
from creative_workbench.pipeline.boards import Boards
from creative_workbench.reports.explorer.board_panel import BoardPanel
from creative_workbench.reports.explorer.picker import (
    MATRIX_BRANDS,
    matrix_picker,
    white_space_picker,
)
from creative_workbench.reports.explorer.view import PLACEHOLDER, WorkbenchExplorer
from creative_workbench.reports.explorer.widget import ANY, AdsExplorer
from tests.unit.explorer_data import AS_OF, labelled, real_copy_ads


@pytest.fixture(scope="module")
def real(shared_data: Path) -> pl.DataFrame:
    return real_copy_ads(shared_data)


def _count(explorer: AdsExplorer) -> int:
    return explorer.current.total_cards


def test_filters_change_the_cards_and_pages(real: pl.DataFrame) -> None:
    explorer = AdsExplorer(real)
    everything = _count(explorer)
    assert sum(1 for s in explorer.slots if s.ad_id) == 24 and explorer.previous.disabled
    explorer.facets["language"].value = "es"
    assert explorer.current.matching_ads == 5 and _count(explorer) <= 5
    assert "wb-count" in explorer.summary.value
    explorer.facets["language"].value = ANY
    explorer.next.click()
    assert explorer.current.page == 1 and "page 2 of" in explorer.summary.value
    explorer.min_days.value = 100  # a filter change starts again on page one
    assert explorer.current.page == 0 and _count(explorer) < everything
    explorer.group.value = False
    assert _count(explorer) == explorer.current.matching_ads


def test_matrix_cell_click_shows_that_brand_and_angle(real: pl.DataFrame) -> None:
    explorer = AdsExplorer(real)
    grid = matrix_picker(explorer)
    cells = [c for c in grid.children if "wb-cell" in c._dom_classes]
    rows = {c.tooltip.split(" × ")[0] for c in cells}
    assert len(rows) <= MATRIX_BRANDS < explorer.ads.get_column("brand").n_unique()
    assert len(cells) == len(rows) * 8  # every named angle, used or not
    busiest = explorer.ads.explode("angles").group_by("brand", "angles").len().sort("len").row(-1)
    page = explorer.focus(busiest[0], "angle", busiest[1])
    assert page.matching_ads == busiest[2]
    assert explorer.brands.value == (busiest[0],)
    assert explorer.facets["angle"].value == busiest[1]


def test_white_space_label_nobody_uses_shows_no_ads() -> None:
    ads = labelled([{"id": 1, "brand": "A", "body": "Shop now.", "start": AS_OF}])
    explorer = AdsExplorer(ads)
    gaps = pl.DataFrame({"dimension": ["angle"], "label": ["values/sustainability"], "ads": [0]})
    (button,) = white_space_picker(explorer, gaps).children
    button.click()
    assert explorer.current.matching_ads == 0
    assert "No matching ads" in explorer.summary.value


def test_board_panel_saves_selection_shared_by_a_second_panel(tmp_path: Path) -> None:
    start = AS_OF - timedelta(days=20)
    ads = labelled(
        [
            {"id": i, "brand": b, "body": text, "start": start + timedelta(days=i)}
            for i, (b, text) in enumerate(
                [("A", "Why pay $180?"), ("B", "Made to last."), ("C", "Try it free.")]
            )
        ]
    )
    boards = Boards.at(tmp_path / "state.db")
    explorer = AdsExplorer(ads)
    panel = BoardPanel(explorer, boards, tmp_path / "boards")
    panel.add_button.click()
    assert "choose a board first" in panel.status.value
    panel.new_name.value = "Pitch <1>"
    panel.create_button.click()
    assert panel.board_name == "Pitch <1>" and "&lt;1&gt;" in panel.status.value
    explorer.slots[0].select.value = True
    panel.add_button.click()
    assert boards.get("Pitch <1>").ad_ids == (explorer.slots[0].ad_id,)
    other = BoardPanel(AdsExplorer(ads), Boards.at(tmp_path / "state.db"), tmp_path / "boards")
    other.pick.value = "Pitch <1>"
    other.only.value = True
    assert other.explorer.current.matching_ads == 1
    panel.add_page_button.click()
    assert other.sync() and other.explorer.current.matching_ads == 3  # picked up the change
    other.export_button.click()
    assert (tmp_path / "boards" / "pitch-1.html").is_file()
    assert other.status.value.count('class="wb-download"') == 2


def test_demo_project_view_has_boards_and_a_placeholder(demo_workspace: Path) -> None:
    project = load_project("demo", Workspace.discover(demo_workspace))
    ads = labelled([{"id": 1, "brand": "A", "body": "Shop now.", "start": AS_OF}])
    view = WorkbenchExplorer(ads, project=project, sync=False)
    assert view.boards is not None and view.boards.export_dir == project.root / "boards"
    assert "wb-explorer" in view.explorer.widget._dom_classes
    assert "Run the notebook to explore" in PLACEHOLDER
