"""Mechanical fixes, proposed per line and applied only when the syntax tree agrees.

A quote flip must leave `ast.dump` unchanged (same string values); an `Optional[X]` ->
`X | None` rewrite must change exactly those subscripts into unions. `apply_fixes`
verifies both and refuses any fix that would do more.
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from collections.abc import Sequence

from style.imports import absolute_module
from style.items import split_lines
from style.model import Finding, Fix
from style.python_ast import annotation_nodes
from style.python_tokens import quote_value, string_quote

_OPTIONAL = {"Optional", "typing.Optional", "t.Optional"}


def quote_fixes(source: str, target: str) -> dict[int, Fix]:
    """Per line, the line with every free-choice string flipped to `target` quotes."""
    tree = parse_quietly(source)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, tokenize.TokenError):
        return {}
    if tree is None:
        return {}
    docstrings = _docstring_lines(tree)
    quote = '"' if target == "double" else "'"
    lines = split_lines(source)
    edits: dict[int, list[tuple[int, int, str]]] = {}
    for token in tokens:
        if token.type != tokenize.STRING or token.start[0] != token.end[0]:
            continue
        row = token.start[0]
        value = quote_value(token.string)
        if row in docstrings or value is None or value == target:
            continue
        parts = string_quote(token.string)
        if parts is None:
            continue
        prefix, _, body = parts
        edits.setdefault(row, []).append(
            (token.start[1], token.end[1], prefix + quote + body + quote)
        )
    return {row: _edit_line(row, lines[row - 1], spans) for row, spans in edits.items()}


def optional_fixes(source: str, python: str) -> dict[int, Fix]:
    """Per line, `Optional[X]` rewritten as `X | None` where that is safe to run.

    Safe means inside an annotation of a file with `from __future__ import annotations`,
    or anywhere when the project targets Python >= 3.10; an `X` holding a string
    (a forward reference) is left alone.
    """
    tree = parse_quietly(source)
    if tree is None:
        return {}
    future = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
        for node in tree.body
    )
    modern = _version(python) >= (3, 10)
    annotations = annotation_nodes(tree) if future else set()
    lines = split_lines(source)
    edits: dict[int, list[tuple[int, int, str]]] = {}
    taken: list[tuple[int, int, int]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Subscript) or _dotted(node.value) not in _OPTIONAL:
            continue
        if node.lineno != node.end_lineno or node.end_col_offset is None:
            continue
        in_annotation = id(node) in annotations
        if not (modern or in_annotation):
            continue
        inner = node.slice
        if any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in ast.walk(inner)):
            continue  # `"Node" | None` is an error for type checkers and at runtime
        text = ast.get_source_segment(source, inner)
        if text is None or isinstance(inner, ast.Tuple | ast.Lambda | ast.NamedExpr | ast.IfExp):
            continue
        span = (node.lineno, node.col_offset, node.end_col_offset)
        if any(r == span[0] and not (span[2] <= s or span[1] >= e) for r, s, e in taken):
            continue
        taken.append(span)
        line = lines[node.lineno - 1]
        start, end = _chars(line, node.col_offset), _chars(line, node.end_col_offset)
        edits.setdefault(node.lineno, []).append((start, end, f"{text} | None"))
    return {row: _edit_line(row, lines[row - 1], spans) for row, spans in edits.items()}


def apply_fixes(source: str, findings: Sequence[Finding]) -> str:
    """`source` with the findings' mechanical fixes applied.

    A fix whose `old` no longer matches its line is skipped; for Python, a fix whose
    result changes the syntax tree beyond the fix itself is refused.
    """
    fixes = [f.fix for f in findings if f.fix is not None]
    if not fixes:
        return source
    paths = {f.path for f in findings}
    path = paths.pop() if len(paths) == 1 else None
    combined = _apply(source, fixes)
    if _verified(source, combined, path):
        return combined
    result = source
    for fix in fixes:
        attempt = _apply(result, [fix])
        if attempt != result and _verified(result, attempt, path):
            result = attempt
    return result


def _apply(source: str, fixes: Sequence[Fix]) -> str:
    lines = split_lines(source, keepends=True)
    done: set[int] = set()
    for fix in fixes:
        index = fix.line - 1
        if fix.line in done or not 0 <= index < len(lines):
            continue
        text = lines[index]
        body = text.rstrip("\r\n")
        if body != fix.old or "\n" in fix.new or "\r" in fix.new:
            continue
        lines[index] = fix.new + text[len(body) :]
        done.add(fix.line)
    return "".join(lines)


def parse_quietly(source: str) -> ast.Module | None:
    """The module's tree, or None; warnings about hostile input are swallowed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def _verified(before: str, after: str, path: str | None) -> bool:
    old_tree, new_tree = parse_quietly(before), parse_quietly(after)
    if old_tree is None or new_tree is None:
        return False
    try:
        old, new = _Normalize(path).visit(old_tree), _Normalize(path).visit(new_tree)
        return bool(ast.dump(old) == ast.dump(new))
    except RecursionError:
        return False  # too deep to prove unchanged: refuse the fix


class _Normalize(ast.NodeTransformer):
    """Rewrite `Optional[X]` as `X | None` and relative imports as absolute ones: the
    only structural changes a fix may make."""

    def __init__(self, path: str | None) -> None:
        self.path = path

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        if self.path is not None and node.level > 0:
            absolute = absolute_module(self.path, node.level, node.module)
            if absolute is not None:
                return ast.ImportFrom(module=absolute, names=node.names, level=0)
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        if _dotted(node.value) in _OPTIONAL:
            return ast.BinOp(left=node.slice, op=ast.BitOr(), right=ast.Constant(value=None))
        return node


def _edit_line(row: int, text: str, spans: list[tuple[int, int, str]]) -> Fix:
    new = text
    for start, end, replacement in sorted(spans, reverse=True):
        new = new[:start] + replacement + new[end:]
    return Fix(line=row, old=text, new=new)


def _chars(line: str, byte_offset: int) -> int:
    """ast columns count UTF-8 bytes; string slicing counts characters."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def _docstring_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                lines.add(body[0].lineno)
    return lines


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _version(text: str) -> tuple[int, int]:
    major, _, minor = text.partition(".")
    if major.isdigit() and minor.isdigit():
        return int(major), int(minor)
    return (0, 0)
