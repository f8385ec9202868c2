"""Two lexical tables the `Lexicon` keeps beside BM25: messages and name tails.

An issue often quotes what the program printed ("no number is assigned for table"), and
the code that printed it holds that text in a string literal, placeholders aside. And a
class or attribute named in an issue (`SeqFormula`, `is_zero`) is often handled by a hook
named after it (`_print_SeqFormula`, `_eval_is_zero`) that no call edge leads to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

MIN_MESSAGE_WORDS = 4  # fewer words are too common to pin anything
_MIN_MESSAGE_CHARS = 12
_MIN_TAIL_CHARS = 4

_STRING = re.compile(r"""(['"])((?:\\.|(?!\1).){12,400})\1""")
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|\{[^{}]*\}|\\[ntr]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lower-cased words separated by single spaces: how messages and queries meet."""
    return " ".join(_NON_WORD.split(text.lower())).strip()


def messages(lines: Sequence[str], owner: Sequence[str | None]) -> Iterator[tuple[str, str]]:
    """(message, symbol id) for each one-line string literal of `lines` that reads like a
    message: its longest fixed fragment once `%s` / `{…}` placeholders are cut out,
    normalized, of `MIN_MESSAGE_WORDS` words or more. `owner[i]` is the innermost symbol
    holding line i + 1; literals outside any symbol are left out."""
    for line, sid in zip(lines, owner, strict=False):
        if sid is None or ("'" not in line and '"' not in line):
            continue
        for match in _STRING.finditer(line):
            words = normalize(max(_PLACEHOLDER.split(match.group(2)), key=len))
            if len(words) >= _MIN_MESSAGE_CHARS and words.count(" ") >= MIN_MESSAGE_WORDS - 1:
                yield words, sid


def name_tails(by_name: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Symbol ids by the tails of their snake_case names: `_print_SeqFormula` under
    `SeqFormula`, `_eval_is_zero` under `is_zero` and `zero`. A name is not its own tail;
    tails of three letters or fewer are too common to keep."""
    table: dict[str, list[str]] = {}
    for name, ids in by_name.items():
        parts = name.lstrip("_").split("_")
        for i in range(1, len(parts)):
            tail = "_".join(parts[i:])
            if len(tail) >= _MIN_TAIL_CHARS and tail != name:
                table.setdefault(tail, []).extend(ids)
    return table
