"""Serving a workbench page as a web app with Voilà: a one-cell notebook written into the
project's cache, served on loopback with sources stripped and one pre-heated kernel, in the
workbench's own template (shipped inside the package). The explorer and the concept board
both use it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from creative_workbench.atomic import atomic_write_text
from creative_workbench.config import Project

APP_FOLDER = "app"
HOST = "127.0.0.1"
TEMPLATE = "workbench"
TEMPLATES_ROOT = Path(__file__).with_name("voila_templates")


def app_notebook(source: str, cell_id: str) -> str:
    """A one-cell notebook (nbformat 4 JSON) running SOURCE."""
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": {},
        "outputs": [],
        "source": source,
    }
    notebook = {
        "cells": [cell],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1)


def workspace_root(project: Project) -> Path:
    """The workspace folder holding PROJECT (ROOT/data/projects/NAME)."""
    return project.root.parent.parent.parent


def write_app_notebook(project: Project, name: str, source: str, cell_id: str) -> Path:
    """Write the app's notebook NAME under PROJECT's cache folder; returns its path."""
    path = project.cache_dir / APP_FOLDER / name
    return atomic_write_text(path, app_notebook(source, cell_id))


def voila_arguments(notebook: Path, port: int) -> list[str]:
    """Voilà's command line: loopback only, no browser, sources stripped, one warm kernel."""
    return [
        str(notebook),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={HOST}",
        "--Voila.port_retries=0",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--preheat_kernel=True",
        "--pool_size=1",
        "--theme=light",
        f"--template={TEMPLATE}",
    ]


def serve_notebook(notebook: Path, port: int) -> None:
    """Serve NOTEBOOK at http://127.0.0.1:PORT/ until interrupted."""
    from voila.app import Voila

    # Voilà finds templates on the Jupyter data path; ours ships inside the package.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(TEMPLATES_ROOT), os.environ.get("JUPYTER_PATH", "")) if p
    )
    Voila.launch_instance(argv=voila_arguments(notebook, port))
