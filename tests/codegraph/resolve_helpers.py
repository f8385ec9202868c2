"""Index a fixture repository with the Python extractor and the resolver (no store)."""

from __future__ import annotations

from pathlib import Path

from codegraph.languages.python import LANGUAGE
from codegraph.model import EdgeKind, FileFacts
from codegraph.resolve import Resolution, SymbolTable, resolve_file


def extract_repo(root: Path) -> dict[str, FileFacts]:
    facts: dict[str, FileFacts] = {}
    for file in sorted(root.rglob("*.py")):
        if ".git" in file.parts:
            continue
        path = file.relative_to(root).as_posix()
        facts[path] = LANGUAGE.extract(path, file.read_bytes())
    return facts


def resolve_repo(root: Path) -> tuple[SymbolTable, dict[str, Resolution]]:
    facts = extract_repo(root)
    table = SymbolTable.build(facts)
    return table, {path: resolve_file(table, f) for path, f in facts.items()}


def edges_of(resolutions: dict[str, Resolution], kind: EdgeKind) -> set[tuple[str, str]]:
    return {(e.source, e.target) for r in resolutions.values() for e in r.edges if e.kind is kind}
