"""Building blocks of the project overview report: config, palette, logos, data inventory."""

from __future__ import annotations

import base64
import html
from datetime import UTC, datetime
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from creative_workbench.brand_guide import BrandGuide, hex_to_rgb
from creative_workbench.config import Project

INVENTORY_FOLDERS = (
    "raw/ads",
    "raw/performance",
    "raw/creatives",
    "raw/media",
    "brand",
    "concepts",
    "deliverables",
    "delivery",
    "models",
)


def config_summary(project: Project) -> pl.DataFrame:
    """The project's settings as (setting, value) rows."""
    cfg = project.config
    reviewers = ", ".join(f"{r.name} ({r.role})" for r in cfg.reviewers) or "—"
    rows = [
        ("client", cfg.client),
        ("brand", project.brand.name or "—"),
        ("currency", cfg.currency),
        ("placements", ", ".join(cfg.placements) or "—"),
        ("competitors", ", ".join(cfg.competitors) or "—"),
        ("CTA wording", ", ".join(cfg.cta_wording) or "—"),
        ("reviewers", reviewers),
        ("deliverables declared", str(len(cfg.deliverables))),
        ("fonts", ", ".join(project.brand.fonts) or "—"),
    ]
    return pl.DataFrame(rows, schema=["setting", "value"], orient="row")


def thresholds_table(project: Project) -> pl.DataFrame:
    """QA thresholds in force (defaults unless project.toml overrides them)."""
    values = project.config.thresholds.model_dump()
    return pl.DataFrame({"threshold": list(values), "value": [str(v) for v in values.values()]})


def palette_figure(brand: BrandGuide) -> go.Figure:
    """Swatches of the brand palette with names, hex codes and colour roles."""
    roles: dict[str, list[str]] = {}
    for role, value in brand.roles.items():
        roles.setdefault(value, []).append(role)
    figure = go.Figure()
    for index, (name, value) in enumerate(brand.palette.items()):
        red, green, blue = hex_to_rgb(value)
        ink = "#1f2a33" if (0.299 * red + 0.587 * green + 0.114 * blue) > 150 else "white"
        figure.add_shape(
            type="rect",
            x0=index,
            x1=index + 0.92,
            y0=0,
            y1=1,
            fillcolor=value,
            line={"color": "#cfd5da", "width": 1},
        )
        label = f"<b>{html.escape(name)}</b><br>{value}"
        if value in roles:
            label += "<br>" + html.escape(", ".join(roles[value]))
        figure.add_annotation(
            x=index + 0.46, y=0.5, text=label, showarrow=False, font={"color": ink, "size": 12}
        )
    count = max(len(brand.palette), 1)
    figure.update_xaxes(visible=False, range=[-0.05, count])
    figure.update_yaxes(visible=False, range=[-0.05, 1.05])
    figure.update_layout(
        title="Brand palette", height=220, margin={"l": 10, "r": 10, "t": 50, "b": 10}
    )
    return figure


def logos_html(brand: BrandGuide, max_height: int = 72) -> str:
    """The brand's raster logos as embedded <img> tags (SVG and missing files are listed)."""
    parts = []
    for key, path in brand.logos.items():
        label = html.escape(f"{key}: {path.name}")
        if path.suffix.lower() in {".png", ".jpg", ".jpeg", ".webp"} and path.is_file():
            mime = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            parts.append(
                f'<figure style="display:inline-block;margin:6px 16px 6px 0;text-align:center">'
                f'<img alt="{label}" src="data:{mime};base64,{data}" '
                f'style="max-height:{max_height}px;background:#f4f7fa;padding:6px"/>'
                f"<figcaption style='font-size:12px'>{label}</figcaption></figure>"
            )
        else:
            state = "missing" if not path.is_file() else "not embedded"
            parts.append(f"<div style='font-size:12px'>{label} ({state})</div>")
    return "".join(parts) or "<p>No logo files declared in the brand guide.</p>"


def data_inventory(project: Project) -> pl.DataFrame:
    """Files per project folder and type: count, total size and newest change."""
    rows = []
    for folder in INVENTORY_FOLDERS:
        base = project.root / folder
        files = [p for p in base.rglob("*") if p.is_file()] if base.is_dir() else []
        by_type: dict[str, list[Path]] = {}
        for path in files:
            by_type.setdefault(path.suffix.lower().lstrip(".") or "(none)", []).append(path)
        if not by_type:
            rows.append((folder, "—", 0, 0.0, None))
        for kind, paths in sorted(by_type.items()):
            stats = [p.stat() for p in paths]
            newest = datetime.fromtimestamp(max(s.st_mtime for s in stats), UTC)
            rows.append((folder, kind, len(paths), sum(s.st_size for s in stats) / 1e6, newest))
    return pl.DataFrame(
        rows,
        orient="row",
        schema={
            "folder": pl.Utf8,
            "type": pl.Utf8,
            "files": pl.Int64,
            "size_mb": pl.Float64,
            "newest": pl.Datetime("us", "UTC"),
        },
    )


def inventory_figure(inventory: pl.DataFrame) -> go.Figure:
    """Stacked bars of megabytes per folder, split by file type."""
    present = inventory.filter(pl.col("files") > 0)
    figure = go.Figure()
    for kind in present.get_column("type").unique().sort().to_list():
        part = present.filter(pl.col("type") == kind)
        figure.add_bar(
            x=part.get_column("folder").to_list(),
            y=part.get_column("size_mb").to_list(),
            name=kind,
            customdata=part.get_column("files").to_list(),
            hovertemplate="%{x}: %{customdata} files, %{y:.2f} MB<extra>" + kind + "</extra>",
        )
    figure.update_layout(
        barmode="stack",
        title="Data inventory (MB per folder and file type)",
        yaxis_title="MB",
        height=380,
    )
    if present.is_empty():
        figure.add_annotation(
            text="No data files yet",
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            font={"size": 16},
        )
        figure.update_xaxes(visible=False)
        figure.update_yaxes(visible=False)
    return figure


def recent_events(events: pl.DataFrame, limit: int = 15) -> pl.DataFrame:
    """The newest events of a project's event log (who did what, when)."""
    return events.select("at", "who", "what").reverse().head(limit)
