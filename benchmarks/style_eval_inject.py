"""Deviation injectors: each rewrites one site of a Python file so it breaks one convention.

Every injector is a pure function `inject_x(source, ...) -> (new_source, changed_lines)`
or None when the file has no site it can rewrite. The new source always parses; the
changed lines are 1-based lines of the new source. Sites are chosen deterministically
(the first eligible one in source order) so a benchmark run is reproducible.
"""

from __future__ import annotations

import ast
import re
import tokenize
from collections.abc import Iterator

from benchmarks.style_eval_source import (
    Injection,
    char_column,
    char_offset,
    docstring_nodes,
    finish_injection,
    function_defs,
    line_starts,
    node_span,
    parse_source,
    source_tokens,
    split_string_token,
    token_offset,
)

LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)

_CONVERSIONS = {ord("r"): "%r", ord("a"): "%a"}
_LOGGER_RECEIVER = re.compile(r"(?i)(^|\.)_*(logger|log|logging)$")
# Every word after the first starts with a letter, so camelCase is visibly different.
_SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z][a-z0-9]*)+")
# Renaming these would produce a framework's role name (`setUp`, `assertX`, `visit_X`).
_ROLE_PREFIXES = ("test", "assert_", "set_up", "tear_down", "visit_", "leave_", "depart_", "do_")


def inject_quotes(source: str, style: str) -> Injection | None:
    """Rewrite the first plain (not f-) string literal not quoted in `style` ("single"/"double").

    Only literals whose body holds no quote and no backslash are touched, so the syntax
    tree is unchanged; docstrings and triple-quoted strings are left alone.
    """
    want = '"' if style == "double" else "'"
    tree = parse_source(source)
    if tree is None:
        return None
    lines = source.splitlines(keepends=True)
    docstrings = {
        (n.lineno, char_column(lines, n.lineno, n.col_offset)) for n in docstring_nodes(tree)
    }
    starts = line_starts(source)
    for token in source_tokens(source):
        if token.type != tokenize.STRING or token.start in docstrings:
            continue
        parts = split_string_token(token.string)
        if parts is None:
            continue
        prefix, delimiter, body = parts
        if len(delimiter) != 1 or delimiter == want or "f" in prefix.lower():
            continue
        if "'" in body or '"' in body or "\\" in body:
            continue
        start, end = token_offset(starts, token.start), token_offset(starts, token.end)
        new = source[:start] + prefix + want + body + want + source[end:]
        new_tree = parse_source(new)
        if new_tree is None or ast.dump(new_tree) != ast.dump(tree):
            continue
        return finish_injection(source, new)
    return None


