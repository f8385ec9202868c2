"""Python's own names: builtins and the standard library, which resolve outside the repo."""

from __future__ import annotations

import builtins
import sys

BUILTINS: frozenset[str] = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__"}
_STDLIB: frozenset[str] = frozenset(sys.stdlib_module_names) | {"__future__"}


def is_stdlib(module: str) -> bool:
    """True when the top-level package of `module` belongs to the standard library."""
    return module.partition(".")[0] in _STDLIB
