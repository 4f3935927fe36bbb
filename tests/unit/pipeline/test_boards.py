"""Boards: kept in state.db across processes, logged as events, exported safely."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest

from creative_workbench.errors import DataError
from creative_workbench.pipeline.boards import Boards, parse_tags
from creative_workbench.pipeline.store import Store
from creative_workbench.reports.explorer.board_export import board_csv, board_table, export_board
from creative_workbench.reports.explorer.prepare import prepare_ads
from tests.unit.explorer_data import AS_OF, labelled


def _ads() -> pl.DataFrame:
    start = AS_OF - timedelta(days=9)
    rows = [
        ("Apex <b>", '=HYPERLINK("http://x") Why pay $180?'),
        ("Velo", "<script>alert(1)</script> Learn more."),
        ("Velo", "Loved by runners."),
    ]
    return prepare_ads(
        labelled(
            [
                {"id": i, "brand": brand, "body": body, "start": start + timedelta(days=i)}
                for i, (brand, body) in enumerate(rows, start=1)
            ]
        )
    )


def test_board_lifecycle_persists_across_processes(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    boards = Boards.at(db)
    version = boards.version()
    board = boards.create("  Spring   launch ", note="for the client", tags="price, ugc, price")
    assert (board.name, board.tags, board.ad_ids) == ("Spring launch", ("price", "ugc"), ())
    assert boards.add_ads("Spring launch", ["meta_api:2", "meta_api:1"], note="strong hook") == 2
    assert boards.add_ads("Spring launch", ["meta_api:1", "meta_api:3"]) == 1
    assert boards.version() > version
    reopened = Boards.at(db).get("Spring launch")  # a new connection, as another process would
    assert reopened.ad_ids == ("meta_api:2", "meta_api:1", "meta_api:3")
    assert Boards.at(db).ads("Spring launch").get_column("note").to_list()[:2] == [
        "strong hook",
        "strong hook",
    ]
    boards.update("Spring launch", note="changed", tags=["a"])
    assert Boards.at(db).get("Spring launch").note == "changed"
    assert boards.remove_ads("Spring launch", ["meta_api:2", "nope"]) == 1
    boards.create("Second")
    assert boards.names() == ["Second", "Spring launch"]
    boards.delete("Second")
    assert boards.names() == ["Spring launch"]
    what = Store(db).events("board.").get_column("what").to_list()
    assert what == [
        "board.created",
        "board.ads_added",
        "board.ads_added",
        "board.updated",
        "board.ads_removed",
        "board.created",
        "board.deleted",
    ]


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, "bell\x07name"])
def test_bad_board_names_raise_one_clear_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(DataError, match="board name"):
        Boards.at(tmp_path / "state.db").create(name)


def test_duplicate_and_missing_boards(tmp_path: Path) -> None:
    boards = Boards.at(tmp_path / "state.db")
    boards.create("One")
    with pytest.raises(DataError, match="already exists"):
        boards.create("One")
    with pytest.raises(DataError, match="no board called 'Two'"):
        boards.add_ads("Two", ["a"])
    assert parse_tags(" a,, b ,a") == ("a", "b")


def test_export_csv_defuses_formulas_and_html_is_self_contained(tmp_path: Path) -> None:
    ads = _ads()
    boards = Boards.at(tmp_path / "state.db")
    boards.create("Client <share> & co", note="<script>x</script>", tags=["<b>tag</b>"])
    boards.add_ads("Client <share> & co", ["meta_api:1", "meta_api:2", "meta_api:gone"], "=1+1")
    board = boards.get("Client <share> & co")
    written = export_board(board, boards.ads(board.name), ads, tmp_path / "boards")
    assert written.csv_path.name == "client-share-co.csv"
    table = pl.read_csv(written.csv_path)
    assert table.height == 3 and table.get_column("ad_id").to_list()[2] == "meta_api:gone"
    assert table.get_column("board_note").to_list() == ["'=1+1"] * 3
    assert table.get_column("copy").to_list()[0].startswith("'=HYPERLINK")
    page = written.html_path.read_text()
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "Client &lt;share&gt; &amp; co" in page
    assert "Why pay $180?" in page and "Content-Security-Policy" in page
    # nothing is loaded from anywhere: no src= other than data: URIs, no stylesheet links
    assert not re.search(r'src="(?!data:)', page) and "<link" not in page
    assert page.count('class="wb-card') == 3


def test_board_table_keeps_order_added(tmp_path: Path) -> None:
    boards = Boards.at(tmp_path / "state.db")
    boards.create("B")
    boards.add_ads("B", ["meta_api:3"])
    boards.add_ads("B", ["meta_api:1"])
    table = board_table(boards.ads("B"), _ads())
    assert table.get_column("ad_id").to_list() == ["meta_api:3", "meta_api:1"]
    assert "Loved by runners." in board_csv(table)
