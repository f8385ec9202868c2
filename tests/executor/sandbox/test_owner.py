"""Lending a tree to the sandbox user and giving it back (only meaningful as root)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from executor.sandbox._owner import give_back, hand_over


@pytest.fixture(autouse=True)
def _root_only() -> None:
    if os.geteuid() != 0:
        pytest.fail("ownership changes need root; this suite runs as root in CI")


def owners(tree: Path) -> dict[str, int]:
    return {str(p.relative_to(tree)): p.lstat().st_uid for p in [tree, *tree.rglob("*")]}


def test_round_trip_restores_owners_and_skips_git_links_and_hard_links(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / ".git").mkdir(parents=True)
    (tree / "pkg").mkdir()
    (tree / "pkg" / "a.py").write_text("a")
    os.chown(tree / "pkg" / "a.py", 1234, 1234)
    outside = tmp_path / "outside.txt"
    outside.write_text("o")
    os.link(outside, tree / "hard.txt")
    os.symlink("/etc/hostname", tree / "link")
    before = owners(tree)

    lent = hand_over(tree, 65534, 65534)
    during = owners(tree)
    assert during["."] == during["pkg"] == during["pkg/a.py"] == during["link"] == 65534
    assert during[".git"] == during["hard.txt"] == 0
    assert Path("/etc/hostname").stat().st_uid == 0

    (tree / "pkg" / "made.txt").write_text("m")
    os.chown(tree / "pkg" / "made.txt", 65534, 65534)
    give_back(tree, lent, 65534)
    after = owners(tree)
    assert after == {**before, "pkg/made.txt": 0}
    assert outside.stat().st_uid == 0


def test_keep_top_leaves_the_top_directory_alone(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    lent = hand_over(tmp_path, 65534, 65534, keep_top=True)
    assert list(lent) == [str(tmp_path / "a.txt")]
    assert tmp_path.stat().st_uid == 0 and (tmp_path / "a.txt").stat().st_uid == 65534
