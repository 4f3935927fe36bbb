"""The public API is pinned: a change to __all__ must be deliberate."""

import creative_workbench

PINNED = [
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


def test_public_api_is_pinned():
    assert sorted(creative_workbench.__all__) == sorted(PINNED)


def test_every_public_name_resolves():
    for name in creative_workbench.__all__:
        assert getattr(creative_workbench, name) is not None
