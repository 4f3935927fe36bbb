"""One way to find what users extend: built-in modules and entry points, read alike.

Each extension point names an attribute (e.g. `AD_SOURCES`) and an entry-point group (e.g.
`creative_workbench.sources`). A module — ours or a studio's own package — exposes a tuple
under that attribute; the group's entry points name such modules. Built-ins are simply the
first modules read, exactly as papermill registers its own engines and I/O handlers:

    # a studio's pyproject.toml
    [project.entry-points."creative_workbench.sources"]
    acme_export = "acme_workbench.sources"      # a module with AD_SOURCES = (AdSource(...),)
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from importlib.metadata import entry_points
from typing import Any

from creative_workbench.errors import WorkbenchError


class PluginError(WorkbenchError):
    """A registered module is missing, lacks the attribute, or repeats a name."""


def registered(group: str, built_in: Sequence[str], attribute: str) -> dict[str, Any]:
    """Every item (by its `name`) that BUILT_IN modules, then GROUP's entry points, expose
    under ATTRIBUTE; a name registered twice is an error naming both modules."""
    modules = list(built_in)
    modules += [p.value for p in entry_points(group=group) if p.value not in modules]
    items: dict[str, Any] = {}
    owners: dict[str, str] = {}
    for module_name in modules:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise PluginError(f"{group}: cannot import {module_name} ({exc})") from None
        if not hasattr(module, attribute):
            raise PluginError(f"{group}: {module_name} has no {attribute} tuple to register")
        for item in getattr(module, attribute):
            if item.name in items:
                raise PluginError(
                    f"{group}: {item.name!r} is registered by both {owners[item.name]} "
                    f"and {module_name}"
                )
            items[item.name], owners[item.name] = item, module_name
    return items
