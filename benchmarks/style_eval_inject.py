"""Deviation injectors: each rewrites one site of a Python file so it breaks one convention.

Every injector is a pure function `inject_x(source, ...) -> (new_source, changed_lines)`
or None when the file has no site it can rewrite. The new source always parses; the
changed lines are 1-based lines of the new source. Sites are chosen deterministically
(the first eligible one in source order) so a benchmark run is reproducible.
"""

from __future__ import annotations

import ast
import difflib
import io
import re
import tokenize
from collections.abc import Iterator, Sequence

Injection = tuple[str, tuple[int, ...]]

DOCSTRING_STYLES = ("google", "numpy", "rest", "plain")
LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)

_CONVERSIONS = {ord("r"): "%r", ord("a"): "%a"}
_LOGGER_RECEIVER = re.compile(r"(?i)(^|\.)_*(logger|log|logging)$")
# Every word after the first starts with a letter, so camelCase is visibly different.
_SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z][a-z0-9]*)+")
# Renaming these would produce a framework's role name (`setUp`, `assertX`, `visit_X`).
_ROLE_PREFIXES = ("test", "assert_", "set_up", "tear_down", "visit_", "leave_", "depart_", "do_")
_REST_FIELD = re.compile(r"^\s*:(param|parameter|arg|type|returns?|rtype|raises?)\b")
_NUMPY_HEADER = re.compile(
    r"^\s*(Parameters|Returns|Yields|Raises|Examples?|Notes|See Also|Attributes)\s*\n"
    r"\s*-{3,}\s*$",
    re.MULTILINE,
)
_GOOGLE_HEADER = re.compile(
    r"^\s*(Args|Arguments|Returns|Yields|Raises|Examples?|Note|Attributes):\s*$", re.MULTILINE
)
_ANY_HEADER_LINE = re.compile(
    r"^\s*((Args|Arguments|Returns|Yields|Raises|Examples?|Notes?|Attributes):\s*$"
    r"|(Parameters|Returns|Yields|Raises|Examples?|Notes|See Also|Attributes)\s*$"
    r"|:(param|parameter|arg|type|returns?|rtype|raises?)\b)"
)


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def _tokens(source: str) -> list[tokenize.TokenInfo]:
    try:
        return list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return []


def _line_starts(source: str) -> list[int]:
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _char_col(lines: Sequence[str], lineno: int, byte_col: int) -> int:
    """`ast` columns count UTF-8 bytes; string slicing counts characters."""
    return len(lines[lineno - 1].encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def _offset(source: str, starts: Sequence[int], lineno: int, byte_col: int) -> int:
    lines = source.splitlines(keepends=True)
    return starts[lineno - 1] + _char_col(lines, lineno, byte_col)


def _node_span(source: str, node: ast.AST) -> tuple[int, int]:
    """Absolute character offsets [start, end) of a located node."""
    starts = _line_starts(source)
    start = _offset(source, starts, node.lineno, node.col_offset)  # type: ignore[attr-defined]
    end_line = node.end_lineno  # type: ignore[attr-defined]
    end = _offset(source, starts, end_line, node.end_col_offset)  # type: ignore[attr-defined]
    return start, end


def _token_offset(starts: Sequence[int], position: tuple[int, int]) -> int:
    return starts[position[0] - 1] + position[1]


def _changed_lines(old: str, new: str) -> tuple[int, ...]:
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


def _finish(old: str, new: str) -> Injection | None:
    if new == old or _parse(new) is None:
        return None
    return new, _changed_lines(old, new)


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    found = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))


def _docstring_nodes(tree: ast.AST) -> list[ast.Constant]:
    nodes: list[ast.Constant] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0].value if node.body and isinstance(node.body[0], ast.Expr) else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                nodes.append(first)
    return nodes


def _split_string_token(text: str) -> tuple[str, str, str] | None:
    """(prefix, delimiter, body) of a string token; None for anything unexpected."""
    match = re.match(r"([A-Za-z]*)('''|\"\"\"|'|\")", text)
    if match is None:
        return None
    prefix, delimiter = match.group(1), match.group(2)
    if not text.endswith(delimiter) or len(text) < len(prefix) + 2 * len(delimiter):
        return None
    return prefix, delimiter, text[len(prefix) + len(delimiter) : len(text) - len(delimiter)]


