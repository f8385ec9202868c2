"""The code graph: a repository as resolved symbols and relationships.

The ranking queries (`repo_map`, and `codegraph.find.find` with its `Localization`, and
the commit `History` it can use) load bm25s, scipy and the tokenizer; they are imported
on first use so that a command that only needs the graph (or only the executor) does not
pay for them. `find` and `impact` are
also the names of their modules, so call them as `codegraph.find.find(...)` and
`codegraph.impact.impact(...)`.
"""

from __future__ import annotations

import importlib as _importlib
from typing import Any as _Any

from codegraph.discover import looks_generated
from codegraph.errors import (
    HistoryError,
    IndexStoreError,
    ParseError,
    PatchwrightError,
    QueryError,
    RepositoryError,
)
from codegraph.impact import Impact, affected_tests
from codegraph.index import Index, build_index, load_index
from codegraph.model import (
    Edge,
    EdgeKind,
    FileFacts,
    Import,
    Reference,
    Skipped,
    Symbol,
    SymbolKind,
    Unresolved,
    Visibility,
)
from codegraph.query import CallRow, SymbolView, callees, callers, show
from codegraph.stats import IndexStats

_LAZY: dict[str, str] = {
    "History": "codegraph.history",
    "Hit": "codegraph.find",
    "Localization": "codegraph.find",
    "read_history": "codegraph.history",
    "repo_map": "codegraph.repomap",
    "repository_history": "codegraph.history",
}


def __getattr__(name: str) -> _Any:
    if name in _LAZY:
        value = getattr(_importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'codegraph' has no attribute {name!r}")


__all__ = [
    "CallRow",
    "Edge",
    "EdgeKind",
    "FileFacts",
    "History",
    "HistoryError",
    "Hit",
    "Impact",
    "Import",
    "Index",
    "IndexStats",
    "IndexStoreError",
    "Localization",
    "ParseError",
    "PatchwrightError",
    "QueryError",
    "Reference",
    "RepositoryError",
    "Skipped",
    "Symbol",
    "SymbolKind",
    "SymbolView",
    "Unresolved",
    "Visibility",
    "affected_tests",
    "build_index",
    "callees",
    "callers",
    "load_index",
    "looks_generated",
    "read_history",
    "repo_map",
    "repository_history",
    "show",
]
