from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from codegraph.discover import blob_id
from codegraph.errors import IndexStoreError, RepositoryError
from codegraph.graph import count_by_kind, edge_tuples
from codegraph.index import Index, build_index, load_index
from codegraph.model import Skipped
from codegraph.resolve import resolution_rate
from tests.conftest import MakeRepo, git, write_files

FILES = {
    "pkg/__init__.py": 'from pkg.models import Model\n\n__all__ = ["Model"]\n',
    "pkg/models.py": (
        "class Base:\n"
        "    def save(self):\n"
        "        return self.validate()\n"
        "\n"
        "    def validate(self):\n"
        "        return True\n"
        "\n"
        "\n"
        "class Model(Base):\n"
        "    def __init__(self, name):\n"
        "        self.name = name\n"
        "\n"
        "    def save(self):\n"
        "        return super().save()\n"
    ),
    "pkg/service.py": (
        "from pkg import Model\n"
        "from pkg.models import Base\n"
        "\n"
        "\n"
        "def create(name):\n"
        "    model = Model(name)\n"
        "    model.save()\n"
        "    return model\n"
        "\n"
        "\n"
        "def check(obj: Base) -> bool:\n"
        "    return obj.validate()\n"
    ),
    "pkg/unrelated.py": "def helper(thing):\n    mystery()\n    return thing.save()\n",
    "tests/test_service.py": (
        "from pkg.service import create\n\n\ndef test_create():\n"
        '    assert create("x").name == "x"\n'
    ),
}


def _assert_same_as_cold(index: Index, root: Path, tmp_path: Path) -> None:
    """The incrementally maintained index equals a from-scratch build of the same tree."""
    cold = build_index(root, data_dir=tmp_path / "fresh-store")
    assert edge_tuples(index.graph) == edge_tuples(cold.graph)
    assert index.symbols == cold.symbols
    assert index.unresolved == cold.unresolved
    figures = ("files", "symbols", "edges", "resolution_rate", "external", "unresolved")
    assert [getattr(index.stats, f) for f in figures] == [getattr(cold.stats, f) for f in figures]
    assert index.stats.edges == count_by_kind(index.graph)
    assert index.stats.resolution_rate == resolution_rate(index.resolutions.values())
    shutil.rmtree(tmp_path / "fresh-store")


def test_cold_build_has_the_expected_graph(make_repo: MakeRepo) -> None:
    root = make_repo(FILES)
    index = build_index(root)
    edges = set(edge_tuples(index.graph))
    # contains: module → top-level definitions, class → methods
    assert {
        ("pkg/models.py", "pkg/models.py::Base", "contains", ()),
        ("pkg/models.py", "pkg/models.py::Model", "contains", ()),
        ("pkg/models.py::Base", "pkg/models.py::Base.save", "contains", ()),
        ("pkg/models.py::Model", "pkg/models.py::Model.__init__", "contains", ()),
        ("pkg/service.py", "pkg/service.py::create", "contains", ()),
    } <= edges
    assert {
        ("pkg/models.py::Base.save", "pkg/models.py::Base.validate", "calls", (3,)),
        ("pkg/models.py::Model", "pkg/models.py::Base", "inherits", (9,)),
        ("pkg/models.py::Model.save", "pkg/models.py::Base.save", "calls", (14,)),
        ("pkg/service.py::create", "pkg/models.py::Model.__init__", "calls", (6,)),
        ("pkg/service.py::create", "pkg/models.py::Model.save", "calls", (7,)),
        ("pkg/service.py::check", "pkg/models.py::Base", "references", (11,)),
        ("pkg/service.py", "pkg/models.py::Base", "imports", (2,)),
        ("tests/test_service.py::test_create", "pkg/service.py::create", "tests", (5,)),
    } <= edges
    assert index.graph.nodes["pkg/models.py::Base.save"]["symbol"].span == (2, 3)
    assert set(index.symbols) == set(index.graph.nodes)
    assert sorted(index.facts) == sorted(FILES)
    stats = index.stats
    assert (stats.files, stats.parsed, stats.reused) == (5, 5, 0)
    assert stats.symbols == len(index.symbols)
    assert stats.edges["contains"] == sum(1 for e in edges if e[2] == "contains")
    assert stats.resolution_rate == resolution_rate(index.resolutions.values())
    assert (root / ".patchwright" / "index" / "graph.pickle").is_file()


