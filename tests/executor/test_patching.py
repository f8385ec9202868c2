"""Patch validation and application, as before/after text on real git work trees."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from executor.errors import PatchError
from executor.patching import MAX_PATCH_BYTES, FileChange, apply_patch, parse_patch
from tests.conftest import MakeRepo

CHANGE_M = """\
diff --git a/m.py b/m.py
index 1111111..2222222 100644
--- a/m.py
+++ b/m.py
@@ -1,2 +1,2 @@
 def f():
-    return 1
+    return 2
"""


def symlink_patch(name: str, target: str) -> str:
    return (
        f"diff --git a/{name} b/{name}\n"
        "new file mode 120000\n"
        "index 0000000..1111111\n"
        "--- /dev/null\n"
        f"+++ b/{name}\n"
        "@@ -0,0 +1 @@\n"
        f"+{target}\n"
        "\\ No newline at end of file\n"
    )


def new_file_patch(name: str, text: str = "hello") -> str:
    return (
        f"diff --git a/{name} b/{name}\n"
        "new file mode 100644\n"
        "--- /dev/null\n"
        f"+++ b/{name}\n"
        "@@ -0,0 +1 @@\n"
        f"+{text}\n"
    )


def test_parse_reads_modify_create_delete_and_rename() -> None:
    patch = (
        CHANGE_M
        + new_file_patch("pkg/new.py")
        + "diff --git a/old.txt b/old.txt\ndeleted file mode 100644\n--- a/old.txt\n+++ /dev/null\n"
        "@@ -1 +0,0 @@\n-bye\n"
        + "diff --git a/a.py b/b.py\nsimilarity index 100%\nrename from a.py\nrename to b.py\n"
    )
    assert parse_patch(patch) == [
        FileChange("m.py", "m.py"),
        FileChange(None, "pkg/new.py", new_mode="100644"),
        FileChange("old.txt", None),
        FileChange("a.py", "b.py"),
    ]


def test_parse_plain_diff_and_a_removed_line_that_looks_like_a_header() -> None:
    patch = "--- a/x.sql\n+++ b/x.sql\n@@ -1,2 +1,1 @@\n--- comment\n keep\n--- a/y\n+++ b/y\n"
    patch += "@@ -1 +1 @@\n-a\n+b\n"
    assert parse_patch(patch) == [FileChange("x.sql", "x.sql"), FileChange("y", "y")]


def test_parse_unquotes_c_style_paths() -> None:
    patch = 'diff --git "a/sp ace\\303\\244.txt" "b/sp ace\\303\\244.txt"\n'
    patch += '--- "a/sp ace\\303\\244.txt"\n+++ "b/sp ace\\303\\244.txt"\n@@ -1 +1 @@\n-a\n+b\n'
    assert parse_patch(patch) == [FileChange("sp aceä.txt", "sp aceä.txt")]


def test_apply_changes_the_file_and_reports_it(make_repo: MakeRepo) -> None:
    repo = make_repo({"m.py": "def f():\n    return 1\n"})
    assert apply_patch(repo, CHANGE_M) == ["m.py"]
    assert (repo / "m.py").read_text() == "def f():\n    return 2\n"


def test_apply_creates_deletes_and_renames(make_repo: MakeRepo) -> None:
    repo = make_repo({"old.txt": "bye\n", "a.py": "x = 1\n"})
    patch = (
        new_file_patch("pkg/new.py", "y = 2")
        + "diff --git a/old.txt b/old.txt\ndeleted file mode 100644\n--- a/old.txt\n"
        "+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n"
        + "diff --git a/a.py b/b.py\nsimilarity index 100%\nrename from a.py\nrename to b.py\n"
    )
    touched = apply_patch(repo, patch)
    assert touched == ["a.py", "b.py", "old.txt", "pkg/new.py"]
    assert (repo / "pkg/new.py").read_text() == "y = 2\n"
    assert not (repo / "old.txt").exists()
    assert (repo / "b.py").read_text() == "x = 1\n" and not (repo / "a.py").exists()


def test_empty_patch_touches_nothing(make_repo: MakeRepo) -> None:
    repo = make_repo({"m.py": "x = 1\n"})
    assert apply_patch(repo, "  \n") == []


def test_text_without_a_diff_is_rejected(make_repo: MakeRepo) -> None:
    repo = make_repo({"m.py": "x = 1\n"})
    with pytest.raises(PatchError, match="no file changes"):
        apply_patch(repo, "please change m.py\n")


def test_a_hunk_that_does_not_match_names_file_and_line(make_repo: MakeRepo) -> None:
    repo = make_repo({"m.py": "def f():\n    return 7\n"})
    with pytest.raises(PatchError, match=r"does not apply to m.py \(hunk at line 1\)"):
        apply_patch(repo, CHANGE_M)


def test_nothing_is_half_applied(make_repo: MakeRepo) -> None:
    repo = make_repo({"a.py": "def f():\n    return 1\n", "m.py": "def f():\n    return 7\n"})
    first = CHANGE_M.replace("m.py", "a.py")
    with pytest.raises(PatchError, match=r"m\.py"):
        apply_patch(repo, first + CHANGE_M)
    assert (repo / "a.py").read_text() == "def f():\n    return 1\n"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../outside.txt", "'..'"),
        ("pkg/../../outside.txt", "'..'"),
        ("/etc/passwd-new", "absolute"),
        (".git/hooks/pre-commit", ".git"),
        ("sub/.GIT/config", ".git"),
    ],
)
def test_paths_that_escape_are_rejected(make_repo: MakeRepo, path: str, reason: str) -> None:
    repo = make_repo({"m.py": "x = 1\n"})
    with pytest.raises(PatchError, match=reason):
        apply_patch(repo, new_file_patch(path))
    assert not (repo.parent / "outside.txt").exists()


def test_a_path_through_an_existing_symlink_is_rejected(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = make_repo({"m.py": "x = 1\n"})
    os.symlink(outside, repo / "link")
    with pytest.raises(PatchError, match="symlink link"):
        apply_patch(repo, new_file_patch("link/planted.txt"))
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("target", ["/etc", "../../etc", "a/../../x", ".git/config"])
def test_symlinks_pointing_outside_are_rejected(make_repo: MakeRepo, target: str) -> None:
    repo = make_repo({"m.py": "x = 1\n"})
    with pytest.raises(PatchError, match="symlink pointing outside"):
        apply_patch(repo, symlink_patch("pkg/evil", target))
    assert not (repo / "pkg").exists()


def test_symlink_inside_the_tree_is_allowed_unless_refused(make_repo: MakeRepo) -> None:
    repo = make_repo({"docs/real.md": "hi\n"})
    with pytest.raises(PatchError, match="symlinks are refused"):
        apply_patch(repo, symlink_patch("docs/alias.md", "real.md"), allow_symlinks=False)
    assert apply_patch(repo, symlink_patch("docs/alias.md", "real.md")) == ["docs/alias.md"]
    assert os.readlink(repo / "docs/alias.md") == "real.md"


def test_binary_and_oversized_patches_are_rejected(make_repo: MakeRepo) -> None:
    repo = make_repo({"m.py": "x = 1\n"})
    binary = "diff --git a/b.bin b/b.bin\nnew file mode 100644\nGIT binary patch\nliteral 3\n"
    with pytest.raises(PatchError, match="binary"):
        apply_patch(repo, binary)
    with pytest.raises(PatchError, match="larger than 5 MB"):
        apply_patch(repo, new_file_patch("big.txt", "x" * (MAX_PATCH_BYTES + 1)))
    with pytest.raises(PatchError, match="NUL"):
        apply_patch(repo, new_file_patch("n.txt", "a\0b"))


def test_bad_octal_escapes_are_kept_literally() -> None:
    patch = 'diff --git "a/x\\18" "b/x\\18"\n--- "a/x\\18"\n+++ "b/x\\18"\n@@ -1 +1 @@\n-a\n+b\n'
    assert parse_patch(patch) == [FileChange("x18", "x18")]
