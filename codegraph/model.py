"""Immutable records shared by every layer of the code graph.

Graph schema (`networkx.MultiDiGraph`, built by `codegraph.graph`):

* node id = `Symbol.id`; node attribute `symbol` holds the `Symbol`.
* edge key = `EdgeKind` value; edge attribute `lines` is a sorted tuple of the 1-based lines
  in the source's file where the relationship is written (empty for `contains`).
* `contains`: module → class/function/variable, class → method. `imports`: module → module
  (or → the imported symbol for `from m import f`). `calls`: function/method/module → the
  callee's definition (a constructor call targets the class's `__init__` when it has one,
  else the class). `inherits`: class → base class. `references`: a use of a class, function
  or variable as a value or in a type annotation. `tests`: test function → non-test symbol
  it exercises.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class SymbolKind(enum.StrEnum):
    FILE = "file"
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    METHOD = "method"
    VARIABLE = "variable"


class EdgeKind(enum.StrEnum):
    CONTAINS = "contains"
    IMPORTS = "imports"
    CALLS = "calls"
    INHERITS = "inherits"
    REFERENCES = "references"
    TESTS = "tests"


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    PROTECTED = "protected"
    PRIVATE = "private"


@dataclass(frozen=True, slots=True)
class Symbol:
    """A definition in the repository: a module, class, function, method or variable."""

    id: str  # "pkg/mod.py::Class.method"; a module's id is its path: "pkg/mod.py"
    name: str  # "method"; for a module its dotted name: "pkg.mod"
    kind: SymbolKind
    path: str  # relative to the repository root, POSIX separators
    span: tuple[int, int]  # 1-based first and last line
    language: str  # registry key: "python", "javascript", "typescript", "go", "rust", "java"
    signature: str = ""  # the definition's header as written, e.g. "def f(a, b=1) -> int:"
    doc: str = ""  # first line of the docstring / doc comment
    decorators: tuple[str, ...] = ()
    visibility: Visibility = Visibility.PUBLIC

    @property
    def qualname(self) -> str:
        """`Class.method` for members, the dotted module name for a module."""
        return self.id.partition("::")[2] or self.name


@dataclass(frozen=True, slots=True)
class Import:
    """One imported name as written in a file, before resolution."""

    scope: str  # id of the symbol whose body holds the import (usually the module)
    module: str  # as written: "os.path", ".models", "..utils", "./util" (JS), "fmt" (Go)
    name: str | None  # the imported name for `from m import n`; None for `import m`; "*"
    alias: str | None  # the local name when renamed (`as z`)
    line: int


@dataclass(frozen=True, slots=True)
class Reference:
    """A use of a name in a file, before resolution: a call, a base class or a value use."""

    kind: EdgeKind  # CALLS, INHERITS or REFERENCES
    scope: str  # id of the innermost enclosing symbol (function, method, class or module)
    name: str  # dotted expression as written: "f", "self.m", "mod.attr.f", "super().save"
    line: int


@dataclass(frozen=True, slots=True)
class FileFacts:
    """Everything one file says on its own. Depends only on the file's bytes, so it is
    cached by content hash and recomputed only when the file changes."""

    path: str
    language: str
    module: str  # the file's dotted module name ("pkg.mod"; "pkg" for pkg/__init__.py)
    symbols: tuple[Symbol, ...]  # the module symbol first, then definitions in source order
    imports: tuple[Import, ...] = ()
    references: tuple[Reference, ...] = ()
    # `name = Call(...)` style bindings used to type locals and attributes:
    # (scope id, bound name as written e.g. "x" or "self.client", value expression "pkg.Client")
    bindings: tuple[tuple[str, str, str], ...] = ()
    exports: tuple[str, ...] | None = None  # `__all__` when literal, else None


@dataclass(frozen=True, slots=True)
class Edge:
    """A resolved relationship between two symbols."""

    source: str
    target: str
    kind: EdgeKind
    line: int  # where it is written in the source's file; 0 for `contains`


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A reference that did not resolve to exactly one definition.

    `candidates` is empty when nothing matched and holds every same-named definition when
    several did; same-named symbols are never merged.
    """

    source: str
    name: str
    kind: EdgeKind
    line: int
    candidates: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file the index did not parse, and why (shown to the user)."""

    path: str
    reason: str  # "vendored", "minified", "generated", "binary", "too large", "parse error: ..."
