"""What a path says about a file: test, script, vendored, generated, which package."""

from __future__ import annotations

import re
from functools import lru_cache

import pathspec

_VENDORED = re.compile(
    r"(^|/)(vendor|vendored|_vendor|third_party|thirdparty|externals?|node_modules|site-packages"
    r"|\.venv|venv|\.tox|build|dist|\.eggs|__pycache__|resources"
    r"|templates|samples)/"
)
# data a test suite feeds the code under test, often deliberately badly styled
_TEST_DATA = re.compile(
    r"(^|/)(fixtures|testdata|test_data)/|(^|/)tests?/(.+/)?(data|cases|snapshots|inputs|expected)/"
)
_GENERATED = re.compile(r"(_pb2(_grpc)?\.py|\.min\.js|\.pyi|_version\.py|version\.py)$")
_DOCS = re.compile(r"(^|/)docs?/")
_MIGRATION = re.compile(r"(^|/)migrations/")
_TEST_DIRS = frozenset({"tests", "test", "testing"})
_CLI_STEMS = frozenset({"cli", "__main__", "main", "manage", "setup", "conftest", "noxfile"})
_SCRIPT_DIRS = frozenset({"scripts", "script", "bin", "tools", "examples", "docs", "benchmarks"})

PYTHON_SUFFIXES = (".py",)
JS_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")


def language_of(path: str) -> str | None:
    """ "python" or "javascript"/"typescript" by suffix; None for files we do not read."""
    if path.endswith(PYTHON_SUFFIXES):
        return "python"
    if path.endswith((".ts", ".tsx", ".mts", ".cts")):
        return "typescript"
    if path.endswith(JS_SUFFIXES):
        return "javascript"
    return None


def is_test_path(path: str) -> bool:
    """Test modules: `test_*.py`, `*_test.py`, `*.test.js`, or anything under `tests/`."""
    parts = path.split("/")
    name = parts[-1]
    if name.startswith("test_") or name.endswith(("_test.py", "_tests.py")) or name == "tests.py":
        return True
    if re.search(r"\.(test|spec)\.[jt]sx?$", name):
        return True
    return name != "conftest.py" and any(p in _TEST_DIRS for p in parts[:-1])


def is_cli_module(path: str) -> bool:
    """Scripts and command-line entry points, where `print` is the right output."""
    parts = path.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    if stem in _CLI_STEMS or stem.startswith("cli_") or stem.endswith("_cli"):
        return True
    return any(p in _SCRIPT_DIRS or p in {"commands", "cli", "management"} for p in parts[:-1])


def is_skipped(path: str) -> str | None:
    """Why a file says nothing about the authors' style, or None when it does.

    "vendored", "test data" (inputs a test suite feeds the code, often deliberately
    off-style), "generated" or "documentation". Such files neither vote nor get checked.
    """
    if _VENDORED.search(path):
        return "vendored"
    if _TEST_DATA.search(path):
        return "test data"
    if _GENERATED.search(path):
        return "generated"
    if _DOCS.search(path):
        return "documentation"
    return None


def is_excluded(path: str, patterns: tuple[str, ...]) -> bool:
    """Whether the project's own tools exclude `path` (gitignore-style `patterns`)."""
    return bool(patterns) and bool(_spec(patterns).match_file(path))


@lru_cache(maxsize=64)
def _spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(patterns)


def is_migration(path: str) -> bool:
    """Framework-generated migrations: skipped for naming and docstrings."""
    return bool(_MIGRATION.search(path))


def own_package(path: str) -> str | None:
    """The top-level package a file belongs to (`pkg` for `pkg/a.py` and `src/pkg/a.py`)."""
    parts = path.split("/")
    if parts[0] in {"src", "lib"} and len(parts) > 2:
        return parts[1]
    if len(parts) > 1 and parts[0].isidentifier() and parts[0] not in _TEST_DIRS:
        return parts[0]
    return None
