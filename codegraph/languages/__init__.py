"""Language registry: one module per language, loaded on first use.

Modules are named by string so that a command touching only Python files never pays for
loading the other grammars.
"""

from __future__ import annotations

import importlib
import posixpath
from functools import cache

from codegraph.languages.base import Language

# language name -> (module path, attribute holding the Language instance)
LANGUAGES: dict[str, str] = {
    "go": "codegraph.languages.go",
    "java": "codegraph.languages.java",
    "javascript": "codegraph.languages.javascript",
    "python": "codegraph.languages.python",
    "rust": "codegraph.languages.rust",
    "typescript": "codegraph.languages.typescript",
}

EXTENSIONS: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
}


@cache
def get_language(name: str) -> Language:
    """The registered language called `name`; each module exposes it as `LANGUAGE`."""
    module = importlib.import_module(LANGUAGES[name])
    language: Language = module.LANGUAGE
    return language


def language_name_for(path: str) -> str | None:
    """The registry key for a file path, or None when no language handles it."""
    # `splitext` agrees with `PurePosixPath.suffix` on file names, at a tenth of the cost.
    return EXTENSIONS.get(posixpath.splitext(path)[1].lower())


def language_for(path: str) -> Language | None:
    name = language_name_for(path)
    return get_language(name) if name else None


__all__ = [
    "EXTENSIONS",
    "LANGUAGES",
    "Language",
    "get_language",
    "language_for",
    "language_name_for",
]
