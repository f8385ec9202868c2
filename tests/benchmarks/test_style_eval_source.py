"""Position and diff helpers of the style benchmark's injectors."""

from __future__ import annotations

import ast

from benchmarks.style_eval_source import (
    changed_lines,
    char_column,
    finish_injection,
    node_span,
    split_string_token,
)


def test_byte_columns_become_character_columns() -> None:
    source = "s = 'é' + name\n"
    call = ast.parse(source).body[0].value  # type: ignore[attr-defined]
    assert call.right.col_offset == 11
    assert char_column(source.splitlines(), 1, 11) == 10
    start, end = node_span(source, call.right)
    assert source[start:end] == "name"


def test_changed_lines_for_replace_insert_and_delete() -> None:
    assert changed_lines("a\nb\nc\n", "a\nB\nc\n") == (2,)
    assert changed_lines("a\nc\n", "a\nb1\nb2\nc\n") == (2, 3)
    assert changed_lines("a\nb\nc\n", "a\nc\n") == (2,)


def test_finish_refuses_no_change_and_broken_code() -> None:
    assert finish_injection("x = 1\n", "x = 1\n") is None
    assert finish_injection("x = 1\n", "x = (\n") is None
    assert finish_injection("x = 1\n", "x = 2\n") == ("x = 2\n", (1,))


def test_split_string_token() -> None:
    assert split_string_token("rb'x'") == ("rb", "'", "x")
    assert split_string_token('"""doc"""') == ("", '"""', "doc")
    assert split_string_token("'open") is None
