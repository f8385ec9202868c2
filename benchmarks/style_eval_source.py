"""Source-text helpers shared by the style benchmark's injectors.

`ast` positions count UTF-8 bytes, `tokenize` and string slicing count characters; these
helpers convert between them and report which lines of a rewritten file changed.
"""

from __future__ import annotations

import ast
import difflib
import io
import re
import tokenize
from collections.abc import Sequence

Injection = tuple[str, tuple[int, ...]]


def parse_source(source: str) -> ast.Module | None:
    """The module's syntax tree; None when it does not parse."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def source_tokens(source: str) -> list[tokenize.TokenInfo]:
    """Every token of `source`; empty when it cannot be tokenized."""
    try:
        return list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return []


def line_starts(source: str) -> list[int]:
    """Character offset at which each line starts (index 0 is line 1)."""
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def char_column(lines: Sequence[str], lineno: int, byte_col: int) -> int:
    """`ast` columns count UTF-8 bytes; string slicing counts characters."""
    return len(lines[lineno - 1].encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def char_offset(source: str, starts: Sequence[int], lineno: int, byte_col: int) -> int:
    """Absolute character offset of an `ast` (line, byte column) position."""
    lines = source.splitlines(keepends=True)
    return starts[lineno - 1] + char_column(lines, lineno, byte_col)


def node_span(source: str, node: ast.AST) -> tuple[int, int]:
    """Absolute character offsets [start, end) of a located node."""
    starts = line_starts(source)
    start = char_offset(source, starts, node.lineno, node.col_offset)  # type: ignore[attr-defined]
    end_line = node.end_lineno  # type: ignore[attr-defined]
    end = char_offset(source, starts, end_line, node.end_col_offset)  # type: ignore[attr-defined]
    return start, end


def token_offset(starts: Sequence[int], position: tuple[int, int]) -> int:
    """Absolute character offset of a `tokenize` (line, character column) position."""
    return starts[position[0] - 1] + position[1]


def changed_lines(old: str, new: str) -> tuple[int, ...]:
    """New-side lines that differ from `old`; a pure deletion names the line now there."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    changed: set[int] = set()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            changed.update(range(j1 + 1, j2 + 1))
        elif tag == "delete" and new_lines:
            changed.add(min(j1 + 1, len(new_lines)))
    return tuple(sorted(changed))


def finish_injection(old: str, new: str) -> Injection | None:
    """The injection result, or None when nothing changed or the new text does not parse."""
    if new == old or parse_source(new) is None:
        return None
    return new, changed_lines(old, new)


def function_defs(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every function definition, nested ones included, in source order."""
    found = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))


def docstring_nodes(tree: ast.AST) -> list[ast.Constant]:
    """The docstring constants of the module, its classes and its functions."""
    nodes: list[ast.Constant] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0].value if node.body and isinstance(node.body[0], ast.Expr) else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                nodes.append(first)
    return nodes


def split_string_token(text: str) -> tuple[str, str, str] | None:
    """(prefix, delimiter, body) of a string token; None for anything unexpected."""
    match = re.match(r"([A-Za-z]*)('''|\"\"\"|'|\")", text)
    if match is None:
        return None
    prefix, delimiter = match.group(1), match.group(2)
    if not text.endswith(delimiter) or len(text) < len(prefix) + 2 * len(delimiter):
        return None
    return prefix, delimiter, text[len(prefix) + len(delimiter) : len(text) - len(delimiter)]
