"""Formatting evidence from Python tokens: quotes, indentation steps, trailing commas."""

from __future__ import annotations

import re
import tokenize
from collections.abc import Iterator

from style.items import Item

_STRING_PREFIX = re.compile(r"^([A-Za-z]*)('''|\"\"\"|'|\")")
# lines a length limit does not apply to: URLs, pragmas, suppressions
EXEMPT_LONG = re.compile(r"https?://|#.*\b(noqa|ignore|pragma|fmt:|pylint:|nosec)", re.I)
_TRAILING_OPENERS = frozenset({"(", "[", "{"})
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def string_quote(token: str) -> tuple[str, str, str] | None:
    """(prefix, quote, body) of a one-line string token, None when triple-quoted."""
    match = _STRING_PREFIX.match(token)
    if match is None or len(match.group(2)) == 3:
        return None
    prefix, quote = match.groups()
    return prefix, quote, token[len(prefix) + 1 : -1]


def quote_value(token: str) -> str | None:
    """ "double"/"single" for a string whose quote was a free choice, else None."""
    parts = string_quote(token)
    if parts is None:
        return None
    _, quote, body = parts
    if "'" in body or '"' in body:
        return None
    return "double" if quote == '"' else "single"


def token_items(tokens: list[tokenize.TokenInfo], docstrings: set[int]) -> Iterator[Item]:
    """Formatting items, except on lines the formatter was told to leave alone
    (`# fmt: off` ... `# fmt: on`, `# fmt: skip`): hand-laid matrices say nothing."""
    unformatted = _unformatted_lines(tokens)
    for item in _token_items(tokens, docstrings):
        if item.line not in unformatted:
            yield item


def _unformatted_lines(tokens: list[tokenize.TokenInfo]) -> set[int]:
    lines: set[int] = set()
    off_since: int | None = None
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        pragma = _FMT.match(token.string)
        if pragma is None:
            continue
        row = token.start[0]
        if pragma.group(1) == "skip":
            lines.add(row)
        elif pragma.group(1) == "off" and off_since is None:
            off_since = row
        elif pragma.group(1) == "on" and off_since is not None:
            lines.update(range(off_since, row + 1))
            off_since = None
    if off_since is not None and tokens:
        lines.update(range(off_since, tokens[-1].start[0] + 1))
    return lines


_FMT = re.compile(r"#\s*fmt:\s*(off|on|skip)\b")


def _token_items(tokens: list[tokenize.TokenInfo], docstrings: set[int]) -> Iterator[Item]:
    indents: list[str] = [""]
    # open brackets: (opener, line, kind from _bracket_kind, separating commas, first line)
    stack: list[tuple[str, int, str, int, int]] = []
    # per open bracket: whether its last element so far is an unpacking (`*args`), after
    # which black leaves the comma out unless it knows the target supports one
    unpacked: list[bool] = []
    previous: tokenize.TokenInfo | None = None
    for token in tokens:
        kind, text, (row, _), _, _ = token
        if kind == tokenize.INDENT:
            outer = indents[-1]
            indents.append(text)
            step = text[len(outer) :] if text.startswith(outer) else text
            if "\t" in step:
                yield Item("indent", "tabs", row)
            elif step:
                yield Item("indent", f"spaces-{len(step)}", row)
        elif kind == tokenize.DEDENT:
            if len(indents) > 1:
                indents.pop()
        elif kind == tokenize.STRING and row not in docstrings:
            value = quote_value(text)
            if value is not None:
                yield Item("quotes", value, row)
        elif kind == tokenize.OP and text in _TRAILING_OPENERS:
            stack.append((text, row, _bracket_kind(text, previous), 0, 0))
            unpacked.append(False)
        elif kind == tokenize.OP and text in _CLOSERS and stack:
            item = _trailing_comma(stack.pop(), previous, row)
            last_unpacked = unpacked.pop()
            if item is not None and not (last_unpacked and item.value == "none"):
                yield item
        elif kind == tokenize.OP and text == "," and stack:
            opener, start, bracket, commas, first = stack[-1]
            stack[-1] = (opener, start, bracket, commas + 1, first)
            unpacked[-1] = False
        elif (
            kind == tokenize.OP
            and text in {"*", "**"}
            and stack
            and previous is not None
            and previous.string in {",", *_TRAILING_OPENERS}
        ):
            unpacked[-1] = True
        elif kind == tokenize.NAME and text in {"for", "async", "lambda"} and stack:
            opener, start, _, commas, first = stack[-1]
            stack[-1] = (opener, start, "no", commas, first)
        if kind not in {tokenize.NL, tokenize.COMMENT, tokenize.NEWLINE}:
            if stack and not stack[-1][4] and text not in _TRAILING_OPENERS:
                opener, start, bracket, commas, _ = stack[-1]
                stack[-1] = (opener, start, bracket, commas, row)
            previous = token


def _trailing_comma(
    bracket: tuple[str, int, str, int, int], previous: tokenize.TokenInfo | None, row: int
) -> Item | None:
    """An exploded bracket (one element per line) either ends with a comma or not."""
    _, start, kind, commas, first = bracket
    if previous is None or row <= start or previous.start[0] >= row:
        return None
    if kind == "no" or previous.string in _TRAILING_OPENERS:
        return None
    if previous.string == ",":
        if kind == "tuple" and commas < 2:
            return None
        return Item("trailing_commas", "trailing", previous.start[0])
    # no comma: count it only when elements sit on separate lines (black's exploded form)
    if commas >= 1 and start < first < previous.start[0]:
        return Item("trailing_commas", "none", previous.start[0])
    return None


def _bracket_kind(opener: str, previous: tokenize.TokenInfo | None) -> str:
    """ "yes" when a trailing comma inside this bracket keeps the meaning, "tuple" when
    it does only if the bracket already holds a comma, "no" otherwise."""
    if previous is None:
        return "tuple" if opener == "(" else "yes"
    keyword = previous.type == tokenize.NAME and previous.string in _PY_KEYWORDS
    after_value = not keyword and (
        previous.type in {tokenize.NAME, tokenize.STRING, tokenize.NUMBER}
        or previous.string in {")", "]", "}"}
    )
    if opener == "[":
        return "no" if after_value else "yes"  # a subscript: a comma would make a tuple
    if opener == "(":
        if previous.string == "import" or after_value:
            return "yes"
        return "no" if previous.string == "with" else "tuple"
    return "yes"


_PY_KEYWORDS = frozenset(
    {
        "and", "as", "assert", "await", "del", "elif", "else", "except", "for", "from", "if",
        "import", "in", "is", "lambda", "not", "or", "return", "while", "with", "yield",
    }
)  # fmt: skip
