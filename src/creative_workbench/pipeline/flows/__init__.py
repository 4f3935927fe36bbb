"""Flows: one module per stage, one shape (see base.py), found through one registry.

Built-in flows register exactly as a studio's own would (creative_workbench.plugins): a
module exposing `FLOWS` (a tuple of `Flow`) named in BUILT_IN here, or an entry point in the
`creative_workbench.flows` group naming such a module. Flow modules import their stage's
heavy dependencies only when a flow runs, so listing flows is cheap.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from creative_workbench.errors import WorkbenchError
from creative_workbench.pipeline.flows.base import Flow, FlowParams, FlowResult
from creative_workbench.plugins import registered

ENTRY_POINT_GROUP = "creative_workbench.flows"
BUILT_IN = (
    "creative_workbench.pipeline.flows.research",
    "creative_workbench.pipeline.flows.qa",
    "creative_workbench.pipeline.flows.scoring",
    "creative_workbench.pipeline.flows.concepts",
    "creative_workbench.pipeline.flows.concept_import",
)

__all__ = ["Flow", "FlowParams", "FlowResult", "all_flows", "get_flow"]


@cache
def all_flows() -> dict[str, Flow[Any, Any]]:
    """Every registered flow by name (built-ins first, then entry points)."""
    return registered(ENTRY_POINT_GROUP, BUILT_IN, "FLOWS")


def get_flow(name: str) -> Flow[Any, Any]:
    """The flow called NAME; an unknown name lists the known ones."""
    flows = all_flows()
    if name not in flows:
        raise WorkbenchError(f"unknown flow {name!r}: use one of {', '.join(flows)}")
    return flows[name]
