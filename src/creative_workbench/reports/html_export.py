"""Export an executed notebook to a self-contained HTML report: code hidden, no CDN."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

TEMPLATES_DIR = Path(__file__).parent / "templates"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
REMOTE_SCRIPT = re.compile(r"<script[^>]+src=[\"']https?://", re.IGNORECASE)


def strip_widgets(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop widget state and widget-only outputs, which would render as empty placeholders."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME in data:
                data.pop(WIDGET_MIME)
                data.pop("text/plain", None)
                if not data:
                    continue
            kept.append(output)
        cell["outputs"] = kept
    return notebook


def notebook_to_html(notebook: nbformat.NotebookNode, title: str, footer: str = "") -> str:
    """Render NOTEBOOK as HTML with inputs and prompts hidden; refuses any remote script."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="workbench",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    notebook = strip_widgets(notebook)
    notebook.metadata["title"] = title
    body, _ = exporter.from_notebook_node(notebook, resources={"wb_footer": footer})
    if REMOTE_SCRIPT.search(body):
        raise RuntimeError("report HTML would load a script from the network")
    return body
