"""Each package's `__all__` is exactly its public names, sorted."""

from __future__ import annotations

import importlib
import types

import pytest

PACKAGES = ["codegraph", "style", "executor", "service"]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_lists_exactly_the_public_names(name: str) -> None:
    package = importlib.import_module(name)
    public = {
        attr
        for attr, value in vars(package).items()
        if not attr.startswith("_") and not isinstance(value, types.ModuleType)
    }
    public -= {"annotations"}  # `from __future__ import annotations`
    lazy = set(getattr(package, "_LAZY", {}))  # served by the package's `__getattr__`
    assert sorted(package.__all__) == package.__all__
    assert set(package.__all__) == public | lazy
    for name in lazy:
        assert getattr(package, name) is not None
