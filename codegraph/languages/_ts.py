"""tree-sitter plumbing shared by the language modules (grammar wheels, tree-sitter ≥ 0.25)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from functools import cache
from itertools import accumulate

from tree_sitter import Language, Node, Parser, Query, QueryCursor

from codegraph.errors import ParseError

# tree-sitter's query cursor is quadratic in nesting depth (10k nested calls: minutes).
# Real code stays far below this (CPython refuses 200 nested brackets); deeper is hostile.
MAX_NESTING = 1000

# grammar key -> (wheel module, function returning the language pointer)
_GRAMMARS: dict[str, tuple[str, str]] = {
    "go": ("tree_sitter_go", "language"),
    "java": ("tree_sitter_java", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "python": ("tree_sitter_python", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
}


@cache
def grammar(key: str) -> Language:
    module_name, func = _GRAMMARS[key]
    loader: Callable[[], object] = getattr(importlib.import_module(module_name), func)
    return Language(loader())


def parser(key: str) -> Parser:
    """A new parser: parsers are not thread-safe, so callers keep their own."""
    return Parser(grammar(key))


@cache
def query(key: str, source: str) -> Query:
    return Query(grammar(key), source)


def captures(key: str, query_source: str, node: Node) -> dict[str, list[Node]]:
    """All captures of a query; `ParseError` for a file nested too deeply to query."""
    depth = nesting_depth(node.text or b"")
    if depth > MAX_NESTING:
        raise ParseError(f"brackets nested {depth} levels deep (limit {MAX_NESTING})")
    return QueryCursor(query(key, query_source)).captures(node)


def nesting_depth(data: bytes) -> int:
    """Deepest bracket nesting in `data`, counting brackets in strings too (an upper
    bound of the syntax tree's call/literal nesting). 0 when it cannot exceed the limit."""
    opening = data.count(b"(") + data.count(b"[") + data.count(b"{")
    if opening <= MAX_NESTING:
        return 0
    brackets = data.translate(None, _NOT_BRACKETS)
    return max(accumulate(_STEP[byte] for byte in brackets))


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"()[]{}")
_STEP = [1 if b in b"([{" else -1 if b in b")]}" else 0 for b in range(256)]


def text(node: Node | None) -> str:
    raw = node.text if node is not None else None  # `text` copies the bytes: read it once
    return "" if raw is None else raw.decode("utf-8", errors="replace")


def span(node: Node) -> tuple[int, int]:
    """1-based first and last line of a node."""
    return node.start_point[0] + 1, node.end_point[0] + 1


def walk(node: Node) -> Iterator[Node]:
    """Pre-order traversal without recursion (deep files must not hit the recursion limit)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))
