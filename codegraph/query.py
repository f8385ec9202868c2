"""Point queries on the graph: name a symbol, show it, walk its callers and callees.

A symbol can be named by its id (`pkg/mod.py::C.m`), its dotted name (`pkg.mod.C.m`), its
qualified name (`C.m`) or its bare name (`m`) when that is unique; an ambiguous name fails
with the candidates listed, never by picking one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import networkx as nx

from codegraph.errors import QueryError
from codegraph.model import EdgeKind, FileFacts, Symbol, SymbolKind, Unresolved

MAX_NAME_CHARS = 1_000
MAX_DEPTH = 50
_SHOWN_CANDIDATES = 10


class GraphIndex(Protocol):
    """What the queries need from `codegraph.index.Index`."""

    @property
    def root(self) -> Path: ...
    @property
    def graph(self) -> nx.MultiDiGraph: ...
    @property
    def symbols(self) -> Mapping[str, Symbol]: ...
    @property
    def facts(self) -> Mapping[str, FileFacts]: ...
    @property
    def unresolved(self) -> Sequence[Unresolved]: ...


T = TypeVar("T")
_CACHE: dict[int, tuple[tuple[Any, ...], dict[str, Any]]] = {}
_CACHE_INDEXES = 4


def _fingerprint(index: GraphIndex) -> tuple[Any, ...]:
    graph = index.graph
    version = getattr(index, "version", None)
    # `Index` bumps `version` on every change; counting a multigraph's edges walks every
    # node (0.15 s on Django), so only an index without a version pays for it.
    edges = graph.number_of_edges() if version is None else None
    symbols = index.symbols
    return (id(graph), id(symbols), len(symbols), graph.number_of_nodes(), edges, version)


def cached(index: GraphIndex, name: str, build: Callable[[], T]) -> T:
    """`build()` once per index state: derived tables (name maps, BM25, PageRank) are
    reused by every query in a process and rebuilt when the index changes."""
    key = id(index)
    stamp = _fingerprint(index)
    entry = _CACHE.get(key)
    if entry is None or entry[0] != stamp:
        if len(_CACHE) >= _CACHE_INDEXES:
            _CACHE.pop(next(iter(_CACHE)))
        entry = (stamp, {})
        _CACHE[key] = entry
    store = entry[1]
    if name not in store:
        store[name] = build()
    value: T = store[name]
    return value


@dataclass(frozen=True, slots=True)
class EdgeRef:
    """One edge seen from a symbol: its kind, the symbol at the other end, where written."""

    kind: EdgeKind
    other: str
    lines: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SymbolView:
    """A symbol with every edge into and out of it, sorted by kind then id."""

    symbol: Symbol
    outgoing: tuple[EdgeRef, ...]
    incoming: tuple[EdgeRef, ...]


@dataclass(frozen=True, slots=True)
class CallRow:
    """One caller or callee: `depth` hops away, through the call written on `lines`.

    `possible` marks an ambiguous call whose candidates include the symbol: it may or may
    not be a real call, the resolver could not tell.
    """

    symbol: Symbol
    depth: int
    lines: tuple[int, ...]
    possible: bool = False


def _module_name(index: GraphIndex, symbol: Symbol) -> str:
    # The module symbol carries the dotted name; `facts` may be lazily loaded, avoid it.
    module = index.symbols.get(symbol.path)
    if module is not None:
        return module.name
    return symbol.path.rsplit(".", 1)[0].replace("/", ".")


def _name_tables(index: GraphIndex) -> dict[str, dict[str, list[str]]]:
    dotted: dict[str, list[str]] = {}
    qualified: dict[str, list[str]] = {}
    bare: dict[str, list[str]] = {}
    for sid in sorted(index.symbols):
        symbol = index.symbols[sid]
        if symbol.kind in (SymbolKind.MODULE, SymbolKind.FILE):
            dotted.setdefault(symbol.name, []).append(sid)
            continue
        qualname = symbol.qualname
        dotted.setdefault(f"{_module_name(index, symbol)}.{qualname}", []).append(sid)
        qualified.setdefault(qualname, []).append(sid)
        bare.setdefault(symbol.name, []).append(sid)
    return {"dotted": dotted, "qualified": qualified, "bare": bare}


def name_tables(index: GraphIndex) -> dict[str, dict[str, list[str]]]:
    """Dotted, qualified and bare names → symbol ids (sorted), cached per index."""
    return cached(index, "query.names", lambda: _name_tables(index))


def resolve(index: GraphIndex, name: str) -> Symbol:
    """The one symbol `name` designates; `QueryError` when none or several do."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise QueryError("a symbol name must be 1 to 1000 characters")
    if name in index.symbols:
        return index.symbols[name]
    if "::" in name:
        raise QueryError(f"no symbol with id {name!r}")
    tables = name_tables(index)
    for table in ("dotted", "qualified", "bare"):
        ids = tables[table].get(name, [])
        if len(ids) == 1:
            return index.symbols[ids[0]]
        if len(ids) > 1:
            shown = ", ".join(ids[:_SHOWN_CANDIDATES])
            more = f" and {len(ids) - _SHOWN_CANDIDATES} more" if len(ids) > 10 else ""
            raise QueryError(f"{name!r} is ambiguous: {shown}{more}; give the full id")
    raise QueryError(f"no symbol named {name!r}")


