from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from codegraph import store
from codegraph.errors import IndexStoreError
from codegraph.model import (
    Edge,
    EdgeKind,
    FileFacts,
    Import,
    Reference,
    Symbol,
    SymbolKind,
    Unresolved,
    Visibility,
)
from codegraph.resolve import Resolution

MODULE = Symbol("pkg/m.py", "pkg.m", SymbolKind.MODULE, "pkg/m.py", (1, 9), "python")
CLASS = Symbol(
    "pkg/m.py::C",
    "C",
    SymbolKind.CLASS,
    "pkg/m.py",
    (3, 9),
    "python",
    signature="class C(Base):",
    doc="A thing.",
    decorators=("dataclass",),
    visibility=Visibility.PUBLIC,
)
METHOD = Symbol(
    "pkg/m.py::C._run",
    "_run",
    SymbolKind.METHOD,
    "pkg/m.py",
    (5, 9),
    "python",
    signature="def _run(self) -> int:",
    visibility=Visibility.PROTECTED,
)
FACTS = FileFacts(
    path="pkg/m.py",
    language="python",
    module="pkg.m",
    symbols=(MODULE, CLASS, METHOD),
    imports=(
        Import("pkg/m.py", "os.path", "join", "j", 1),
        Import("pkg/m.py", ".base", None, None, 2),
    ),
    references=(
        Reference(EdgeKind.INHERITS, "pkg/m.py::C", "Base", 3),
        Reference(EdgeKind.CALLS, "pkg/m.py::C._run", "self.helper", 6),
    ),
    bindings=(("pkg/m.py::C._run", "x", "j"),),
    exports=("C",),
)
RESOLUTION = Resolution(
    edges=(Edge("pkg/m.py::C", "pkg/base.py::Base", EdgeKind.INHERITS, 3),),
    unresolved=(
        Unresolved(
            "pkg/m.py::C._run", "self.helper", EdgeKind.CALLS, 6, ("a.py::helper", "b.py::helper")
        ),
    ),
    external=1,
)


def _graph_part(generation: str = "g1") -> store.GraphPart:
    return store.GraphPart(
        generation=generation,
        files={
            "pkg/m.py": store.FileRecord("pkg/m.py", "ab" * 20, "python"),
            "gen.py": store.FileRecord("gen.py", "cd" * 20, "python", "generated"),
        },
        symbols=[MODULE, CLASS, METHOD],
        edges=[(0, 1, "contains", ()), (1, 2, "contains", ()), (2, 1, "calls", (6, 8))],
        skipped=[("vendor", "vendored")],
        stats={"files": 1},
    )


def test_facts_and_resolutions_round_trip() -> None:
    assert store.decode_facts(store.encode_facts(FACTS)) == FACTS
    assert store.decode_resolved(store.encode_resolved(RESOLUTION)) == RESOLUTION
    with pytest.raises(IndexStoreError, match="corrupt"):
        store.decode_facts(b"\x80\x05garbage")


def test_a_workers_bytes_decode_the_same_with_the_plain_unpickler() -> None:
    encoded = store.encode_facts(FACTS)
    assert store.decode_facts(encoded, ours=True) == FACTS
    encoded = store.encode_resolved(RESOLUTION)
    assert store.decode_edges(encoded, [EdgeKind.INHERITS], ours=True) == list(RESOLUTION.edges)
    assert store.decode_edges(encoded, [EdgeKind.CALLS], ours=True) == []
    with pytest.raises(IndexStoreError, match="corrupt"):
        store.decode_facts(b"\x80\x05garbage", ours=True)


def test_decode_edges_keeps_only_the_asked_kinds_in_order() -> None:
    calls = [Edge("t.py::test_a", f"m.py::f{i}", EdgeKind.CALLS, i) for i in range(3)]
    mixed = Resolution(
        edges=(
            calls[0],
            Edge("t.py::test_a", "m.py::C", EdgeKind.REFERENCES, 4),
            calls[1],
            Edge("t.py::T", "m.py::Base", EdgeKind.INHERITS, 5),
            calls[2],
        ),
        unresolved=RESOLUTION.unresolved,
        external=2,
    )
    encoded = store.encode_resolved(mixed)
    assert store.decode_edges(encoded, frozenset({EdgeKind.CALLS})) == calls
    both = store.decode_edges(encoded, frozenset({EdgeKind.CALLS, EdgeKind.INHERITS}))
    assert both == [e for e in mixed.edges if e.kind is not EdgeKind.REFERENCES]
    with pytest.raises(IndexStoreError, match="corrupt"):
        store.decode_edges(b"\x80\x05garbage", frozenset({EdgeKind.CALLS}))


def test_both_parts_round_trip(tmp_path: Path) -> None:
    facts_part = store.FactsPart(
        "g1",
        {"pkg/m.py": store.encode_facts(FACTS)},
        {"pkg/m.py": store.encode_resolved(RESOLUTION)},
        {"pkg/m.py": ({"contains": 2, "inherits": 1}, (1, 0, 1, 1))},
    )
    store.save(tmp_path, _graph_part(), facts_part)
    loaded = store.load_graph(tmp_path)
    assert loaded == _graph_part()
    again = store.load_facts(tmp_path, loaded.generation)
    assert store.decode_facts(again.facts["pkg/m.py"]) == FACTS
    assert store.decode_resolved(again.resolved["pkg/m.py"]) == RESOLUTION
    assert again.tallies == facts_part.tallies
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.pickle", "graph.pickle"]


