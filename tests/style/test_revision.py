from __future__ import annotations

from pathlib import Path

import pytest

from style import StyleError
from style.revision import learn_profile_at, read_at, tree_hash
from tests.conftest import MakeRepo, git
from tests.style.conftest import typed_repo_files


def test_profile_comes_from_the_revision_not_the_working_tree(make_repo: MakeRepo) -> None:
    root = make_repo(typed_repo_files(30))
    for i in range(30):  # the working tree now disagrees completely
        path = root / f"pkg/mod{i}.py"
        path.write_text(path.read_text().replace('"', "'"))
    quotes = learn_profile_at(root, "HEAD", cache=False).get("quotes")
    assert quotes is not None and quotes.value == "double"


def test_profile_is_cached_by_tree_hash(make_repo: MakeRepo) -> None:
    root = make_repo({**typed_repo_files(30), "pyproject.toml": "[tool.black]\n"})
    tree = tree_hash(root, "HEAD")
    first = learn_profile_at(root)
    cached = root / ".patchwright" / f"style-1-{tree}.json"
    assert cached.is_file()
    assert (root / ".patchwright/.gitignore").read_text() == "*\n"
    assert git(root, "status", "--porcelain") == ""
    assert learn_profile_at(root) == first
    assert first.declared.formatter == "black"
    cached.write_text("{not json")
    assert learn_profile_at(root) == first  # a corrupt cache is relearned


def test_read_at(make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "A = 1\n", "b.bin": b"\xff\xfe"})
    assert read_at(root, "HEAD", ["a.py", "missing.py", "b.bin"]) == {"a.py": "A = 1\n"}


@pytest.mark.parametrize("rev", ["--all", "no-such-rev", "a b", ""])
def test_bad_revisions_are_style_errors(make_repo: MakeRepo, rev: str) -> None:
    root = make_repo({"a.py": "A = 1\n"})
    with pytest.raises(StyleError):
        learn_profile_at(root, rev)


def test_not_a_git_repository(tmp_path: Path) -> None:
    with pytest.raises(StyleError):
        learn_profile_at(tmp_path, "HEAD")