def _edges(pairs: Iterable[tuple[str, str, str, dict[str, Any]]], outgoing: bool) -> list[EdgeRef]:
    refs = [
        EdgeRef(EdgeKind(key), target if outgoing else source, tuple(data.get("lines", ())))
        for source, target, key, data in pairs
    ]
    return sorted(refs, key=lambda ref: (ref.kind.value, ref.other))


def show(index: GraphIndex, name: str) -> SymbolView:
    """The symbol `name` designates, with its edges in and out."""
    symbol = resolve(index, name)
    graph = index.graph
    return SymbolView(
        symbol=symbol,
        outgoing=tuple(_edges(graph.out_edges(symbol.id, keys=True, data=True), True)),
        incoming=tuple(_edges(graph.in_edges(symbol.id, keys=True, data=True), False)),
    )


def _possible_callers(index: GraphIndex) -> dict[str, list[Unresolved]]:
    table: dict[str, list[Unresolved]] = {}
    for ref in index.unresolved:
        if ref.kind is EdgeKind.CALLS and ref.ambiguous:
            for candidate in ref.candidates:
                table.setdefault(candidate, []).append(ref)
    return table


def _possible_callees(index: GraphIndex) -> dict[str, list[Unresolved]]:
    table: dict[str, list[Unresolved]] = {}
    for ref in index.unresolved:
        if ref.kind is EdgeKind.CALLS and ref.ambiguous:
            table.setdefault(ref.source, []).append(ref)
    return table


def _walk(index: GraphIndex, start: Symbol, depth: int, forward: bool) -> list[CallRow]:
    if not 1 <= depth <= MAX_DEPTH:
        raise QueryError(f"depth must be between 1 and {MAX_DEPTH}")
    graph = index.graph
    seen = {start.id}
    rows: list[CallRow] = []
    frontier = [start.id]
    for level in range(1, depth + 1):
        found: dict[str, set[int]] = {}
        for node in frontier:
            edges = (
                graph.out_edges(node, keys=True, data=True)
                if forward
                else graph.in_edges(node, keys=True, data=True)
            )
            for source, target, key, data in edges:
                if key != EdgeKind.CALLS.value:
                    continue
                other = target if forward else source
                if other in seen or other not in index.symbols:
                    continue
                found.setdefault(other, set()).update(data.get("lines", ()))
        seen.update(found)
        rows.extend(
            CallRow(index.symbols[sid], level, tuple(sorted(lines)))
            for sid, lines in sorted(found.items())
        )
        frontier = sorted(found)
        if not frontier:
            break
    possible: dict[str, set[int]] = {}
    if forward:
        for ref in cached(index, "query.possible_callees", lambda: _possible_callees(index)).get(
            start.id, []
        ):
            for candidate in ref.candidates:
                if candidate not in seen and candidate in index.symbols:
                    possible.setdefault(candidate, set()).add(ref.line)
    else:
        table = cached(index, "query.possible_callers", lambda: _possible_callers(index))
        for ref in table.get(start.id, []):
            if ref.source not in seen and ref.source in index.symbols:
                possible.setdefault(ref.source, set()).add(ref.line)
    rows.extend(
        CallRow(index.symbols[sid], 1, tuple(sorted(lines)), possible=True)
        for sid, lines in sorted(possible.items())
    )
    return rows


def callers(index: GraphIndex, name: str, depth: int = 1) -> list[CallRow]:
    """Who calls `name`, up to `depth` hops back (each symbol once, at its nearest depth),
    then the callers of ambiguous calls that may mean it (`possible=True`)."""
    return _walk(index, resolve(index, name), depth, forward=False)


def callees(index: GraphIndex, name: str, depth: int = 1) -> list[CallRow]:
    """What `name` calls, up to `depth` hops on (each symbol once, at its nearest depth),
    then the candidates of its ambiguous calls (`possible=True`)."""
    return _walk(index, resolve(index, name), depth, forward=True)
