"""The evidence records every scanner produces: one `Item` per occurrence, one `Scan` per file."""

from __future__ import annotations

import ast
import io
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Item:
    """One occurrence: `convention` shows `value` on 1-based `line` (`name` for naming).

    `end` is the last line of a construct that spans several (a signature); a change to
    any of its lines is a change to the occurrence.
    """

    convention: str
    value: str
    line: int
    name: str = ""
    end: int = 0


@dataclass(frozen=True, slots=True)
class Scan:
    """All items of one file plus its line lengths (exempt lines left out)."""

    items: tuple[Item, ...]
    line_lengths: tuple[tuple[int, int], ...]  # (line, length)
    tree: ast.Module | None
    comment_lines: int = 0  # lines holding a comment (not shebangs, not pragmas)


def split_lines(source: str, *, keepends: bool = False) -> list[str]:
    """Lines as Python's tokenizer and `ast` number them: split on \\n, \\r\\n and \\r only.

    `str.splitlines` also splits on form feeds and Unicode separators, which would
    shift every later line number in a hostile file.
    """
    lines = io.StringIO(source, newline="").readlines()
    return lines if keepends else [line.rstrip("\r\n") for line in lines]