def test_symbols_encoded_ahead_are_stored_as_they_are(tmp_path: Path) -> None:
    part = _graph_part()
    ahead = store.encode_symbols(part.symbols)
    store.save(tmp_path, replace(part, encoded_symbols=ahead), None)
    assert store.load_graph(tmp_path) == part
    # what is stored is the bytes given, not `symbols` encoded again
    store.save(tmp_path, replace(part, encoded_symbols=store.encode_symbols([MODULE])), None)
    assert store.load_graph(tmp_path).symbols == [MODULE]


def test_a_half_written_store_is_detected(tmp_path: Path) -> None:
    store.save(tmp_path, _graph_part("g1"), store.FactsPart("g1", {}, {}))
    store.save(tmp_path, _graph_part("g2"), None)
    with pytest.raises(IndexStoreError, match="inconsistent"):
        store.load_facts(tmp_path, "g2")


def test_missing_corrupt_and_foreign_stores_are_store_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(IndexStoreError, match="no index yet"):
        store.load_graph(tmp_path)
    store.save(tmp_path, _graph_part(), store.FactsPart("g1", {}, {}))
    graph_file = tmp_path / store.GRAPH_FILE
    good = graph_file.read_bytes()
    graph_file.write_bytes(good[: len(good) // 2])
    with pytest.raises(IndexStoreError, match="corrupt"):
        store.load_graph(tmp_path)
    graph_file.write_bytes(pickle.dumps(("just", "a", "tuple")))
    with pytest.raises(IndexStoreError, match="corrupt"):
        store.load_graph(tmp_path)
    graph_file.write_bytes(pickle.dumps(((store.fingerprint(), "g1"), ("too", "few"))))
    with pytest.raises(IndexStoreError, match="corrupt"):
        store.load_graph(tmp_path)
    for edges in (b"\x80\x05garbage", pickle.dumps([(0, 1, "no such kind", ())])):
        rows = ([], [], edges, [], {})
        graph_file.write_bytes(pickle.dumps(((store.fingerprint(), "g1"), rows)))
        with pytest.raises(IndexStoreError, match="corrupt"):
            store.load_graph(tmp_path)
    graph_file.write_bytes(good)
    monkeypatch.setattr(store, "fingerprint", lambda: "another extractor")
    with pytest.raises(IndexStoreError, match="another version"):
        store.load_graph(tmp_path)


def test_a_failed_write_leaves_the_previous_store_and_no_temp_files(tmp_path: Path) -> None:
    store.save(tmp_path, _graph_part(), store.FactsPart("g1", {}, {}))
    before = (tmp_path / store.GRAPH_FILE).read_bytes()
    broken = _graph_part("g2")
    broken.stats["unpicklable"] = lambda: None
    with pytest.raises(Exception, match="pickle"):
        store.save(tmp_path, broken, None)
    assert (tmp_path / store.GRAPH_FILE).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.pickle", "graph.pickle"]


def test_unwritable_data_dir_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(IndexStoreError, match="cannot write the index"):
        store.save(blocker / "index", _graph_part(), None)


def test_data_dir_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    monkeypatch.delenv(store.DATA_DIR_ENV, raising=False)
    assert store.data_dir_for(root) == root / ".patchwright" / "index"
    assert store.data_dir_for(root, tmp_path / "x") == tmp_path / "x"
    monkeypatch.setenv(store.DATA_DIR_ENV, str(tmp_path / "shared"))
    shared = store.data_dir_for(root)
    assert shared.parent == tmp_path / "shared"
    assert shared.name.startswith("repo-")
    assert store.data_dir_for(tmp_path / "other" / "repo") != shared
    assert store.data_dir_for(root, tmp_path / "x") == tmp_path / "x"


def test_the_fingerprint_covers_the_resolver_modules() -> None:
    covered = store.fingerprint_sources()
    names = {path.name for path in covered}
    assert {"resolve.py", "model.py", "testedges.py", "python.py"} <= names
    here = Path(store.__file__).parent
    assert {p.name for p in here.glob("resolve*.py")} <= names


class _RunsCode:
    """Unpickling this calls `os.system`: what a hostile committed store would hold."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        import os

        return os.system, ("touch pwned-by-store",)


def test_a_crafted_store_cannot_run_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    payload = pickle.dumps(((store.fingerprint(), "gen"), _RunsCode()), protocol=5)
    (tmp_path / store.GRAPH_FILE).write_bytes(payload)
    with pytest.raises(IndexStoreError, match=r"refusing to load posix\.system"):
        store.load_graph(tmp_path)
    with pytest.raises(IndexStoreError):
        store.decode_facts(pickle.dumps(_RunsCode()))
    assert not (tmp_path / "pwned-by-store").exists()


def test_a_symlinked_default_store_dir_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    outside = tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    (repo / ".patchwright").symlink_to(outside)
    with pytest.raises(IndexStoreError, match="symbolic link"):
        store.data_dir_for(repo)


def test_the_default_store_keeps_itself_out_of_commits(tmp_path: Path) -> None:
    directory = store.data_dir_for(tmp_path)
    part = store.GraphPart("gen", {}, [], [], [], {})
    store.save(directory, part, None)
    assert (tmp_path / ".patchwright" / ".gitignore").read_text().splitlines()[-1] == "*"
