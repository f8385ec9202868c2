"""Shared machinery of the query-driven extractors (JavaScript, TypeScript, Go, Rust, Java).

Each of those modules runs one tree-sitter query over a file (`captures()`, in C) and hands
what it captured to a `FactsBuilder`: definition candidates, references, imports and
bindings, each at a byte offset. The builder nests the candidates by byte range — a function
or class in a function body becomes `outer.inner` as in Python, other definitions there are
part of the body; a method needs a class or an explicit owner such as a Go receiver — and
then gives every reference the innermost enclosing symbol as its scope in one sweep.
Nothing here recurses, so deeply nested files cannot hit the recursion limit.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tree_sitter import Node, Parser, Tree

from codegraph.errors import ParseError
from codegraph.languages import _ts
from codegraph.model import EdgeKind, FileFacts, Import, Reference, Symbol, SymbolKind, Visibility

MAX_SIGNATURE = 200
# Longer names are generated or minified code, not something anyone looks up.
MAX_NAME = 200
_BAD_NAME = re.compile(r"[\s:]")
_T = TypeVar("_T")
_local = threading.local()

# A nesting level that is not a symbol but prefixes its members' names (Rust `mod m { }`).
NAMESPACE = "namespace"
# What a function body may define as symbols of its own (`outer.inner`), as in Python.
_NESTABLE = frozenset({SymbolKind.FUNCTION.value, SymbolKind.CLASS.value})


def parse(key: str, path: str, source: bytes) -> Tree:
    """Parse `source` with this thread's parser for the grammar `key`."""
    parsers: dict[str, Parser] | None = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {}
    found = parsers.get(key)
    if found is None:
        found = parsers[key] = _ts.parser(key)
    try:
        return found.parse(source)
    except (ValueError, RuntimeError, MemoryError) as exc:
        raise ParseError(f"{path}: tree-sitter could not parse the file ({exc})") from exc


def line_count(source: bytes) -> int:
    return max(1, source.count(b"\n") + (0 if source.endswith(b"\n") else 1))


