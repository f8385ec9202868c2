"""The contract every language module satisfies."""

from __future__ import annotations

from typing import Protocol

from codegraph.model import FileFacts


class Language(Protocol):
    """Turns one file's bytes into `FileFacts`. Pure: no I/O, no knowledge of other files."""

    name: str  # registry key, also `Symbol.language`
    extensions: tuple[str, ...]  # lower-case, with the dot: (".py", ".pyi")

    def extract(self, path: str, source: bytes) -> FileFacts:
        """Definitions, imports and references of the file at `path` (repo-relative, POSIX).

        Raises `codegraph.errors.ParseError` when the file cannot be parsed at all; a file
        with local syntax errors still yields the definitions tree-sitter recovered.
        """
        ...