def inject_quotes(source: str, style: str) -> Injection | None:
    """Rewrite the first plain (not f-) string literal not quoted in `style` ("single"/"double").

    Only literals whose body holds no quote and no backslash are touched, so the syntax
    tree is unchanged; docstrings and triple-quoted strings are left alone.
    """
    want = '"' if style == "double" else "'"
    tree = _parse(source)
    if tree is None:
        return None
    lines = source.splitlines(keepends=True)
    docstrings = {
        (n.lineno, _char_col(lines, n.lineno, n.col_offset)) for n in _docstring_nodes(tree)
    }
    starts = _line_starts(source)
    for token in _tokens(source):
        if token.type != tokenize.STRING or token.start in docstrings:
            continue
        parts = _split_string_token(token.string)
        if parts is None:
            continue
        prefix, delimiter, body = parts
        if len(delimiter) != 1 or delimiter == want or "f" in prefix.lower():
            continue
        if "'" in body or '"' in body or "\\" in body:
            continue
        start, end = _token_offset(starts, token.start), _token_offset(starts, token.end)
        new = source[:start] + prefix + want + body + want + source[end:]
        new_tree = _parse(new)
        if new_tree is None or ast.dump(new_tree) != ast.dump(tree):
            continue
        return _finish(source, new)
    return None


def docstring_style(text: str) -> str:
    """Which parameter-documentation style a raw docstring body uses."""
    if any(_REST_FIELD.match(line) for line in text.splitlines()):
        return "rest"
    if _NUMPY_HEADER.search(text):
        return "numpy"
    if _GOOGLE_HEADER.search(text):
        return "google"
    return "plain"


def _parameter_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    args = function.args
    ordered = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    names = [a.arg for a in ordered if a.arg not in ("self", "cls")]
    if args.vararg is not None:
        names.append(args.vararg.arg)
    if args.kwarg is not None:
        names.append(args.kwarg.arg)
    return names


def _describe(body: str, name: str) -> str:
    """The description an existing docstring gives `name`, in any style; a stock one else."""
    escaped = re.escape(name)
    patterns = (
        rf"^\s*:param(?:\s+[^:]+)?\s+{escaped}:\s*(\S.*)$",
        rf"^\s*\**{escaped}(?:\s*\([^)]*\))?:\s+(\S.*)$",
        rf"^\s*{escaped}\s*:[^\n]*\n\s+(\S.*)$",
    )
    for pattern in patterns:
        match = re.search(pattern, body, re.MULTILINE)
        if match:
            return match.group(1).strip()
    return f"The {name}."


def _render_parameters(style: str, names: Sequence[str], body: str) -> list[str]:
    described = [(name, _describe(body, name)) for name in names]
    if style == "google":
        return ["Args:", *(f"    {name}: {text}" for name, text in described)]
    if style == "numpy":
        lines = ["Parameters", "----------"]
        for name, text in described:
            lines += [name, f"    {text}"]
        return lines
    return [f":param {name}: {text}" for name, text in described]


