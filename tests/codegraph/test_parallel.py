from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from codegraph.discover import blob_id
from codegraph.graph import EdgeTuple, add_known_rows, build_graph, edge_tuples
from codegraph.parallel import (
    _SWITCH_INTERVAL,
    _batches,
    extract_all,
    extract_file,
    resolve_all,
    symbol_positions,
)
from codegraph.resolve import SymbolTable, resolve_file
from codegraph.store import decode_facts
from tests.conftest import write_files


def test_each_failure_becomes_a_skip_reason(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"ok.py": "def f():\n    pass\n", "bin.py": b"\x00\x00", "gen.py": "# @generated\n"},
    )
    (tmp_path / "dir.py").mkdir()
    assert extract_file(tmp_path, "ok.py", "python").facts is not None
    assert extract_file(tmp_path, "bin.py", "python").skipped == "binary"
    assert extract_file(tmp_path, "gen.py", "python").skipped == "generated"
    assert extract_file(tmp_path, "dir.py", "python").skipped == "unreadable: not a regular file"
    assert extract_file(tmp_path, "gone.py", "python").skipped == (
        "unreadable: No such file or directory"
    )


def test_worker_processes_return_what_one_process_computes(tmp_path: Path) -> None:
    files = {f"m{n}.py": f"def f{n}():\n    return f{n - 1}()\n" for n in range(60)}
    files["bad.py"] = b"\x00"
    write_files(tmp_path, files)
    items = sorted((path, "python") for path in files)
    serial = extract_all(tmp_path, items, jobs=1)
    parallel = extract_all(tmp_path, items, jobs=2)
    assert serial.keys() == parallel.keys()
    for path, done in parallel.items():
        assert done.facts == serial[path].facts
        assert done.skipped == serial[path].skipped
        if done.encoded is not None:
            assert decode_facts(done.encoded) == done.facts
    assert parallel["bad.py"].skipped == "binary"
    progress: list[tuple[str, int, int]] = []
    extract_all(tmp_path, items[:3], progress=lambda *step: progress.append(step))
    assert progress == [("parse", 1, 3), ("parse", 2, 3), ("parse", 3, 3)]


def test_a_pool_shortens_the_switch_interval_only_while_it_runs(tmp_path: Path) -> None:
    files = {f"m{n}.py": f"def f{n}():\n    return {n}\n" for n in range(50)}
    write_files(tmp_path, files)
    items = sorted((path, "python") for path in files)
    original = sys.getswitchinterval()
    sys.setswitchinterval(0.004)
    try:
        during: list[float] = []
        extract_all(
            tmp_path, items, jobs=2, each=lambda done: during.append(sys.getswitchinterval())
        )
        after = sys.getswitchinterval()
    finally:
        sys.setswitchinterval(original)
    assert len(during) == len(items)
    assert max(during) <= _SWITCH_INTERVAL * 1.01
    assert abs(after - 0.004) < 1e-5


def test_a_threaded_caller_gets_spawned_workers_and_the_same_result(tmp_path: Path) -> None:
    files = {f"m{n}.py": f"def f{n}():\n    return {n}\n" for n in range(50)}
    write_files(tmp_path, files)
    items = sorted((path, "python") for path in files)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        threaded = extract_all(tmp_path, items, jobs=2)
    finally:
        release.set()
        other.join()
    serial = extract_all(tmp_path, items, jobs=1)
    assert {p: d.facts for p, d in threaded.items()} == {p: d.facts for p, d in serial.items()}


def test_the_worker_hashes_the_bytes_it_reads(tmp_path: Path) -> None:
    write_files(tmp_path, {"ok.py": "x = 1\n", "bin.py": b"\x00"})
    assert extract_file(tmp_path, "ok.py", "python").blob == blob_id(b"x = 1\n")
    assert extract_file(tmp_path, "bin.py", "python").blob == blob_id(b"\x00")
    assert extract_file(tmp_path, "gone.py", "python").blob == ""


def test_a_file_swapped_for_a_symlink_after_listing_is_not_followed(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "secret.py"
    write_files(repo, {"m.py": "def f():\n    pass\n"})
    outside.write_text("TOKEN = 'outside the repository'\n")
    (repo / "m.py").unlink()
    (repo / "m.py").symlink_to(outside)
    done = extract_file(repo, "m.py", "python")
    assert (done.facts, done.skipped) == (None, "unreadable: a symlink (not followed)")


def test_a_fifo_swapped_in_is_skipped_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    assert extract_file(tmp_path, "pipe.py", "python").skipped == "unreadable: not a regular file"


def test_batches_send_the_largest_files_first_and_every_file_once() -> None:
    sizes = {f"m{n}.py": n * 100 for n in range(200)} | {"big.py": 1_000_000}
    items = [(path, "python") for path in sorted(sizes)]
    batches = _batches(items, sizes, jobs=2)
    flat = [path for batch in batches for path, _ in batch]
    assert sorted(flat) == sorted(sizes)
    assert flat == sorted(sizes, key=lambda path: -sizes[path])
    assert batches[0] == [("big.py", "python")]
    assert max(len(batch) for batch in batches) <= 64


def test_resolve_workers_hand_over_the_rows_one_process_computes(tmp_path: Path) -> None:
    files = {
        f"m{n}.py": f"from m{n - 1} import f{n - 1}\n\ndef f{n}():\n    return f{n - 1}()\n"
        for n in range(1, 60)
    }
    # the same function twice: one node, at the place of the first
    files["m0.py"] = "def f0():\n    pass\n\ndef f0():\n    return missing()\n"
    write_files(tmp_path, files)
    extracted = extract_all(tmp_path, sorted((path, "python") for path in files), jobs=1)
    facts = {p: e.facts for p, e in sorted(extracted.items()) if e.facts is not None}
    positions = symbol_positions(facts)
    assert list(positions) == list(build_graph(facts).nodes)
    table = SymbolTable.build(facts)
    runs: list[list[EdgeTuple]] = []
    for jobs in (1, 2):
        rows: list[EdgeTuple] = []
        resolve_all(table, facts, sink=rows.extend, jobs=jobs)
        runs.append(rows)
    assert runs[0] == runs[1]
    assert ("m7.py::f7", "m6.py::f6", "calls", (4,)) in runs[0]
    assert all(source in positions and target in positions for source, target, _, _ in runs[0])
    # `contains` rows are not sent again: the graph has them from the facts
    assert all(kind != "contains" for _, _, kind, _ in runs[0])
    fast = build_graph(facts)
    add_known_rows(fast, runs[1])
    checked = build_graph(facts, [resolve_file(table, f).edges for f in facts.values()])
    assert edge_tuples(fast) == edge_tuples(checked)
