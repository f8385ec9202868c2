"""The symbol graph as a `networkx.MultiDiGraph`, in the schema `codegraph.model` documents.

One edge per (source, target, kind): the key is the `EdgeKind` value and the `lines`
attribute collects every line where the relationship is written, so a function calling
`f` three times has one `calls` edge with three lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence

import networkx as nx

from codegraph.model import Edge, EdgeKind, FileFacts, Symbol

# (source, target, kind, lines), sorted: a graph's whole content, comparable across builds.
EdgeTuple = tuple[str, str, str, tuple[int, ...]]

_CONTAINS = EdgeKind.CONTAINS.value


def contains_edges(facts: FileFacts) -> list[Edge]:
    """Module → top-level definitions, class → members, function → nested definitions.

    The parent of `path::A.b.c` is the longest prefix (`path::A.b`, then `path::A`) that
    the file defines, else the file's module symbol.
    """
    return [Edge(parent, child, EdgeKind.CONTAINS, 0) for parent, child in _containment(facts)]


def contains_rows(facts: FileFacts) -> list[EdgeTuple]:
    """`contains_edges` as graph rows (`aggregate` of them), without the records."""
    return list(
        dict.fromkeys((parent, child, _CONTAINS, ()) for parent, child in _containment(facts))
    )


def _containment(facts: FileFacts) -> list[tuple[str, str]]:
    if not facts.symbols:
        return []
    module = facts.symbols[0].id
    defined = {s.id for s in facts.symbols}
    pairs = []
    for symbol in facts.symbols[1:]:
        symbol_id = symbol.id
        parent = module
        head, sep, qualname = symbol_id.partition("::")
        while sep and "." in qualname:
            qualname = qualname.rpartition(".")[0]
            candidate = f"{head}::{qualname}"
            if candidate in defined:
                parent = candidate
                break
        if parent != symbol_id:
            pairs.append((parent, symbol_id))
    return pairs


# Bulk operations below write networkx's adjacency dicts directly, exactly as
# `MultiDiGraph.add_node` / `add_edge` would, then clear its cache once: on Django's
# ~150k edges this is about three times faster than the per-edge public API, and it is
# what makes a warm start fit in a second. `tests/codegraph/test_graph.py` checks the
# result equals a graph built through the public API.


def new_graph(symbols: Iterable[Symbol]) -> nx.MultiDiGraph:
    """A graph with one node per symbol (attribute `symbol`) and no edges."""
    graph = nx.MultiDiGraph()
    add_nodes(graph, symbols)
    return graph


def add_nodes(graph: nx.MultiDiGraph, symbols: Iterable[Symbol]) -> None:
    """Add symbols as nodes, or replace the `symbol` of nodes that exist."""
    nodes, succ, pred = graph._node, graph._succ, graph._pred
    for symbol in symbols:
        data = nodes.get(symbol.id)
        if data is None:
            nodes[symbol.id] = {"symbol": symbol}
            succ[symbol.id] = {}
            pred[symbol.id] = {}
        else:
            data["symbol"] = symbol
    nx._clear_cache(graph)


def aggregate(edges: Iterable[Edge]) -> list[EdgeTuple]:
    """Edges as graph rows: one per (source, target, kind), lines merged and sorted."""
    grouped: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for edge in edges:
        # `_value_`, a plain attribute, not the `value` property: this runs per edge.
        lines = grouped[edge.source, edge.target, edge.kind._value_]
        if edge.line:
            lines.add(edge.line)
    return [(s, t, k, tuple(sorted(lines))) for (s, t, k), lines in grouped.items()]


def add_edges(graph: nx.MultiDiGraph, edges: Iterable[Edge]) -> int:
    """Add edges whose two ends are nodes; lines merge into an existing edge of the same
    kind. Returns how many edges were dropped because an end is not in the graph."""
    return add_rows(graph, aggregate(edges))


def add_rows(graph: nx.MultiDiGraph, rows: Iterable[EdgeTuple]) -> int:
    """Add aggregated rows whose two ends are nodes, merging lines into an existing edge
    of the same kind. Returns how many rows were dropped for a missing end."""
    nodes = graph._node
    dropped = 0

    def known() -> Iterator[EdgeTuple]:
        nonlocal dropped
        for source, target, kind, lines in rows:
            source_node, target_node = nodes.get(source), nodes.get(target)
            if source_node is None or target_node is None:
                dropped += 1
                continue
            # Key the adjacency with the node's own id string, not the row's equal copy:
            # one string per symbol instead of one per edge end (tens of MB on Django).
            yield source_node["symbol"].id, target_node["symbol"].id, kind, lines

    add_known_rows(graph, known())
    return dropped


def add_known_rows(graph: nx.MultiDiGraph, rows: Iterable[EdgeTuple]) -> None:
    """`add_rows` for rows whose two ends are nodes, given as the id strings the graph
    keys them by (as `codegraph.parallel.resolve_all` hands them over): no lookups."""
    succ, pred = graph._succ, graph._pred
    for source, target, kind, lines in rows:
        keydict = succ[source].get(target)
        if keydict is None:
            keydict = succ[source][target] = pred[target][source] = {}
        existing = keydict.get(kind)
        if existing is not None and existing["lines"] != lines:
            lines = tuple(sorted(set(lines).union(existing["lines"])))
        keydict[kind] = {"lines": lines}
    nx._clear_cache(graph)


def add_edge_rows(graph: nx.MultiDiGraph, rows: Iterable[EdgeTuple]) -> None:
    """Add stored rows: their ends are known nodes and no row repeats, so no checks."""
    succ, pred = graph._succ, graph._pred
    for source, target, kind, lines in rows:
        keydict = succ[source].get(target)
        if keydict is None:
            keydict = succ[source][target] = pred[target][source] = {}
        keydict[kind] = {"lines": lines}
    nx._clear_cache(graph)


def remove_outgoing(
    graph: nx.MultiDiGraph, sources: Iterable[str], keep: frozenset[str] = frozenset()
) -> None:
    """Drop every edge leaving `sources` except those whose kind is in `keep`."""
    doomed = [
        (source, target, kind)
        for source in sources
        if source in graph
        for target, by_kind in graph._succ[source].items()
        for kind in by_kind
        if kind not in keep
    ]
    graph.remove_edges_from(doomed)


def remove_kind(graph: nx.MultiDiGraph, kind: EdgeKind, sources: Iterable[str]) -> None:
    """Drop the edges of one kind leaving `sources`."""
    key = kind.value
    doomed = [
        (source, target, key)
        for source in sources
        if source in graph
        for target, by_kind in graph._succ[source].items()
        if key in by_kind
    ]
    graph.remove_edges_from(doomed)


def edge_tuples(graph: nx.MultiDiGraph) -> list[EdgeTuple]:
    """Every edge as a sorted list of plain tuples: equal lists mean equal graphs."""
    return sorted(
        (source, target, kind, data["lines"])
        for source, target, kind, data in graph.edges(keys=True, data=True)
    )


def edges_of_kind(graph: nx.MultiDiGraph, kind: EdgeKind) -> list[Edge]:
    """One `Edge` per (source, target) of `kind`, at its first line (0 when it has none)."""
    key = kind.value
    return [
        Edge(source, target, kind, data["lines"][0] if data["lines"] else 0)
        for source, target, k, data in graph.edges(keys=True, data=True)
        if k == key
    ]


def count_by_kind(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Edges per `EdgeKind` value (every kind present, zero when absent)."""
    counts = dict.fromkeys((k.value for k in EdgeKind), 0)
    for neighbours in graph._succ.values():
        for keydict in neighbours.values():
            for kind in keydict:
                counts[kind] = counts.get(kind, 0) + 1
    return counts


def build_graph(
    facts: Mapping[str, FileFacts],
    edges: Sequence[Iterable[Edge]] = (),
    *,
    into: nx.MultiDiGraph | None = None,
) -> nx.MultiDiGraph:
    """A graph of every symbol in `facts`, their `contains` edges and the given edges
    (added to `into` when given, else to a new graph)."""
    graph = nx.MultiDiGraph() if into is None else into
    add_nodes(graph, (s for f in facts.values() for s in f.symbols))
    for file_facts in facts.values():
        add_rows(graph, contains_rows(file_facts))
    for group in edges:
        add_edges(graph, group)
    return graph