def _annotation_edits(
    source: str, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> list[tuple[int, int, str]]:
    """(start, end, replacement) edits removing every annotation of `function`."""
    starts = line_starts(source)
    edits: list[tuple[int, int, str]] = []
    args = function.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    every += [a for a in (args.vararg, args.kwarg) if a is not None]
    for arg in every:
        if arg.annotation is None:
            continue
        name_start = char_offset(source, starts, arg.lineno, arg.col_offset)
        start = name_start + len(arg.arg)
        _, end = node_span(source, arg.annotation)
        default = re.match(r"\s*=\s*", source[end:])
        if default:
            end += default.end()
            edits.append((start, end, "="))
        else:
            edits.append((start, end, ""))
    if function.returns is not None:
        returns_start, returns_end = node_span(source, function.returns)
        arrow = source.rfind("->", 0, returns_start)
        if arrow < 0:
            return []
        while arrow > 0 and source[arrow - 1] in " \t":
            arrow -= 1
        edits.append((arrow, returns_end, ""))
    return edits


def inject_strip_annotations(source: str) -> Injection | None:
    """Remove every annotation (parameters and return) of the first annotated function.

    Test functions are skipped: a `-> None` on a test says nothing about the API's typing.
    """
    tree = parse_source(source)
    if tree is None:
        return None
    for function in function_defs(tree):
        if function.name.startswith("test"):
            continue
        edits = _annotation_edits(source, function)
        if not edits:
            continue
        new = source
        for start, end, text in sorted(edits, reverse=True):
            new = new[:start] + text + new[end:]
        result = finish_injection(source, new)
        if result is not None:
            return result
    return None


def _logging_calls(tree: ast.AST) -> Iterator[ast.Call]:
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    for call in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in LOG_METHODS:
            continue
        if _LOGGER_RECEIVER.search(ast.unparse(func.value)):
            yield call


def inject_print_for_logger(source: str) -> Injection | None:
    """Replace the first `logger.x(...)` / `log.x(...)` / `logging.x(...)` call by `print(...)`."""
    tree = parse_source(source)
    if tree is None:
        return None
    for call in _logging_calls(tree):
        start, end = node_span(source, call.func)
        result = finish_injection(source, source[:start] + "print" + source[end:])
        if result is not None:
            return result
    return None


def _indent_unit(source: str) -> str:
    for token in source_tokens(source):
        if token.type == tokenize.INDENT and token.string.strip(" \t") == "":
            return token.string
    return "    "


def inject_unittest_class(source: str) -> Injection | None:
    """Append a `unittest.TestCase` class (and `import unittest` when missing)."""
    tree = parse_source(source)
    if tree is None:
        return None
    if any(isinstance(n, ast.ClassDef) and n.name == "TestInjectedCase" for n in tree.body):
        return None
    unit = _indent_unit(source)
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    imported = any(
        isinstance(n, ast.Import) and any(a.name == "unittest" for a in n.names) for n in tree.body
    )
    if not imported:
        imports = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        if imports:
            after = max(n.end_lineno or n.lineno for n in imports)
        elif ast.get_docstring(tree, clean=False) is not None:
            after = tree.body[0].end_lineno or 1
        else:
            after = 0
        lines.insert(after, "import unittest\n")
    klass = [
        "class TestInjectedCase(unittest.TestCase):\n",
        f"{unit}def test_injected(self):\n",
        f"{unit * 2}self.assertTrue(True)\n",
    ]
    new = "".join(lines) + ("\n\n" if lines else "") + "".join(klass)
    return finish_injection(source, new)


def _needs_parentheses(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    if isinstance(parent, ast.Attribute | ast.Subscript | ast.BinOp | ast.UnaryOp | ast.Await):
        return True
    return isinstance(parent, ast.Call) and parent.func is node


def _percent_literal(node: ast.JoinedStr, delimiter: str) -> str | None:
    pieces: list[str] = []
    arguments: list[str] = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            text = value.value
            if delimiter in text or "\\" in text or not text.isprintable():
                return None
            pieces.append(text.replace("%", "%%"))
        elif isinstance(value, ast.FormattedValue) and value.format_spec is None:
            pieces.append(_CONVERSIONS.get(value.conversion, "%s"))
            arguments.append(ast.unparse(value.value))
        else:
            return None
    if not arguments:
        return None
    packed = f"{arguments[0]}," if len(arguments) == 1 else ", ".join(arguments)
    return f"{delimiter}{''.join(pieces)}{delimiter} % ({packed})"


def inject_percent_format(source: str) -> Injection | None:
    """Turn the first simple one-line f-string into `"..." % (args,)` formatting."""
    tree = parse_source(source)
    if tree is None:
        return None
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    strings = [n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)]
    for node in sorted(strings, key=lambda n: (n.lineno, n.col_offset)):
        if node.end_lineno != node.lineno or isinstance(parents.get(node), ast.FormattedValue):
            continue
        start, end = node_span(source, node)
        parts = split_string_token(source[start:end])
        if parts is None or "f" not in parts[0].lower() or len(parts[1]) != 1:
            continue
        literal = _percent_literal(node, parts[1])
        if literal is None:
            continue
        if _needs_parentheses(node, parents):
            literal = f"({literal})"
        result = finish_injection(source, source[:start] + literal + source[end:])
        if result is not None:
            return result
    return None


def inject_camel_case(source: str) -> Injection | None:
    """Rename the first snake_case function (not a test, not private, not one whose
    camelCase form would be a framework role name such as `setUp`) to camelCase."""
    tree = parse_source(source)
    if tree is None:
        return None
    for function in function_defs(tree):
        name = function.name
        if name.startswith(_ROLE_PREFIXES) or not _SNAKE.fullmatch(name):
            continue
        first, *rest = name.split("_")
        camel = first + "".join(part.capitalize() for part in rest)
        line = source.splitlines(keepends=True)[function.lineno - 1]
        match = re.search(rf"\bdef\s+{re.escape(name)}\b", line)
        if match is None:
            continue
        new_line = line[: match.start()] + match.group(0).replace(name, camel) + line[match.end() :]
        lines = source.splitlines(keepends=True)
        lines[function.lineno - 1] = new_line
        result = finish_injection(source, "".join(lines))
        if result is not None:
            return result
    return None


def inject_remove_future_annotations(source: str) -> Injection | None:
    """Delete a `from __future__ import annotations` line that imports nothing else."""
    tree = parse_source(source)
    if tree is None:
        return None
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            if [a.name for a in node.names] != ["annotations"] or node.end_lineno != node.lineno:
                continue
            lines = source.splitlines(keepends=True)
            if lines[node.lineno - 1].strip() != ast.get_source_segment(source, node):
                continue
            del lines[node.lineno - 1]
            return finish_injection(source, "".join(lines))
    return None