def inject_docstring_style(source: str, style: str) -> Injection | None:
    """Rewrite the first function docstring not in `style` to document its parameters in it.

    `style` is "google", "numpy" or "rest"; the docstring keeps its prose (everything
    before the first section) and gets a parameter section in the new style.
    """
    if style not in ("google", "numpy", "rest"):
        return None
    tree = _parse(source)
    if tree is None:
        return None
    starts = _line_starts(source)
    tokens = {t.start: t for t in _tokens(source) if t.type == tokenize.STRING}
    lines = source.splitlines(keepends=True)
    for function in _functions(tree):
        names = _parameter_names(function)
        first = function.body[0]
        if not names or not isinstance(first, ast.Expr):
            continue
        node = first.value
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        token = tokens.get((node.lineno, _char_col(lines, node.lineno, node.col_offset)))
        parts = _split_string_token(token.string) if token is not None else None
        if token is None or parts is None:
            continue
        prefix, delimiter, body = parts
        if docstring_style(body) == style:
            continue
        indent = " " * token.start[1]
        prose: list[str] = []
        for number, line in enumerate(body.splitlines()):
            if number > 0 and _ANY_HEADER_LINE.match(line):
                break
            prose.append(line.strip() if number == 0 else line.rstrip())
        while prose and not prose[-1].strip():
            prose.pop()
        if not any(line.strip() for line in prose):
            prose = ["Undocumented."]
        section = _render_parameters(style, names, body)
        quote = delimiter[0] * 3
        text_lines = [prose[0], *prose[1:], "", *(indent + line for line in section)]
        literal = prefix + quote + "\n".join(text_lines) + "\n" + indent + quote
        start = _token_offset(starts, token.start)
        end = _token_offset(starts, token.end)
        new = source[:start] + literal + source[end:]
        result = _finish(source, new)
        if result is not None:
            return result
    return None


def _annotation_edits(
    source: str, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> list[tuple[int, int, str]]:
    """(start, end, replacement) edits removing every annotation of `function`."""
    starts = _line_starts(source)
    edits: list[tuple[int, int, str]] = []
    args = function.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    every += [a for a in (args.vararg, args.kwarg) if a is not None]
    for arg in every:
        if arg.annotation is None:
            continue
        name_start = _offset(source, starts, arg.lineno, arg.col_offset)
        start = name_start + len(arg.arg)
        _, end = _node_span(source, arg.annotation)
        default = re.match(r"\s*=\s*", source[end:])
        if default:
            end += default.end()
            edits.append((start, end, "="))
        else:
            edits.append((start, end, ""))
    if function.returns is not None:
        returns_start, returns_end = _node_span(source, function.returns)
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
    tree = _parse(source)
    if tree is None:
        return None
    for function in _functions(tree):
        if function.name.startswith("test"):
            continue
        edits = _annotation_edits(source, function)
        if not edits:
            continue
        new = source
        for start, end, text in sorted(edits, reverse=True):
            new = new[:start] + text + new[end:]
        result = _finish(source, new)
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
    tree = _parse(source)
    if tree is None:
        return None
    for call in _logging_calls(tree):
        start, end = _node_span(source, call.func)
        result = _finish(source, source[:start] + "print" + source[end:])
        if result is not None:
            return result
    return None


def _indent_unit(source: str) -> str:
    for token in _tokens(source):
        if token.type == tokenize.INDENT and token.string.strip(" \t") == "":
            return token.string
    return "    "


def inject_unittest_class(source: str) -> Injection | None:
    """Append a `unittest.TestCase` class (and `import unittest` when missing)."""
    tree = _parse(source)
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
    return _finish(source, new)


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
    tree = _parse(source)
    if tree is None:
        return None
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    strings = [n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)]
    for node in sorted(strings, key=lambda n: (n.lineno, n.col_offset)):
        if node.end_lineno != node.lineno or isinstance(parents.get(node), ast.FormattedValue):
            continue
        start, end = _node_span(source, node)
        parts = _split_string_token(source[start:end])
        if parts is None or "f" not in parts[0].lower() or len(parts[1]) != 1:
            continue
        literal = _percent_literal(node, parts[1])
        if literal is None:
            continue
        if _needs_parentheses(node, parents):
            literal = f"({literal})"
        result = _finish(source, source[:start] + literal + source[end:])
        if result is not None:
            return result
    return None


def inject_camel_case(source: str) -> Injection | None:
    """Rename the first snake_case function (not a test, not private, not one whose
    camelCase form would be a framework role name such as `setUp`) to camelCase."""
    tree = _parse(source)
    if tree is None:
        return None
    for function in _functions(tree):
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
        result = _finish(source, "".join(lines))
        if result is not None:
            return result
    return None


def inject_remove_future_annotations(source: str) -> Injection | None:
    """Delete a `from __future__ import annotations` line that imports nothing else."""
    tree = _parse(source)
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
            return _finish(source, "".join(lines))
    return None