def test_store_round_trip_gives_the_same_index(make_repo: MakeRepo) -> None:
    root = make_repo({**FILES, "big.py": "x = 1\n" * 400_000, "vendor/lib.py": ""})
    built = build_index(root)
    loaded = load_index(root)
    assert edge_tuples(loaded.graph) == edge_tuples(built.graph)
    assert loaded.symbols == built.symbols
    assert (
        loaded.skipped
        == built.skipped
        == [
            Skipped("big.py", "too large (2400000 bytes)"),
            Skipped("vendor", "vendored"),
        ]
    )
    assert loaded.stats.edges == built.stats.edges
    assert loaded.unresolved == built.unresolved
    assert [(u.name, u.candidates) for u in built.unresolved] == [
        ("mystery", ()),
        ("thing.save", ("pkg/models.py::Base.save", "pkg/models.py::Model.save")),
    ]
    assert loaded._facts is None  # `unresolved` (for `callers`) does not decode the facts
    assert loaded.facts == built.facts
    assert loaded.stats.skipped == {"too large": 1, "vendored": 1}


def test_second_build_reuses_every_unchanged_file(make_repo: MakeRepo) -> None:
    root = make_repo(FILES)
    first = build_index(root)
    again = build_index(root)
    assert (again.stats.parsed, again.stats.reused, again.stats.reresolved) == (0, 5, 0)
    assert edge_tuples(again.graph) == edge_tuples(first.graph)


