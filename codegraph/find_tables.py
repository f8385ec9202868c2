"""Tables `find` derives from an index once per index state: string literals that read
like messages, and names by their snake_case tails.

An issue often quotes what the program printed ("no number is assigned for table"), and
the code that printed it holds that text in a literal, placeholders aside. And a class or
attribute named in an issue (`SeqFormula`, `is_zero`) is often handled by a hook named
after it (`_print_SeqFormula`, `_eval_is_zero`) that no call edge leads to.
"""

from __future__ import annotations

import re

from codegraph.query import GraphIndex, cached
from codegraph.tokens import Lexicon, source_lines

_STRING = re.compile(r"""(['"])((?:\\.|(?!\1).){12,400})\1""")
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|\{[^{}]*\}|\\[ntr]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lower-cased words separated by single spaces: how messages and queries meet."""
    return " ".join(_NON_WORD.split(text.lower())).strip()


def message_table(index: GraphIndex, lex: Lexicon, min_words: int) -> dict[str, list[str]]:
    """Each string literal's longest fixed fragment (placeholders cut out), normalized,
    with the symbols whose lines hold it: what an issue quotes from an error message."""

    def build() -> dict[str, list[str]]:
        table: dict[str, list[str]] = {}
        for path in lex.file_paths:
            members = sorted(lex.members.get(path, ()), key=lambda s: (s.span[0], -s.span[1], s.id))
            if not members:
                continue
            lines = source_lines(index.root, path)
            for number, line in enumerate(lines, 1):
                if "'" not in line and '"' not in line:
                    continue
                for match in _STRING.finditer(line):
                    fragment = max(_PLACEHOLDER.split(match.group(2)), key=len)
                    words = normalize(fragment)
                    if len(words) < 12 or words.count(" ") < min_words - 1:
                        continue
                    owner = None
                    for symbol in members:
                        if symbol.span[0] <= number <= symbol.span[1]:
                            owner = symbol.id
                        elif symbol.span[0] > number:
                            break
                    if owner is not None:
                        table.setdefault(words, []).append(owner)
        return table

    return cached(index, f"find.messages.{min_words}", build)


def tail_table(index: GraphIndex, lex: Lexicon) -> dict[str, list[str]]:
    """Symbols by the tails of their snake_case names: `_print_SeqFormula` under
    `SeqFormula`, `_eval_is_zero` under `is_zero` and `zero`, so that a mention of a class
    or an attribute finds the hooks a dispatcher calls for it. Tails of three letters or
    fewer are too common to keep."""

    def build() -> dict[str, list[str]]:
        table: dict[str, list[str]] = {}
        for name, ids in lex.by_name.items():
            parts = name.lstrip("_").split("_")
            for i in range(1, len(parts)):
                tail = "_".join(parts[i:])
                if len(tail) > 3 and tail != name:
                    table.setdefault(tail, []).extend(ids)
        return table

    return cached(index, "find.tails", build)
