from __future__ import annotations

import threading
from pathlib import Path

from codegraph.parallel import extract_all, extract_file
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
    assert extract_file(tmp_path, "dir.py", "python").skipped == "unreadable: Is a directory"
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
