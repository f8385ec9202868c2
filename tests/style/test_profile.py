from __future__ import annotations

from pathlib import Path

import pytest

from style import StyleError, learn_profile
from style.profile import discover, observe_files
from tests.conftest import MakeRepo
from tests.style.conftest import typed_repo_files


def test_discover_uses_git_and_skips_ignored_vendored_and_other_files(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            ".gitignore": "build_out/\n",
            "pkg/a.py": "A = 1\n",
            "pkg/_vendor/six.py": "A = 1\n",
            "web/app.ts": "const a = 1;\n",
            "README.md": "hi\n",
        }
    )
    (root / "build_out").mkdir()
    (root / "build_out/gen.py").write_text("A = 1\n")
    (root / "pkg/untracked.py").write_text("B = 2\n")
    assert discover(root) == ["pkg/a.py", "pkg/untracked.py", "web/app.ts"]


def test_discover_walks_a_plain_directory(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/a.py").write_text("A = 1\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden/b.py").write_text("B = 1\n")
    assert discover(tmp_path) == ["pkg/a.py"]


def test_learn_profile_end_to_end(make_repo: MakeRepo) -> None:
    root = make_repo({**typed_repo_files(30), "pyproject.toml": "[tool.ruff]\nline-length = 99\n"})
    profile = learn_profile(root)
    assert profile.files == 30
    length = profile.get("line_length")
    assert length is not None and (length.value, length.declared) == ("99", True)
    assert length.source == "pyproject.toml"
    quotes = profile.get("quotes")
    assert quotes is not None and quotes.value == "double" and quotes.enforced


def test_learn_profile_from_chosen_files(make_repo: MakeRepo) -> None:
    root = make_repo(typed_repo_files(30))
    profile = learn_profile(root, files=["pkg/mod1.py", "pkg/mod2.py"])
    assert profile.files == 2
    with pytest.raises(StyleError, match="not a path inside the repository"):
        learn_profile(root, files=["../outside.py"])


def test_unreadable_and_symlinked_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_bytes(b"\xff\xfe\x00 = 1\n")
    (tmp_path / "ok.py").write_text("A = 'x'\n")
    (tmp_path / "link.py").symlink_to(tmp_path / "ok.py")
    assert sorted(observe_files(tmp_path, ["bad.py", "ok.py", "link.py", "gone.py"])) == ["ok.py"]


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(StyleError, match="is not a directory"):
        discover(tmp_path / "nope")


def test_parallel_observation_equals_serial(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = typed_repo_files(40)
    root = make_repo(files)
    paths = sorted(files)
    serial = observe_files(root, paths, workers=1)
    monkeypatch.setattr("style.profile.PARALLEL_FROM", 1)
    assert observe_files(root, paths, workers=2) == serial
