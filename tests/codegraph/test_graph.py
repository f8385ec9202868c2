from __future__ import annotations

import networkx as nx

from codegraph import graph as graphs
from codegraph.model import Edge, EdgeKind, FileFacts, Symbol, SymbolKind


def _symbol(sid: str, kind: SymbolKind, span: tuple[int, int] = (1, 1)) -> Symbol:
    path, _, qualname = sid.partition("::")
    name = qualname.rpartition(".")[2] if qualname else path.removesuffix(".py")
    return Symbol(sid, name, kind, path, span, "python")


def _facts(path: str, *ids: tuple[str, SymbolKind]) -> FileFacts:
    symbols = (_symbol(path, SymbolKind.MODULE), *(_symbol(s, k) for s, k in ids))
    return FileFacts(path, "python", path.removesuffix(".py"), symbols)


A = _facts(
    "a.py",
    ("a.py::C", SymbolKind.CLASS),
    ("a.py::C.m", SymbolKind.METHOD),
    ("a.py::C.m.inner", SymbolKind.FUNCTION),
    ("a.py::f", SymbolKind.FUNCTION),
    ("a.py::X", SymbolKind.VARIABLE),
)
B = _facts("b.py", ("b.py::g", SymbolKind.FUNCTION))


def test_contains_edges_follow_nesting() -> None:
    assert graphs.contains_edges(A) == [
        Edge("a.py", "a.py::C", EdgeKind.CONTAINS, 0),
        Edge("a.py::C", "a.py::C.m", EdgeKind.CONTAINS, 0),
        Edge("a.py::C.m", "a.py::C.m.inner", EdgeKind.CONTAINS, 0),
        Edge("a.py", "a.py::f", EdgeKind.CONTAINS, 0),
        Edge("a.py", "a.py::X", EdgeKind.CONTAINS, 0),
    ]


def test_contains_rows_are_the_aggregated_contains_edges() -> None:
    # A definition written twice (same id) gives one row, at its first place.
    twice = _facts(
        "e.py",
        ("e.py::f", SymbolKind.FUNCTION),
        ("e.py::C", SymbolKind.CLASS),
        ("e.py::f", SymbolKind.FUNCTION),
    )
    for facts in (A, B, twice, FileFacts("d.py", "python", "d", ())):
        assert graphs.contains_rows(facts) == graphs.aggregate(graphs.contains_edges(facts))
    assert graphs.contains_rows(twice) == [
        ("e.py", "e.py::f", "contains", ()),
        ("e.py", "e.py::C", "contains", ()),
    ]


def test_a_member_whose_class_is_not_defined_hangs_off_the_module() -> None:
    orphan = _facts("c.py", ("c.py::Missing.method", SymbolKind.METHOD))
    assert graphs.contains_edges(orphan) == [
        Edge("c.py", "c.py::Missing.method", EdgeKind.CONTAINS, 0)
    ]
    assert graphs.contains_edges(FileFacts("d.py", "python", "d", ())) == []


def test_edges_of_one_kind_merge_their_lines_and_dangling_edges_are_dropped() -> None:
    graph = graphs.build_graph({"a.py": A, "b.py": B})
    dropped = graphs.add_edges(
        graph,
        [
            Edge("a.py::f", "b.py::g", EdgeKind.CALLS, 7),
            Edge("a.py::f", "b.py::g", EdgeKind.CALLS, 3),
            Edge("a.py::f", "b.py::g", EdgeKind.REFERENCES, 9),
            Edge("a.py::f", "nowhere.py::h", EdgeKind.CALLS, 4),
        ],
    )
    graphs.add_edges(graph, [Edge("a.py::f", "b.py::g", EdgeKind.CALLS, 5)])
    assert dropped == 1
    assert graph["a.py::f"]["b.py::g"]["calls"] == {"lines": (3, 5, 7)}
    assert graph["a.py::f"]["b.py::g"]["references"] == {"lines": (9,)}
    assert "nowhere.py::h" not in graph
    assert graph.nodes["b.py::g"]["symbol"] == B.symbols[1]


