"""Docstring-style injector: document a function's parameters in another style.

Styles are told apart the way a reader does: reST fields (`:param x:`), NumPy section
headers underlined with dashes, Google section headers ending in a colon, else plain.
"""

from __future__ import annotations

import ast
import re
import tokenize
from collections.abc import Sequence

from benchmarks.style_eval_source import (
    Injection,
    char_column,
    finish_injection,
    function_defs,
    line_starts,
    parse_source,
    source_tokens,
    split_string_token,
    token_offset,
)

DOCSTRING_STYLES = ("google", "numpy", "rest", "plain")

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
    tree = parse_source(source)
    if tree is None:
        return None
    starts = line_starts(source)
    tokens = {t.start: t for t in source_tokens(source) if t.type == tokenize.STRING}
    lines = source.splitlines(keepends=True)
    for function in function_defs(tree):
        names = _parameter_names(function)
        first = function.body[0]
        if not names or not isinstance(first, ast.Expr):
            continue
        node = first.value
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        token = tokens.get((node.lineno, char_column(lines, node.lineno, node.col_offset)))
        parts = split_string_token(token.string) if token is not None else None
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
        start = token_offset(starts, token.start)
        end = token_offset(starts, token.end)
        new = source[:start] + literal + source[end:]
        result = finish_injection(source, new)
        if result is not None:
            return result
    return None
