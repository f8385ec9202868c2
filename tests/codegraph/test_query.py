from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest

from codegraph.errors import QueryError
from codegraph.find import find
from codegraph.index import build_index
from codegraph.model import EdgeKind, FileFacts, Symbol, SymbolKind, Unresolved
from codegraph.query import callees, callers, resolve, show
from tests.codegraph.test_find import SHOP, shop_index
from tests.conftest import MakeRepo

CYCLE = {
    "loop.py": '''def ping(n):
    """Ping calls pong."""
    return pong(n - 1) if n else 0


def pong(n):
    return ping(n - 1) if n else 1


def start():
    return ping(3)
''',
}


def test_resolve_accepts_ids_dotted_qualified_and_bare_names(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    index = shop_index(make_repo, tmp_path)
    want = "shop/cart.py::Cart.total"
    for name in (want, "shop.cart.Cart.total", "Cart.total", "total"):
        assert resolve(index, name).id == want


def test_an_ambiguous_name_lists_its_candidates(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo({"a.py": "def run():\n    pass\n", "b.py": "def run():\n    pass\n"})
    index = build_index(repo, data_dir=tmp_path / "data")
    with pytest.raises(QueryError, match=r"'run' is ambiguous: a\.py::run, b\.py::run"):
        resolve(index, "run")
    with pytest.raises(QueryError, match="no symbol named 'nothing'"):
        resolve(index, "nothing")


def test_show_lists_the_edges_in_and_out(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = shop_index(make_repo, tmp_path)
    view = show(index, "apply_discount")
    assert view.symbol.signature == "def apply_discount(amount)"
    assert view.symbol.doc == "Apply the seasonal discount rate to an amount."
    out = {(r.kind.value, r.other) for r in view.outgoing}
    assert ("calls", "shop/pricing.py::round_price") in out
    incoming = {(r.kind.value, r.other, r.lines) for r in view.incoming}
    assert ("calls", "shop/cart.py::Cart.total", (17,)) in incoming


def test_callers_at_depth_one_and_two(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = shop_index(make_repo, tmp_path)
    one = [(r.symbol.id, r.depth, r.lines) for r in callers(index, "round_price")]
    assert one == [("shop/pricing.py::apply_discount", 1, (7,))]
    two = [(r.symbol.id, r.depth) for r in callers(index, "round_price", depth=2)]
    assert two == [("shop/pricing.py::apply_discount", 1), ("shop/cart.py::Cart.total", 2)]


def test_walks_stop_at_cycles(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = build_index(make_repo(CYCLE), data_dir=tmp_path / "data")
    rows = [(r.symbol.id, r.depth) for r in callers(index, "ping", depth=5)]
    assert rows == [("loop.py::pong", 1), ("loop.py::start", 1)]
    down = [(r.symbol.id, r.depth) for r in callees(index, "start", depth=5)]
    assert down == [("loop.py::ping", 1), ("loop.py::pong", 2)]


def test_depth_is_bounded(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = build_index(make_repo(CYCLE), data_dir=tmp_path / "data")
    with pytest.raises(QueryError, match="depth must be between 1 and 50"):
        callers(index, "ping", depth=0)


@dataclass
class _Index:
    """A hand-built index: the resolver's ambiguity is the input here, not its output."""

    root: Path
    graph: nx.MultiDiGraph
    symbols: dict[str, Symbol]
    facts: dict[str, FileFacts] = field(default_factory=dict)
    unresolved: list[Unresolved] = field(default_factory=list)


def _symbol(sid: str, kind: SymbolKind, span: tuple[int, int]) -> Symbol:
    path, _, qualname = sid.partition("::")
    name = qualname.rsplit(".", 1)[-1] if qualname else path[:-3]
    return Symbol(sid, name, kind, path, span, "python")


def test_ambiguous_calls_are_possible_callers(tmp_path: Path) -> None:
    symbols = {
        s.id: s
        for s in (
            _symbol("a.py::A.save", SymbolKind.METHOD, (2, 3)),
            _symbol("b.py::B.save", SymbolKind.METHOD, (2, 3)),
            _symbol("c.py::persist", SymbolKind.FUNCTION, (1, 2)),
            _symbol("c.py::direct", SymbolKind.FUNCTION, (4, 5)),
        )
    }
    graph = nx.MultiDiGraph()
    for sid in sorted(symbols):
        graph.add_node(sid, symbol=symbols[sid])
    graph.add_edge("c.py::direct", "a.py::A.save", key=EdgeKind.CALLS.value, lines=(5,))
    ambiguous = Unresolved(
        "c.py::persist", "obj.save", EdgeKind.CALLS, 2, ("a.py::A.save", "b.py::B.save")
    )
    index = _Index(tmp_path, graph, symbols, unresolved=[ambiguous])
    rows = [(r.symbol.id, r.depth, r.lines, r.possible) for r in callers(index, "a.py::A.save")]
    assert rows == [("c.py::direct", 1, (5,), False), ("c.py::persist", 1, (2,), True)]
    possible = [(r.symbol.id, r.possible) for r in callees(index, "persist")]
    assert possible == [("a.py::A.save", True), ("b.py::B.save", True)]


def test_query_tables_follow_an_update_that_keeps_every_count(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    # A rename keeps the number of symbols, nodes and edges: only the index's version
    # tells the cached lexicon and name tables that they are stale.
    repo = make_repo(SHOP)
    index = build_index(repo, data_dir=tmp_path / "data")
    assert find(index, "render_receipt").symbols[0].id == "shop/render.py::render_receipt"
    before = (len(index.symbols), index.graph.number_of_nodes(), index.graph.number_of_edges())
    render = repo / "shop" / "render.py"
    render.write_text(render.read_text().replace("render_receipt", "print_receipt"))
    index.update(["shop/render.py"])
    after = (len(index.symbols), index.graph.number_of_nodes(), index.graph.number_of_edges())
    assert before == after
    assert find(index, "print_receipt").symbols[0].id == "shop/render.py::print_receipt"
    assert all("render_receipt" not in hit.id for hit in find(index, "receipt", limit=50).symbols)