def test_fast_construction_equals_the_public_networkx_api() -> None:
    edges = [
        Edge("a.py::f", "b.py::g", EdgeKind.CALLS, 3),
        Edge("a.py::C.m", "a.py::f", EdgeKind.CALLS, 2),
        Edge("b.py::g", "a.py::C", EdgeKind.REFERENCES, 1),
        Edge("a.py::f", "a.py::f", EdgeKind.CALLS, 8),
    ]
    fast = graphs.build_graph({"a.py": A, "b.py": B}, [edges])

    slow = nx.MultiDiGraph()
    for facts in (A, B):
        for symbol in facts.symbols:
            slow.add_node(symbol.id, symbol=symbol)
    for edge in [*graphs.contains_edges(A), *graphs.contains_edges(B), *edges]:
        lines = (edge.line,) if edge.line else ()
        slow.add_edge(edge.source, edge.target, key=edge.kind.value, lines=lines)

    assert nx.utils.graphs_equal(fast, slow)
    assert graphs.edge_tuples(fast) == graphs.edge_tuples(slow)
    assert sorted(fast.predecessors("a.py::f")) == ["a.py", "a.py::C.m", "a.py::f"]
    assert sorted(fast.in_edges("b.py::g", keys=True)) == [
        ("a.py::f", "b.py::g", "calls"),
        ("b.py", "b.py::g", "contains"),
    ]

    rebuilt = graphs.new_graph([*A.symbols, *B.symbols])
    graphs.add_edge_rows(rebuilt, graphs.edge_tuples(fast))
    assert nx.utils.graphs_equal(rebuilt, fast)


def test_replacing_a_node_keeps_its_edges() -> None:
    graph = graphs.build_graph(
        {"a.py": A, "b.py": B}, [[Edge("a.py::f", "b.py::g", EdgeKind.CALLS, 3)]]
    )
    moved = _symbol("b.py::g", SymbolKind.FUNCTION, span=(10, 12))
    graphs.add_nodes(graph, [moved])
    assert graph.nodes["b.py::g"]["symbol"].span == (10, 12)
    assert graph.has_edge("a.py::f", "b.py::g", "calls")


def test_removing_outgoing_edges_keeps_the_kinds_asked_for() -> None:
    graph = graphs.build_graph(
        {"a.py": A, "b.py": B},
        [
            [
                Edge("a.py::C", "b.py::g", EdgeKind.REFERENCES, 2),
                Edge("a.py::C.m", "b.py::g", EdgeKind.CALLS, 3),
                Edge("a.py::C.m", "b.py::g", EdgeKind.TESTS, 3),
            ]
        ],
    )
    graphs.remove_outgoing(graph, ["a.py::C", "a.py::C.m"], frozenset({"contains", "tests"}))
    assert sorted(
        (s, t, k) for s, t, k, _ in graphs.edge_tuples(graph) if s.startswith("a.py::C")
    ) == [
        ("a.py::C", "a.py::C.m", "contains"),
        ("a.py::C.m", "a.py::C.m.inner", "contains"),
        ("a.py::C.m", "b.py::g", "tests"),
    ]
    graphs.remove_kind(graph, EdgeKind.TESTS, ["a.py::C.m", "not-a-node"])
    assert not graph.has_edge("a.py::C.m", "b.py::g")


def test_count_by_kind_names_every_kind() -> None:
    graph = graphs.build_graph(
        {"a.py": A, "b.py": B}, [[Edge("a.py::f", "b.py::g", EdgeKind.CALLS, 3)]]
    )
    assert graphs.count_by_kind(graph) == {
        "contains": 6,
        "imports": 0,
        "calls": 1,
        "inherits": 0,
        "references": 0,
        "tests": 0,
    }
    assert graphs.edges_of_kind(graph, EdgeKind.CALLS) == [
        Edge("a.py::f", "b.py::g", EdgeKind.CALLS, 3)
    ]


def test_known_rows_merge_like_checked_rows() -> None:
    rows: list[graphs.EdgeTuple] = [
        ("a.py::f", "b.py::g", "calls", (7,)),
        ("a.py::C.m", "a.py::f", "references", (2,)),
        ("a.py", "a.py::C", "contains", ()),
    ]
    later: list[graphs.EdgeTuple] = [("a.py::f", "b.py::g", "calls", (3, 9))]
    checked = graphs.build_graph({"a.py": A, "b.py": B})
    graphs.add_rows(checked, rows)
    graphs.add_rows(checked, later)
    known = graphs.build_graph({"a.py": A, "b.py": B})
    graphs.add_known_rows(known, rows)
    graphs.add_known_rows(known, later)
    assert known["a.py::f"]["b.py::g"]["calls"] == {"lines": (3, 7, 9)}
    assert graphs.edge_tuples(known) == graphs.edge_tuples(checked)
    assert list(known.predecessors("a.py::C")) == list(checked.predecessors("a.py::C"))
