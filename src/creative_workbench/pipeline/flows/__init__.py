"""Flows: one module per stage, one shape (see base.py), found through one registry.

Built-in flows register exactly as a studio's own would: a module exposing `FLOWS` (a tuple
of `Flow`) named in BUILT_IN here, or an entry point in the `creative_workbench.flows` group
pointing at such a module. Modules are imported on first use, so listing is cheap.
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from creative_workbench.errors import WorkbenchError
from creative_workbench.pipeline.flows.base import Flow, FlowParams, FlowResult

ENTRY_POINT_GROUP = "creative_workbench.flows"
BUILT_IN = (
    "creative_workbench.pipeline.flows.research",
    "creative_workbench.pipeline.flows.qa",
    "creative_workbench.pipeline.flows.scoring",
    "creative_workbench.pipeline.flows.concept_import",
)

__all__ = ["Flow", "FlowParams", "FlowResult", "all_flows", "get_flow"]


def _modules() -> list[str]:
    plugins = [point.value for point in entry_points(group=ENTRY_POINT_GROUP)]
    return [*BUILT_IN, *(m for m in plugins if m not in BUILT_IN)]


@cache
def all_flows() -> dict[str, Flow[Any, Any]]:
    """Every registered flow by name (built-ins first, then entry points)."""
    flows: dict[str, Flow[Any, Any]] = {}
    for module in _modules():
        for flow in importlib.import_module(module).FLOWS:
            if flow.name in flows:
                raise WorkbenchError(f"flow {flow.name!r} registered twice (again by {module})")
            flows[flow.name] = flow
    return flows


def get_flow(name: str) -> Flow[Any, Any]:
    """The flow called NAME; an unknown name lists the known ones."""
    flows = all_flows()
    if name not in flows:
        raise WorkbenchError(f"unknown flow {name!r}: use one of {', '.join(flows)}")
    return flows[name]