def collapse(raw: bytes, limit: int = MAX_SIGNATURE) -> str:
    """Whitespace-collapsed text, cut to `limit` characters."""
    text = " ".join(raw.decode("utf-8", errors="replace").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header(source: bytes, start: int, end: int) -> str:
    """A definition's header: its bytes up to the body, collapsed, without a trailing `{`."""
    return collapse(source[start:end]).rstrip("{ ").rstrip()


_DOC_MARKERS = ("/**", "/*!", "/*", "*/", "///", "//!", "//", "*")


def doc_line(comment: str) -> str:
    """The first line of prose in a doc comment (`/** */`, `///`, `//` blocks)."""
    for raw in comment.splitlines():
        line = raw.strip()
        for marker in _DOC_MARKERS:
            if line.startswith(marker):
                line = line[len(marker) :].strip()
                break
        if line.endswith("*/"):
            line = line[:-2].rstrip()
        if line:
            return line
    return ""


def dotted(name: str) -> str:
    """`a::b::f` → `a.b.f`; generic arguments are dropped (`Vec<T>` → `Vec`)."""
    cut = len(name)
    for mark in ("<", "(", "["):
        at = name.find(mark)
        if at != -1:
            cut = min(cut, at)
    return name[:cut].replace("::", ".").replace(" ", "").strip(".")


@dataclass(slots=True)
class Details:
    """What a language says about one definition it keeps."""

    name: str
    signature: str = ""
    doc: str = ""
    decorators: tuple[str, ...] = ()
    visibility: Visibility = Visibility.PUBLIC
    owner: str | None = None  # explicit qualifier: a Go receiver type, a Rust `impl` type
    kind: SymbolKind | None = None  # overrides the candidate's kind when set
    declaration_only: bool = False  # an overload or forward declaration a body may replace
    owner_defined_here: bool = False  # keep only when `owner` is defined earlier in the file


@dataclass(slots=True)
class _Candidate:
    kind: str  # a SymbolKind value or NAMESPACE
    node: Node
    start: int
    end: int
    span: tuple[int, int]


Describe = Callable[[str, Node], Details | None]


class FactsBuilder:
    """Collects one file's matches and turns them into `FileFacts`."""

    def __init__(self, path: str, language: str, module: str, source: bytes) -> None:
        self.path = path
        self.language = language
        self.module = module
        self.source = source
        self._candidates: list[_Candidate] = []
        # (byte, kind, name, line, explicit scope id or "")
        self._refs: list[tuple[int, EdgeKind, str, int, str]] = []
        self._imports: list[tuple[int, str, str | None, str | None, int]] = []
        self._bindings: list[tuple[int, str, str]] = []
        self.qualnames: set[str] = set()
        self.module_doc = ""
        # generic type parameters: a binding to one of these says nothing about the value
        self.type_params: set[str] = set()
        # the language's predefined names (`len`, `Error`, `Some`): uses of them that the
        # file does not shadow are left out, as they never name a repository definition
        self.builtins: frozenset[str] = frozenset()

    def candidate(self, kind: SymbolKind | str, node: Node, span: Node | None = None) -> None:
        """A definition at `node`; `span` gives its lines when wider than `node`."""
        lines = span if span is not None else node
        self._candidates.append(
            _Candidate(
                str(kind),
                node,
                node.start_byte,
                node.end_byte,
                (lines.start_point[0] + 1, lines.end_point[0] + 1),
            )
        )

    def ref(self, kind: EdgeKind, name: str, node: Node, scope: str = "") -> None:
        if name and len(name) <= MAX_NAME:
            self._refs.append((node.start_byte, kind, name, node.start_point[0] + 1, scope))

    def import_(self, node: Node, module: str, name: str | None, alias: str | None) -> None:
        if module and len(module) <= MAX_NAME and len(name or "") <= MAX_NAME:
            self._imports.append((node.start_byte, module, name, alias, node.start_point[0] + 1))

    def binding(self, node: Node, name: str, value: str) -> None:
        if name and value and len(name) <= MAX_NAME and len(value) <= MAX_NAME:
            self._bindings.append((node.start_byte, name, value))

    def build(self, describe: Describe) -> FileFacts:
        symbols, scopes = self._symbols(describe)
        known = {symbol.id for symbol in symbols}
        # An explicit scope (Rust `impl Trait for T`) only counts when T is defined here.
        self._refs = [r for r in self._refs if not r[4] or r[4] in known]
        if self.builtins:
            self._drop_builtins()
        return FileFacts(
            path=self.path,
            language=self.language,
            module=self.module,
            symbols=tuple(symbols),
            imports=tuple(
                Import(scope, module, name, alias, line)
                for scope, (module, name, alias, line) in self._scoped(
                    scopes, [(i[0], i[1:]) for i in self._imports]
                )
            ),
            references=tuple(
                Reference(*key)
                for key in dict.fromkeys(
                    (kind, explicit or scope, name, line)
                    for scope, (kind, name, line, explicit) in self._scoped(
                        scopes, [(r[0], r[1:]) for r in self._refs]
                    )
                )
            ),
            bindings=tuple(
                dict.fromkeys(
                    (scope, name, value)
                    for scope, (name, value) in self._scoped(
                        scopes, [(b[0], b[1:]) for b in self._bindings]
                    )
                    if value not in self.type_params
                )
            ),
        )

    def _drop_builtins(self) -> None:
        shadowed = {qual.partition(".")[0] for qual in self.qualnames}
        shadowed.update(alias or name or "" for _, _, name, alias, _ in self._imports)
        dropped = self.builtins - shadowed
        self._refs = [r for r in self._refs if r[2].partition(".")[0] not in dropped]

    def _symbols(self, describe: Describe) -> tuple[list[Symbol], list[tuple[int, int, str]]]:
        module = Symbol(
            id=self.path,
            name=self.module,
            kind=SymbolKind.MODULE,
            path=self.path,
            span=(1, line_count(self.source)),
            language=self.language,
            doc=self.module_doc,
        )
        symbols: list[Symbol] = [module]
        index: dict[str, int] = {}
        replaceable: set[str] = set()
        scopes: list[tuple[int, int, str]] = []
        # (end byte, kind, qualname) of the open definitions that can own members
        stack: list[tuple[int, str, str]] = []
        self._candidates.sort(key=lambda c: (c.start, -c.end))
        for cand in self._candidates:
            while stack and stack[-1][0] <= cand.start:
                stack.pop()
            parent_kind, parent_qual = (stack[-1][1], stack[-1][2]) if stack else ("", "")
            if parent_kind not in ("", SymbolKind.CLASS, NAMESPACE) and (
                parent_kind == SymbolKind.VARIABLE or cand.kind not in _NESTABLE
            ):
                continue  # part of a function's body or of an initializer
            details = describe(cand.kind, cand.node)
            if details is None or not _valid_name(details.name, cand.kind):
                continue
            if details.owner_defined_here and details.owner not in self.qualnames:
                continue
            owner = parent_qual
            if details.owner is not None:
                nested = parent_kind == NAMESPACE and details.owner
                owner = f"{parent_qual}.{details.owner}" if nested else details.owner
            qual = f"{owner}.{details.name}" if owner else details.name
            if cand.kind == NAMESPACE:
                stack.append((cand.end, NAMESPACE, qual))
                continue
            kind = details.kind or SymbolKind(cand.kind)
            if kind is SymbolKind.METHOD and not owner:
                kind = SymbolKind.FUNCTION
            elif kind is SymbolKind.FUNCTION and parent_kind == SymbolKind.CLASS:
                kind = SymbolKind.METHOD
            symbol_id = f"{self.path}::{qual}"
            symbol = Symbol(
                id=symbol_id,
                name=details.name,
                kind=kind,
                path=self.path,
                span=cand.span,
                language=self.language,
                signature=details.signature,
                doc=details.doc,
                decorators=details.decorators,
                visibility=details.visibility,
            )
            if symbol_id not in index:
                index[symbol_id] = len(symbols)
                symbols.append(symbol)
                if details.declaration_only:
                    replaceable.add(symbol_id)
            elif symbol_id in replaceable and not details.declaration_only:
                symbols[index[symbol_id]] = symbol
                replaceable.discard(symbol_id)
            self.qualnames.add(qual)
            stack.append((cand.end, kind, qual))
            if kind is not SymbolKind.VARIABLE:
                scopes.append((cand.start, cand.end, symbol_id))
        return symbols, scopes

    def _scoped(
        self, scopes: list[tuple[int, int, str]], items: list[tuple[int, _T]]
    ) -> list[tuple[str, _T]]:
        """Pairs each item (at a byte offset) with the innermost scope holding it."""
        items.sort(key=lambda item: item[0])
        out: list[tuple[str, _T]] = []
        open_scopes: list[tuple[int, str]] = []
        next_scope = 0
        for at, payload in items:
            while next_scope < len(scopes) and scopes[next_scope][0] <= at:
                start, end, symbol_id = scopes[next_scope]
                while open_scopes and open_scopes[-1][0] <= start:
                    open_scopes.pop()
                open_scopes.append((end, symbol_id))
                next_scope += 1
            while open_scopes and open_scopes[-1][0] <= at:
                open_scopes.pop()
            out.append((open_scopes[-1][1] if open_scopes else self.path, payload))
        return out


def _valid_name(name: str, kind: str) -> bool:
    """Ids split on `.` and `::`: a computed or quoted member name cannot be part of one."""
    if not name or len(name) > MAX_NAME or _BAD_NAME.search(name):
        return False
    return kind == NAMESPACE or "." not in name


def text(node: Node | None) -> str:
    """A node's source text (invalid UTF-8 replaced); "" for no node."""
    raw = node.text if node is not None else None
    return raw.decode("utf-8", errors="replace") if raw is not None else ""


def prev_comments(node: Node, *, skip: tuple[str, ...] = ()) -> list[Node]:
    """Comment nodes directly above `node` (no blank line between), nearest last.

    Siblings whose type is in `skip` (Rust attributes) are stepped over.
    """
    found: list[Node] = []
    row = node.start_point[0]
    current = node.prev_sibling
    while current is not None:
        if current.type in skip:
            row = current.start_point[0]
        elif "comment" in current.type and current.end_point[0] >= row - 1:
            found.append(current)
            row = current.start_point[0]
        else:
            break
        current = current.prev_sibling
    found.reverse()
    return found
