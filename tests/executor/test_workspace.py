"""Workspaces: a copy at a revision, the user's tree untouched, always cleaned up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from executor.errors import PatchError, WorkspaceError
from executor.workspace import collect_stale, create_workspace
from tests.conftest import MakeRepo, git, write_files

ROOT = Path(__file__).resolve().parents[2]
PATCH = """\
--- a/m.py
+++ b/m.py
@@ -1 +1 @@
-x = 1
+x = 2
"""


def snapshot(repo: Path) -> tuple[str, str, str, str, bytes]:
    """Everything a user would notice changing in their repository."""
    return (
        git(repo, "status", "--porcelain", "--untracked-files=all"),
        git(repo, "diff", "HEAD", "--binary"),
        git(repo, "stash", "list"),
        git(repo, "for-each-ref"),
        (repo / ".git" / "index").read_bytes(),
    )


def test_workspace_holds_the_revision_as_its_own_commit(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    repo = make_repo({"m.py": "x = 1\n", "pkg/a.txt": "a\n"})
    first = git(repo, "rev-parse", "HEAD").strip()
    write_files(repo, {"m.py": "x = 9\n"})
    git(repo, "commit", "-qam", "second")
    with create_workspace(repo, first, root=tmp_path / "ws") as ws:
        assert ws.revision == first
        assert (ws.path / "m.py").read_text() == "x = 1\n"
        assert (ws.path / "pkg/a.txt").read_text() == "a\n"
        assert git(ws.path, "rev-parse", "HEAD").strip() == first
        assert git(ws.path, "status", "--porcelain") == ""


def test_apply_and_diff_in_the_workspace(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo({"m.py": "x = 1\n"})
    with create_workspace(repo, root=tmp_path / "ws") as ws:
        assert ws.apply(PATCH) == ["m.py"]
        assert (ws.path / "m.py").read_text() == "x = 2\n"
        diff = ws.diff()
    assert "-x = 1\n+x = 2\n" in diff
    assert (repo / "m.py").read_text() == "x = 1\n"


def test_a_failed_patch_leaves_the_workspace_as_it_was(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo({"m.py": "x = 5\n"})
    with create_workspace(repo, root=tmp_path / "ws") as ws:
        with pytest.raises(PatchError, match=r"m\.py"):
            ws.apply(PATCH)
        assert ws.diff() == ""


def test_worktree_changes_come_along_and_the_user_tree_is_untouched(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    repo = make_repo({"m.py": "x = 1\n", ".gitignore": "*.log\n", "gone.txt": "g\n"})
    write_files(repo, {"m.py": "x = 3\n", "new/u.txt": "untracked\n", "debug.log": "ignored\n"})
    (repo / "gone.txt").unlink()
    write_files(repo, {"staged.txt": "s\n"})
    git(repo, "add", "staged.txt")
    git(repo, "stash", "list")
    before = snapshot(repo)
    with create_workspace(repo, include_worktree=True, root=tmp_path / "ws") as ws:
        assert (ws.path / "m.py").read_text() == "x = 3\n"
        assert (ws.path / "new/u.txt").read_text() == "untracked\n"
        assert (ws.path / "staged.txt").read_text() == "s\n"
        assert not (ws.path / "gone.txt").exists()
        assert not (ws.path / "debug.log").exists()
        assert ws.revision != git(repo, "rev-parse", "HEAD").strip()
        assert git(ws.path, "status", "--porcelain") == ""
        ws.apply(PATCH.replace("x = 1", "x = 3"))
    assert snapshot(repo) == before


def test_clean_worktree_keeps_the_commit_as_revision(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo({"m.py": "x = 1\n"})
    with create_workspace(repo, include_worktree=True, root=tmp_path / "ws") as ws:
        assert ws.revision == git(repo, "rev-parse", "HEAD").strip()


@pytest.mark.parametrize("rev", ["no-such-branch", "--output=/tmp/x", "a\nb", "x" * 300, ""])
def test_bad_revisions_are_refused(make_repo: MakeRepo, tmp_path: Path, rev: str) -> None:
    repo = make_repo({"m.py": "x = 1\n"})
    with pytest.raises(WorkspaceError):
        create_workspace(repo, rev, root=tmp_path / "ws")
    assert list((tmp_path / "ws").glob("ws-*")) == []


def test_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    with pytest.raises(WorkspaceError, match="unknown revision"):
        create_workspace(tmp_path / "plain", root=tmp_path / "ws")


def test_cleanup_removes_everything_and_is_idempotent(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo({"m.py": "x = 1\n"})
    ws = create_workspace(repo, root=tmp_path / "ws")
    (ws.path / "locked").mkdir()
    (ws.path / "locked" / "f").write_text("x")
    (ws.path / "locked").chmod(0o500)
    ws.cleanup()
    ws.cleanup()
    assert list((tmp_path / "ws").iterdir()) == []
    with pytest.raises(WorkspaceError, match="already cleaned up"):
        ws.apply(PATCH)


def _spawn_owner(repo: Path, root: Path, then: str) -> subprocess.Popen[str]:
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from executor.workspace import create_workspace\n"
        f"ws = create_workspace(Path({str(repo)!r}), root=Path({str(root)!r}))\n"
        "print(ws.path, flush=True)\n"
        f"{then}\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )


def test_workspace_of_a_killed_process_is_collected(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo({"m.py": "x = 1\n"})
    root = tmp_path / "ws"
    owner = _spawn_owner(repo, root, "time.sleep(60)")
    assert owner.stdout is not None
    path = Path(owner.stdout.readline().strip())
    assert path.is_dir()
    assert collect_stale(root) == 0
    assert path.is_dir()
    owner.send_signal(signal.SIGKILL)
    owner.wait()
    owner.stdout.close()
    assert path.is_dir()
    assert collect_stale(root) == 1
    assert not path.parent.exists()


def test_workspace_is_removed_at_normal_exit(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo({"m.py": "x = 1\n"})
    owner = _spawn_owner(repo, tmp_path / "ws", "sys.exit(0)")
    out, _ = owner.communicate(timeout=60)
    assert owner.returncode == 0
    assert not Path(out.strip()).exists()


def test_live_workspaces_are_not_collected(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo({"m.py": "x = 1\n"})
    with create_workspace(repo, root=tmp_path / "ws") as ws:
        assert collect_stale(tmp_path / "ws") == 0
        assert ws.path.is_dir()


def test_root_must_belong_to_this_user(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo({"m.py": "x = 1\n"})
    target = tmp_path / "elsewhere"
    target.mkdir()
    os.symlink(target, tmp_path / "ws")
    with pytest.raises(WorkspaceError, match="not a directory owned"):
        create_workspace(repo, root=tmp_path / "ws")


def test_as_root_the_tree_belongs_to_the_sandbox_user(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo({"pkg/m.py": "x = 1\n"})
    with create_workspace(repo, root=tmp_path / "ws") as ws:
        expected = 65534 if os.geteuid() == 0 else os.getuid()
        assert (ws.path / "pkg").stat().st_uid == (ws.path / "pkg/m.py").stat().st_uid == expected
        assert ws.path.stat().st_uid == (ws.path / ".git").stat().st_uid == os.getuid()
        assert ws.apply(PATCH.replace("m.py", "pkg/m.py")) == ["pkg/m.py"]
        assert git(ws.path, "status", "--porcelain") == " M pkg/m.py\n"


def test_worktree_from_a_subdirectory_and_a_bare_repository(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    repo = make_repo({"pkg/m.py": "x = 1\n"})
    write_files(repo, {"top.txt": "untracked at the top\n", "pkg/m.py": "x = 2\n"})
    with create_workspace(repo / "pkg", include_worktree=True, root=tmp_path / "ws") as ws:
        assert (ws.path / "top.txt").read_text() == "untracked at the top\n"
        assert (ws.path / "pkg/m.py").read_text() == "x = 2\n"
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    with create_workspace(bare, root=tmp_path / "ws") as ws:
        assert (ws.path / "pkg/m.py").read_text() == "x = 1\n"
