from __future__ import annotations

from codegraph.graph import build_graph
from codegraph.model import Edge, EdgeKind, FileFacts, Symbol, SymbolKind
from codegraph.stats import Clock, Tally, category, combine


def _facts(path: str, *names: str) -> FileFacts:
    module = Symbol(path, path.removesuffix(".py"), SymbolKind.MODULE, path, (1, 9), "python")
    defs = [Symbol(f"{path}::{n}", n, SymbolKind.FUNCTION, path, (2, 3), "python") for n in names]
    return FileFacts(path, "python", path.removesuffix(".py"), (module, *defs))


def test_tallies_combine_into_repository_figures() -> None:
    a, b = _facts("a.py", "f", "g"), _facts("b.py", "h")
    graph = build_graph({"a.py": a, "b.py": b}, [[Edge("a.py::f", "b.py::h", EdgeKind.CALLS, 2)]])
    tallies = [Tally.of(graph, a, (3, 1, 2, 5)), Tally.of(graph, b, (1, 0, 4, 0))]
    assert tallies[0].edges == {"contains": 2, "calls": 1}
    stats = combine(
        tallies,
        files=2,
        symbols=5,
        skipped={"vendored": 1},
        parsed=2,
        reused=0,
        reresolved=2,
        seconds={"parse": 0.123456},
    )
    assert stats.edges == {
        "contains": 3,
        "imports": 0,
        "calls": 1,
        "inherits": 0,
        "references": 0,
        "tests": 0,
    }
    assert stats.resolution_rate == 4 / 5
    assert (stats.unresolved, stats.external) == (6, 5)
    assert stats.seconds == {"parse": 0.1235}
    assert stats.as_dict()["files"] == 2


def test_nothing_to_rate_is_a_full_rate() -> None:
    stats = combine(
        [], files=0, symbols=0, skipped={}, parsed=0, reused=0, reresolved=0, seconds={}
    )
    assert stats.resolution_rate == 1.0


def test_reason_categories() -> None:
    assert category("parse error: RecursionError") == "parse error"
    assert category("too large (3000000 bytes)") == "too large"
    assert category("unreadable: Permission denied") == "unreadable"
    assert category("symlink outside the repository") == "symlink outside the repository"


def test_clock_adds_laps_of_the_same_phase() -> None:
    clock = Clock()
    clock.lap("parse")
    clock.lap("parse")
    clock.lap("save")
    assert set(clock.seconds) == {"parse", "save"}
    assert clock.total() >= sum(clock.seconds.values())
