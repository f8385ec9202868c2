"""Tests of the per-language extractors; `resolved_edges` runs one through the resolver."""

from __future__ import annotations

from pathlib import Path

from codegraph.languages import language_for
from codegraph.model import EdgeKind, FileFacts
from codegraph.resolve import SymbolTable, resolve_file


def resolved_edges(root: Path) -> set[tuple[EdgeKind, str, str]]:
    """Extract every file of the repository at `root` and resolve it: (kind, source, target)."""
    facts: dict[str, FileFacts] = {}
    for file in sorted(root.rglob("*")):
        path = file.relative_to(root).as_posix()
        language = language_for(path)
        if ".git" in file.parts or not file.is_file() or language is None:
            continue
        facts[path] = language.extract(path, file.read_bytes())
    table = SymbolTable.build(facts)
    return {
        (edge.kind, edge.source, edge.target)
        for path in sorted(facts)
        for edge in resolve_file(table, facts[path]).edges
        if edge.kind is not EdgeKind.CONTAINS
    }
