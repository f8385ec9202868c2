"""`learn_profile`: discover a repository's source files, observe each, aggregate."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from style.declared import read_declared
from style.errors import StyleError
from style.learn import profile_from_observations
from style.model import Observations, StyleProfile
from style.observe import MAX_SOURCE_CHARS, observe_source
from style.paths import is_skipped, language_of

MAX_FILES = 50_000


def discover(root: Path) -> list[str]:
    """Source files of the repository, relative POSIX paths, sorted.

    `git ls-files` when `root` is a git work tree (so ignored files stay out), else a
    walk that skips hidden directories. Vendored and generated files are left out.
    """
    if not root.is_dir():
        raise StyleError(f"{root} is not a directory")
    paths = _git_files(root)
    if paths is None:
        paths = [
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
        ]
    chosen = sorted(p for p in paths if language_of(p) is not None and is_skipped(p) is None)
    return chosen[:MAX_FILES]


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else None


def _git_files(root: Path) -> list[str] | None:
    # Only at the top of a work tree: a directory ignored by an enclosing repository
    # (an unpacked sdist under a build directory) is walked instead.
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None or Path(top.strip()).resolve() != root.resolve():
        return None
    listed = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return None if listed is None else [p for p in listed.split("\0") if p]


def observe_files(root: Path, files: Sequence[str]) -> dict[str, Observations]:
    """Observations of each readable file; unreadable or oversized files are skipped."""
    base = root.resolve()
    observed: dict[str, Observations] = {}
    for rel in files:
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts:
            raise StyleError(f"{rel!r} is not a path inside the repository")
        target = base / rel
        try:
            if target.is_symlink() or not target.is_file():
                continue
            if target.stat().st_size > MAX_SOURCE_CHARS:
                continue
            source = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        observed[pure.as_posix()] = observe_source(pure.as_posix(), source)
    return observed


def learn_profile(root: Path, *, files: Sequence[str] | None = None) -> StyleProfile:
    """Learn the profile of the repository at `root` (declared config + its code)."""
    root = Path(root)
    chosen = discover(root) if files is None else list(files)
    return profile_from_observations(observe_files(root, chosen), declared=read_declared(root))
