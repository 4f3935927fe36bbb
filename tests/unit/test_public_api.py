"""The public API: `__all__` (a literal, for static tools) is exactly the lazy-import table plus
`__version__`, and each name is what its declared module defines (a moved name is caught)."""

import importlib

import creative_workbench
from creative_workbench import _MODULE_OF


def test_all_is_the_lazy_table_plus_version():
    assert sorted(creative_workbench.__all__) == sorted([*_MODULE_OF, "__version__"])


def test_every_public_name_resolves_to_its_declared_module():
    for name, module in _MODULE_OF.items():
        value = getattr(creative_workbench, name)
        assert value is getattr(importlib.import_module(module), name)
        if hasattr(value, "__module__"):
            assert value.__module__ == module, (name, value.__module__)


def test_unknown_names_raise_attribute_error():
    try:
        creative_workbench.not_a_public_name  # noqa: B018
    except AttributeError as exc:
        assert "not_a_public_name" in str(exc)
    else:
        raise AssertionError("unknown public name resolved")
