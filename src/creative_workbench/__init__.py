"""Creative Workbench: notebooks and a small package for AI-assisted creative production.

The public names load on first use (PEP 562), so importing a submodule such as
`creative_workbench.cli` does not pay for pydantic and the config models up front.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from creative_workbench.brand_guide import BrandGuide, load_brand_guide
    from creative_workbench.config import (
        Project,
        ProjectConfig,
        QAThresholds,
        Workspace,
        load_project,
    )
    from creative_workbench.errors import (
        ConfigError,
        DataError,
        MediaError,
        ProjectNotFoundError,
        ReportError,
        WorkbenchError,
        WorkFailedError,
    )
    from creative_workbench.pipeline.flows import all_flows, get_flow
    from creative_workbench.placements import Placement, all_placements, get_placement

__version__ = "0.1.0"

_SOURCES = {
    "creative_workbench.brand_guide": ("BrandGuide", "load_brand_guide"),
    "creative_workbench.config": (
        "Project",
        "ProjectConfig",
        "QAThresholds",
        "Workspace",
        "load_project",
    ),
    "creative_workbench.errors": (
        "ConfigError",
        "DataError",
        "MediaError",
        "ProjectNotFoundError",
        "ReportError",
        "WorkbenchError",
        "WorkFailedError",
    ),
    "creative_workbench.pipeline.flows": ("all_flows", "get_flow"),
    "creative_workbench.placements": ("Placement", "all_placements", "get_placement"),
}
_MODULE_OF = {name: module for module, names in _SOURCES.items() for name in names}

__all__ = [
    "BrandGuide",
    "ConfigError",
    "DataError",
    "MediaError",
    "Placement",
    "Project",
    "ProjectConfig",
    "ProjectNotFoundError",
    "QAThresholds",
    "ReportError",
    "WorkFailedError",
    "WorkbenchError",
    "Workspace",
    "__version__",
    "all_flows",
    "all_placements",
    "get_flow",
    "get_placement",
    "load_brand_guide",
    "load_project",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is used."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'creative_workbench' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
