"""The code graph: a repository as resolved symbols and relationships."""

from codegraph.errors import (
    IndexStoreError,
    ParseError,
    PatchwrightError,
    QueryError,
    RepositoryError,
)
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
from codegraph.stats import IndexStats

__all__ = [
    "Edge",
    "EdgeKind",
    "FileFacts",
    "Import",
    "Index",
    "IndexStats",
    "IndexStoreError",
    "ParseError",
    "PatchwrightError",
    "QueryError",
    "Reference",
    "RepositoryError",
    "Skipped",
    "Symbol",
    "SymbolKind",
    "Unresolved",
    "Visibility",
    "build_index",
    "load_index",
]