def test_a_tree_outside_git_is_hashed_by_the_workers_and_reused_by_blob(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    root = make_repo(FILES, commit=False)
    shutil.rmtree(root / ".git")
    data = tmp_path / "store"
    first = build_index(root, data_dir=data)
    assert {path: record.blob for path, record in first.files.items()} == {
        path: blob_id((root / path).read_bytes()) for path in FILES
    }
    again = build_index(root, data_dir=data)
    assert (again.stats.parsed, again.stats.reused) == (0, 5)
    write_files(root, {"pkg/service.py": FILES["pkg/service.py"] + "\nX = 1\n"})
    edited = build_index(root, data_dir=data)
    assert (edited.stats.parsed, edited.stats.reused) == (1, 4)


def test_body_edit_reparses_one_file_and_equals_a_cold_build(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    root = make_repo(FILES)
    build_index(root)
    write_files(
        root,
        {"pkg/service.py": FILES["pkg/service.py"].replace("    model.save()\n", "")},
    )
    index = build_index(root)
    assert (index.stats.parsed, index.stats.reused, index.stats.reresolved) == (1, 4, 1)
    assert ("pkg/service.py::create", "pkg/models.py::Model.save", "calls", (7,)) not in set(
        edge_tuples(index.graph)
    )
    _assert_same_as_cold(index, root, tmp_path)


def test_interface_edit_reresolves_dependents_and_equals_a_cold_build(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    root = make_repo(FILES)
    build_index(root)
    renamed = (
        FILES["pkg/models.py"]
        .replace("def validate", "def is_valid")
        .replace("self.validate()", "self.is_valid()")
    )
    write_files(root, {"pkg/models.py": renamed})
    index = build_index(root)
    assert index.stats.parsed == 1
    # models.py itself and service.py (which calls the renamed method); never unrelated.py
    assert 2 <= index.stats.reresolved < 5
    edges = set(edge_tuples(index.graph))
    assert ("pkg/models.py::Base.save", "pkg/models.py::Base.is_valid", "calls", (3,)) in edges
    assert not any("validate" in target for _s, target, _k, _l in edges)
    _assert_same_as_cold(index, root, tmp_path)


def test_deleting_a_file_removes_its_symbols_and_edges(make_repo: MakeRepo, tmp_path: Path) -> None:
    root = make_repo(FILES)
    build_index(root)
    git(root, "rm", "-q", "pkg/service.py")
    index = build_index(root)
    assert "pkg/service.py" not in index.facts
    assert not any(sid.startswith("pkg/service.py") for sid in index.symbols)
    _assert_same_as_cold(index, root, tmp_path)
    assert load_index(root).symbols == index.symbols


def test_update_in_a_running_process_matches_a_cold_build(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    root = make_repo(FILES)
    index = build_index(root)
    write_files(
        root,
        {
            "pkg/unrelated.py": "from pkg.models import Model\n\n\ndef helper():\n"
            "    return Model('h')\n",
            "pkg/extra.py": "def extra():\n    return 2\n",
        },
    )
    (root / "pkg/service.py").unlink()
    before = index.version
    stats = index.update(["pkg/unrelated.py", str(root / "pkg/extra.py"), "pkg/service.py"])
    assert index.version == before + 1
    assert stats.parsed == 2
    assert "pkg/extra.py::extra" in index.symbols
    _assert_same_as_cold(index, root, tmp_path)
    index.save()
    saved = load_index(root)
    assert saved.symbols == index.symbols  # not the symbols the cold build encoded
    assert edge_tuples(saved.graph) == edge_tuples(index.graph)
    for escape in ("../elsewhere.py", "pkg/../../elsewhere.py", "/etc/passwd"):
        with pytest.raises(RepositoryError, match="outside the repository"):
            index.update([escape])


def test_update_after_a_warm_start_reuses_the_stored_figures(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    root = make_repo(FILES)
    build_index(root)
    index = load_index(root)
    write_files(root, {"pkg/service.py": "# moved down\n" + FILES["pkg/service.py"]})
    stats = index.update(["pkg/service.py"])
    assert (stats.parsed, stats.reresolved) == (1, 1)
    # Only the edited file's resolution was decoded or computed, not every file's.
    assert set(index._resolved) == {"pkg/service.py"}
    _assert_same_as_cold(index, root, tmp_path)


def test_update_applies_the_path_rules(make_repo: MakeRepo) -> None:
    root = make_repo(FILES)
    index = build_index(root)
    write_files(root, {"vendor/lib.py": "def v():\n    pass\n", "notes.txt": "x"})
    index.update(["vendor/lib.py", "notes.txt", "pkg/missing.py"])
    assert not any(sid.startswith("vendor/") for sid in index.symbols)
    assert Skipped("vendor/lib.py", "vendored") in index.skipped
    assert index.stats.files == 5


def test_two_cold_builds_are_identical_whatever_the_job_count(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    # Enough files that the worker-process path runs.
    files = dict(FILES)
    for number in range(6):
        files[f"tests/test_gen{number}.py"] = (
            f"from gen.mod{number} import C{number}\n\n\ndef test_run():\n"
            f"    C{number}('x').run()\n"
        )
    for number in range(60):
        files[f"gen/mod{number}.py"] = (
            f"from pkg.models import Model\n\n\nclass C{number}(Model):\n"
            f"    def run(self):\n        return self.save()\n"
        )
    root = make_repo(files)
    serial = build_index(root, data_dir=tmp_path / "one", jobs=1)
    parallel = build_index(root, data_dir=tmp_path / "two", jobs=2)
    again = build_index(root, data_dir=tmp_path / "three", jobs=2)
    assert edge_tuples(serial.graph) == edge_tuples(parallel.graph) == edge_tuples(again.graph)
    # Not only the same edges: the same insertion order, so traversals agree too.
    assert list(parallel.graph.edges(keys=True)) == list(again.graph.edges(keys=True))
    target = "pkg/models.py::Model.save"
    assert list(parallel.graph.predecessors(target)) == list(again.graph.predecessors(target))
    assert serial.unresolved == parallel.unresolved
    assert serial.stats.edges == parallel.stats.edges
    # The cold build computes TESTS edges while workers resolve; a full recount agrees.
    assert parallel.stats.edges["tests"] >= 7
    parallel._refresh_tests()
    assert edge_tuples(parallel.graph) == edge_tuples(again.graph)


def test_unparsable_and_skipped_files_never_abort(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            **FILES,
            "broken.py": "def f(:\n    return ((\n",
            "blob.py": b"\x00\x01binary",
            "gen.py": "# Generated by protoc. DO NOT EDIT.\nx = 1\n",
            "web/app.min.js": "var a=1;",
        }
    )
    index = build_index(root)
    reasons = {s.path: s.reason for s in index.skipped}
    assert reasons == {"blob.py": "binary", "gen.py": "generated", "web/app.min.js": "minified"}
    assert "broken.py" in index.facts  # tree-sitter recovers what it can
    assert index.stats.skipped == {"binary": 1, "generated": 1, "minified": 1}


def test_load_without_an_index_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(IndexStoreError, match=r"no index yet.*run `patchwright index`"):
        load_index(tmp_path)
    with pytest.raises(RepositoryError, match="not a directory"):
        load_index(tmp_path / "missing")


def test_corrupt_store_is_rebuilt_with_a_warning(make_repo: MakeRepo) -> None:
    root = make_repo(FILES)
    first = build_index(root)
    store_dir = root / ".patchwright" / "index"
    (store_dir / "graph.pickle").write_bytes(b"not a pickle at all")
    with pytest.raises(IndexStoreError, match="corrupt"):
        load_index(root)
    rebuilt = build_index(root)
    assert rebuilt.stats.parsed == 5
    assert any("corrupt" in w for w in rebuilt.warnings)
    assert edge_tuples(rebuilt.graph) == edge_tuples(first.graph)


def test_truncated_facts_file_is_rebuilt_on_the_next_change(make_repo: MakeRepo) -> None:
    root = make_repo(FILES)
    first = build_index(root)
    facts_file = root / ".patchwright" / "index" / "facts.pickle"
    facts_file.write_bytes(facts_file.read_bytes()[:100])
    write_files(root, {"pkg/unrelated.py": "def helper():\n    return 2\n"})
    rebuilt = build_index(root)
    assert rebuilt.stats.parsed == 5
    assert any("corrupt" in w for w in rebuilt.warnings)
    assert edge_tuples(rebuilt.graph) == edge_tuples(first.graph)


def test_store_from_another_version_is_rebuilt(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(FILES)
    build_index(root)
    monkeypatch.setattr("codegraph.store.fingerprint", lambda: "a newer extractor")
    with pytest.raises(IndexStoreError, match="another version"):
        load_index(root)
    rebuilt = build_index(root)
    assert rebuilt.stats.parsed == 5
    assert any("another version" in w for w in rebuilt.warnings)
    assert load_index(root).stats.files == 5


def test_data_dir_argument_and_environment(
    make_repo: MakeRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(FILES)
    build_index(root, data_dir=tmp_path / "explicit")
    assert (tmp_path / "explicit" / "graph.pickle").is_file()
    monkeypatch.setenv("PATCHWRIGHT_DATA_DIR", str(tmp_path / "shared"))
    index = build_index(root)
    assert index.data_dir.parent == tmp_path / "shared"
    assert not (root / ".patchwright").exists()
    assert isinstance(load_index(root), Index)
    shutil.rmtree(tmp_path / "shared")
    with pytest.raises(IndexStoreError, match="no index yet"):
        load_index(root)


def test_a_path_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_text("x = 1\n")
    with pytest.raises(RepositoryError, match="not a directory"):
        build_index(target)


def test_a_build_leaves_its_objects_in_the_oldest_generation(make_repo: MakeRepo) -> None:
    root = make_repo(FILES)
    index = build_index(root)
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(index.graph._succ) in oldest
    assert id(index.facts["pkg/models.py"].symbols) in oldest
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_objects_the_caller_froze_stay_frozen(make_repo: MakeRepo) -> None:
    root = make_repo(FILES)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        build_index(root)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
