from __future__ import annotations

from style.items import split_lines


def test_split_lines_like_the_tokenizer() -> None:
    assert split_lines("a\x0cb\nc\r\nd\re") == ["a\x0cb", "c", "d", "e"]
    assert split_lines("a\u2028b\n") == ["a\u2028b"]
    assert split_lines("a\r\nb", keepends=True) == ["a\r\n", "b"]
    assert split_lines("") == []
