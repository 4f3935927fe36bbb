"""Offline HTML export: no code, no remote scripts, widgets stripped, outside text escaped."""

from __future__ import annotations

import nbformat
import polars as pl
from nbformat.v4 import new_code_cell, new_notebook, new_output

from creative_workbench.reports.html_export import notebook_to_html, strip_widgets
from creative_workbench.reports.notebook import table_html


def _notebook_with(outputs) -> nbformat.NotebookNode:
    cell = new_code_cell("secret_source_code = 1", outputs=outputs)
    book = new_notebook(cells=[cell])
    book.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return book


def test_code_is_hidden_and_no_remote_script():
    book = _notebook_with([new_output("display_data", data={"text/html": "<p>hello</p>"})])
    body = notebook_to_html(book, "Title <x>")
    assert "secret_source_code" not in body
    assert "<p>hello</p>" in body
    assert "cdnjs" not in body and "unpkg" not in body and "require.js" not in body
    assert "<title>Title &lt;x&gt;</title>" in body


def test_widget_outputs_and_state_are_stripped():
    widget = {
        "application/vnd.jupyter.widget-view+json": {"model_id": "abc"},
        "text/plain": "VBox(...)",
    }
    book = strip_widgets(_notebook_with([new_output("display_data", data=widget)]))
    assert "widgets" not in book.metadata
    assert book.cells[0].outputs == []


def test_tables_escape_outside_text():
    frame = pl.DataFrame({"copy": ["<script>alert(1)</script> & more"], "n": [3]})
    markup = table_html(frame)
    assert "<script>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in markup
