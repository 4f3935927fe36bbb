"""Creative Workbench: notebooks and a small package for AI-assisted creative production."""

from creative_workbench.config import (
    BrandGuide,
    Project,
    ProjectConfig,
    QAThresholds,
    Workspace,
    load_brand_guide,
    load_project,
)
from creative_workbench.errors import (
    ConfigError,
    DataError,
    MediaError,
    ProjectNotFoundError,
    ReportError,
    WorkbenchError,
)
from creative_workbench.placements import Placement, get_placement, placements

__version__ = "0.1.0"

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
    "WorkbenchError",
    "Workspace",
    "__version__",
    "get_placement",
    "load_brand_guide",
    "load_project",
    "placements",
]
