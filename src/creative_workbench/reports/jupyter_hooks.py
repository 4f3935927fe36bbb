"""Jupyter server hooks for `workbench lab`: what a notebook save may write.

- A report template (the package's notebooks/ folder) is saved without outputs, execution
  counts or widget state, so opening one by accident never changes the tracked file.
- A project's working copy keeps its outputs, but an ipywidgets view (the explorers,
  progress bars) cannot come back without its kernel: it is saved as a short note saying
  to run the cell, instead of reopening as "Error displaying widget: model not found".

Installed with `--ContentsManager.pre_save_hook=creative_workbench.reports.jupyter_hooks.pre_save`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from creative_workbench.pipeline.registry import NOTEBOOKS_DIR

HOOK = f"{__name__}.pre_save"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
RERUN_NOTE = "[interactive output: run this cell again (or Run All) to use it]"


def strip_outputs(book: dict[str, Any]) -> None:
    """Remove every output, execution count and saved widget state from BOOK in place."""
    book.get("metadata", {}).pop("widgets", None)
    for cell in book.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            cell.get("metadata", {}).pop("execution", None)


def replace_widget_views(book: dict[str, Any]) -> None:
    """Swap each widget view in BOOK for a plain note (the widget needs its live kernel)."""
    book.get("metadata", {}).pop("widgets", None)
    for cell in book.get("cells", []):
        outputs = cell.get("outputs") or []
        for index, output in enumerate(outputs):
            if WIDGET_VIEW in (output.get("data") or {}):
                outputs[index] = {
                    "output_type": "display_data",
                    "data": {"text/plain": RERUN_NOTE},
                    "metadata": {},
                }


def is_template(path: Path) -> bool:
    """True for a notebook in the package's template folder."""
    return path.resolve().parent == NOTEBOOKS_DIR.resolve()


def pre_save(model: dict[str, Any], path: str, contents_manager: Any, **_: Any) -> None:
    """Jupyter pre-save hook: strip templates, make working copies reopen cleanly."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    on_disk = Path(contents_manager.root_dir) / path.lstrip("/")
    if is_template(on_disk):
        strip_outputs(model["content"])
    else:
        replace_widget_views(model["content"])
