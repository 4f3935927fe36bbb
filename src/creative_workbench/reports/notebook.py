"""What report notebooks call to display things, headless (papermill) or in JupyterLab."""

from __future__ import annotations

import html
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from creative_workbench.reports.theme import register_template

HEADLESS_ENV = "WORKBENCH_HEADLESS"
# MathJax 3/4 (JupyterLab 4) skips `mathjax_ignore`; MathJax 2 (classic tools) `tex2jax_ignore`.
NO_MATH_CLASSES = "tex2jax_ignore mathjax_ignore"


def is_headless() -> bool:
    """True when the report runner executes the notebook (no one to interact with)."""
    return os.environ.get(HEADLESS_ENV) == "1"


_plotlyjs_embedded = False
FIGURE_CONFIG = {"displaylogo": False, "responsive": True}


def setup() -> None:
    """Prepare a report notebook: the workbench theme and plotly's JupyterLab renderer."""
    global _plotlyjs_embedded
    _plotlyjs_embedded = False
    register_template()
    pio.renderers.default = "plotly_mimetype"  # JupyterLab's plotly extension; no CDN


def show(figure: go.Figure) -> None:
    """Display a plotly figure; headless, as HTML with plotly.js inlined once per report."""
    global _plotlyjs_embedded
    if not is_headless():
        figure.show(config=FIGURE_CONFIG)
        return
    markup = figure.to_html(
        full_html=False,
        include_plotlyjs=not _plotlyjs_embedded,
        include_mathjax=False,
        config=FIGURE_CONFIG,
    )
    _plotlyjs_embedded = True
    _display_html(markup)


def no_math(markup: str) -> str:
    """MARKUP inside a block MathJax skips: "$20 … $15" in ad copy stays text, not maths."""
    return f'<div class="{NO_MATH_CLASSES}">{markup}</div>'


def _display_html(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(no_math(markup)))


def text(message: str, *, kind: str = "p") -> None:
    """Display outside text safely escaped, as a paragraph or heading (h2, h3)."""
    tag = kind if kind in {"p", "h2", "h3", "h4"} else "p"
    _display_html(f"<{tag}>{html.escape(str(message))}</{tag}>")


def note(lines: Sequence[str], *, title: str | None = None) -> None:
    """Display a boxed list of escaped notes (e.g. what the analysis cannot judge)."""
    items = "".join(f"<li>{html.escape(str(line))}</li>" for line in lines)
    head = f"<strong>{html.escape(title)}</strong>" if title else ""
    _display_html(
        f'<div style="border-left:4px solid #2f5d8a;background:#f4f7fa;padding:8px 14px;'
        f'margin:8px 0">{head}<ul style="margin:4px 0">{items}</ul></div>'
    )


def table_html(
    frame: pl.DataFrame,
    *,
    max_rows: int = 50,
    formats: dict[str, Callable[[Any], str]] | None = None,
) -> str:
    """An HTML table of FRAME with every cell escaped; numbers right-aligned."""
    formats = formats or {}
    shown = frame.head(max_rows)
    numeric = {name for name, dtype in shown.schema.items() if dtype.is_numeric()}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = []
    for row in shown.iter_rows(named=True):
        cells = []
        for name, value in row.items():
            shown_value = formats[name](value) if name in formats else _format(value)
            align = ' style="text-align:right"' if name in numeric else ""
            cells.append(f"<td{align}>{html.escape(shown_value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if frame.height > max_rows:
        more = f"<caption style='caption-side:bottom'>{max_rows} of {frame.height} rows</caption>"
    return (
        '<table class="wb-table" style="border-collapse:collapse;font-size:13px">'
        f"{more}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _format(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def table(
    frame: pl.DataFrame,
    *,
    max_rows: int = 50,
    formats: dict[str, Callable[[Any], str]] | None = None,
) -> None:
    """Display FRAME as an escaped HTML table."""
    _display_html(table_html(frame, max_rows=max_rows, formats=formats))


def explorer(build: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Show the ipywidgets explorer BUILD(*args) in JupyterLab; in a headless report, nothing.

    Widgets need a live kernel; a static HTML report would only get an empty placeholder.
    """
    if is_headless():
        return
    from IPython.display import display

    display(build(*args, **kwargs))


def show_html(markup: str) -> None:
    """Display trusted HTML built by a package function (which escapes outside text)."""
    _display_html(markup)


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Callable[..., None]]:
    """A progress bar in JupyterLab (tqdm.auto) for TOTAL steps; nothing in headless reports.

    Yields a callable that advances the bar by one; it ignores its arguments, so it can be
    passed as a per-item callback (e.g. `on_result=`).
    """
    if is_headless():
        yield lambda *_: None
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, desc=description, unit="") as bar:
        yield lambda *_: bar.update(1)


@contextmanager
def working(description: str, tick_s: float = 0.5) -> Iterator[None]:
    """Show DESCRIPTION with a running clock while a long step without its own progress
    runs (JupyterLab only), so a 60 s cell never looks stuck."""
    if is_headless():
        yield
        return
    from tqdm.auto import tqdm

    done = threading.Event()
    with tqdm(total=None, desc=description, bar_format="{desc}: {elapsed}") as bar:
        clock = threading.Thread(target=_tick, args=(bar, done, tick_s), daemon=True)
        clock.start()
        try:
            yield
        finally:
            done.set()
            clock.join()
            bar.set_description_str(f"{description} (done)")


def _tick(bar: Any, done: threading.Event, tick_s: float) -> None:
    while not done.wait(tick_s):
        bar.refresh()
