"""File selection and project lookup of the style benchmark (no download here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.style_eval_projects import MAX_FILE_BYTES, PROJECTS, by_name, python_files


def test_python_files_reads_only_safe_readable_python(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("a = 1\n")
    (tmp_path / "pkg" / "b.txt").write_text("no")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.py").write_text("c = 1\n")
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9'\n")
    (tmp_path / "huge.py").write_text("#" * (MAX_FILE_BYTES + 1))
    (tmp_path / "link.py").symlink_to(tmp_path / "pkg" / "a.py")
    assert python_files(tmp_path) == {"pkg/a.py": "a = 1\n"}


def test_python_files_samples_deterministically(tmp_path: Path) -> None:
    for number in range(20):
        (tmp_path / f"m{number:02}.py").write_text(f"n = {number}\n")
    first = python_files(tmp_path, max_files=5, seed=3)
    assert len(first) == 5
    assert list(first) == sorted(first)
    assert first == python_files(tmp_path, max_files=5, seed=3)
    assert len(python_files(tmp_path, max_files=50)) == 20


def test_by_name_keeps_order_and_rejects_unknown() -> None:
    assert len(PROJECTS) >= 12
    assert [p.name for p in by_name("rich, httpx")] == ["rich", "httpx"]
    assert by_name(None) == list(PROJECTS)
    with pytest.raises(SystemExit, match="unknown project"):
        by_name("httpx,nope")
