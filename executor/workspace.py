"""Throw-away copies of a repository at a revision, where patches are applied and run.

A workspace is `<root>/ws-XXXX/tree`: a fresh `git init` whose object store borrows the
user's objects (read-only, through `objects/info/alternates`), with the revision checked
out and committed as its own HEAD, so `git apply` and `git diff` work there and nothing
is ever written to the user's repository, index or working tree. Next to the tree, a
`lock` file is held with `flock` for the workspace's lifetime: the kernel drops the lock
when the owner dies, however it dies, and `collect_stale` then removes the leftovers.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from executor.errors import WorkspaceError
from executor.patching import apply_patch, git_env
from executor.sandbox._owner import hand_over
from executor.sandbox.bwrap import NOBODY

_PREFIX = "ws-"
_MAX_REV_CHARS = 256
_GIT_TIMEOUT = 600
# A workspace directory without a lock file is one being created right now, or one
# whose creation crashed; only the latter is this old.
_UNLOCKED_GRACE_SECONDS = 60.0
_LIVE: set[Workspace] = set()
_COLLECTED: set[Path] = set()


class Workspace:
    """A throw-away work tree at `revision`; use as a context manager or call `cleanup`."""

    def __init__(self, home: Path, revision: str, lock_fd: int) -> None:
        self.home = home
        self.path = home / "tree"
        self.revision = revision
        self._lock_fd = lock_fd
        _LIVE.add(self)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.cleanup()

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r}, revision={self.revision[:12]!r})"

    def apply(self, patch: str, *, allow_symlinks: bool = True) -> list[str]:
        """Apply a unified diff, all or nothing; returns the paths it touched.

        Raises `PatchError` naming the first offending file or hunk.
        """
        self._check_alive()
        return apply_patch(self.path, patch, allow_symlinks=allow_symlinks)

    def diff(self) -> str:
        """Everything that differs from `revision`, untracked files included, as a diff."""
        self._check_alive()
        _git(self.path, "add", "-A", own=True)
        return _git(
            self.path, "diff", "--cached", "--no-color", "--no-ext-diff", self.revision, own=True
        )

    def cleanup(self) -> None:
        """Remove the workspace; safe to call more than once."""
        _LIVE.discard(self)
        if self._lock_fd < 0:
            return
        remove_tree(self.home)
        os.close(self._lock_fd)
        self._lock_fd = -1

    def _check_alive(self) -> None:
        if self._lock_fd < 0:
            raise WorkspaceError(f"workspace {self.path} was already cleaned up")


def default_root() -> Path:
    """`$PATCHWRIGHT_DATA_DIR/workspaces`, else a per-user directory in the system temp dir."""
    data = os.environ.get("PATCHWRIGHT_DATA_DIR")
    if data:
        return Path(data) / "workspaces"
    return Path(tempfile.gettempdir()) / f"patchwright-workspaces-{os.getuid()}"


def create_workspace(
    repo: Path, rev: str = "HEAD", *, include_worktree: bool = False, root: Path | None = None
) -> Workspace:
    """A fresh workspace of `repo` at `rev` (plus uncommitted and untracked files if asked)."""
    repo = Path(repo)
    if not repo.is_dir():
        raise WorkspaceError(f"{repo} is not a directory")
    commit = resolve_commit(repo, rev)
    objects = _git(repo, "rev-parse", "--path-format=absolute", "--git-path", "objects").strip()
    root = _prepare_root(root or default_root())
    if root not in _COLLECTED:
        _COLLECTED.add(root)
        collect_stale(root)
    home = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=root))
    lock_fd = _lock(home)
    workspace = Workspace(home, commit, lock_fd)
    try:
        _checkout(workspace.path, objects, commit)
        if include_worktree:
            top = Path(_git(repo, "rev-parse", "--show-toplevel").strip())
            workspace.revision = _copy_worktree(top, workspace.path, commit)
        if os.geteuid() == 0:
            # Owned by the sandbox user from the start, a run only lends the top directory
            # and files written since (by patches), not the whole tree twice every run.
            hand_over(workspace.path, NOBODY, NOBODY, keep_top=True)
    except BaseException:
        workspace.cleanup()
        raise
    return workspace


def resolve_commit(repo: Path, rev: str) -> str:
    """The full sha of `rev`; rejects anything that is not a plain revision name."""
    if not rev or len(rev) > _MAX_REV_CHARS or rev.startswith("-") or any(c in rev for c in "\0\n"):
        raise WorkspaceError(f"invalid revision {rev[:80]!r}")
    try:
        out = _git(
            repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"
        )
    except WorkspaceError as exc:
        raise WorkspaceError(f"{repo}: unknown revision {rev!r} (or not a git repository)") from exc
    return out.strip()


def collect_stale(root: Path | None = None) -> int:
    """Remove workspaces whose owning process is gone; returns how many were removed."""
    root = Path(root) if root is not None else default_root()
    if not root.is_dir():
        return 0
    removed = 0
    for home in root.iterdir():
        if not home.name.startswith(_PREFIX) or home.is_symlink() or not home.is_dir():
            continue
        if _is_stale(home):
            remove_tree(home)
            removed += 1
    return removed


def _is_stale(home: Path) -> bool:
    try:
        fd = os.open(home / "lock", os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW)
    except FileNotFoundError:
        with contextlib.suppress(FileNotFoundError):
            return time.time() - home.lstat().st_mtime > _UNLOCKED_GRACE_SECONDS
        return False
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def remove_tree(path: Path) -> None:
    """Delete a directory tree, also the parts a sandboxed command made read-only."""

    def unlock_and_retry(func: object, target: str, _exc: object) -> None:
        with contextlib.suppress(OSError):
            parent = os.path.dirname(target)
            os.chmod(parent, stat.S_IRWXU)
            if os.path.isdir(target) and not os.path.islink(target):
                os.chmod(target, stat.S_IRWXU)
                shutil.rmtree(target, ignore_errors=True)
            else:
                os.unlink(target)

    if path.exists() or path.is_symlink():
        shutil.rmtree(path, onerror=unlock_and_retry)


def _prepare_root(root: Path) -> Path:
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = root.lstat()
    except OSError as exc:
        raise WorkspaceError(f"cannot create the workspace root {root}: {exc.strerror}") from exc
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise WorkspaceError(f"workspace root {root} is not a directory owned by this user")
    return root.resolve()


def _lock(home: Path) -> int:
    fd = os.open(home / "lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _checkout(tree: Path, objects: str, commit: str) -> None:
    _git(tree.parent, "-c", "init.defaultBranch=main", "init", "-q", str(tree), own=True)
    (tree / ".git" / "objects" / "info" / "alternates").write_text(objects + "\n")
    _git(tree, "read-tree", "-u", "--reset", commit, own=True)
    _git(tree, "update-ref", "HEAD", commit, own=True)


def _copy_worktree(repo: Path, tree: Path, commit: str) -> str:
    """Bring the user's uncommitted and untracked files over; commit them as the base."""
    changes = _git(
        repo, "diff", "--binary", "--full-index", "--no-color", "--no-ext-diff", "--no-textconv",
        commit, "--",
    )  # fmt: skip
    if changes.strip():
        _git(tree, "apply", "--binary", "--whitespace=nowarn", stdin=changes, own=True)
    untracked = _git(repo, "ls-files", "--others", "--exclude-standard", "-z")
    for rel in filter(None, untracked.split("\0")):
        _copy_entry(repo / rel, tree / rel)
    _git(tree, "add", "-A", own=True)
    if not _git(tree, "status", "--porcelain", own=True).strip():
        return commit
    _git(tree, "commit", "-q", "--no-verify", "-m", "working tree", own=True)
    return _git(tree, "rev-parse", "HEAD", own=True).strip()


def _copy_entry(source: Path, target: Path) -> None:
    info = source.lstat()
    target.parent.mkdir(parents=True, exist_ok=True)
    if stat.S_ISLNK(info.st_mode):
        os.symlink(os.readlink(source), target)
    elif stat.S_ISREG(info.st_mode):
        shutil.copy2(source, target, follow_symlinks=False)


def _git(cwd: Path, *args: str, stdin: str | None = None, own: bool = False) -> str:
    # Only our own trees are declared safe (the sandbox user owns their files); the
    # user's repository keeps git's ownership check.
    argv = ["git", *(["-c", f"safe.directory={cwd}"] if own else []), *args]
    try:
        done = subprocess.run(
            argv,
            cwd=cwd,
            input=stdin.encode("utf-8", "surrogateescape") if stdin is not None else None,
            env=git_env(),
            capture_output=True,
            timeout=_GIT_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise WorkspaceError(f"git {args[0]} could not run: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise WorkspaceError(f"git {args[0]} failed in {cwd}: {(message or ['no output'])[0]}")
    return done.stdout.decode("utf-8", "surrogateescape")


@atexit.register
def _cleanup_live() -> None:
    for workspace in list(_LIVE):
        with contextlib.suppress(Exception):
            workspace.cleanup()
