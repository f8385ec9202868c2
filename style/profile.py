"""`learn_profile`: discover a repository's source files, observe each, aggregate."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath

from style.declared import read_declared
from style.errors import StyleError
from style.learn import profile_from_observations
from style.model import Observations, StyleProfile
from style.observe import MAX_SOURCE_CHARS, observe_source
from style.paths import is_skipped, language_of

MAX_FILES = 50_000
MAX_WORKERS = 4
PARALLEL_FROM = 400  # below this, starting processes costs more than it saves
_CHUNK = 64


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


def observe_files(
    root: Path, files: Sequence[str], *, workers: int | None = None
) -> dict[str, Observations]:
    """Observations of each readable file; unreadable or oversized files are skipped.

    Large repositories are observed by a pool of processes (`workers`, default: one per
    CPU up to `MAX_WORKERS`); parsing is pure CPU work, so this scales with cores.
    """
    base = root.resolve()
    relative: list[str] = []
    for rel in files:
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts:
            raise StyleError(f"{rel!r} is not a path inside the repository")
        relative.append(pure.as_posix())
    count = workers if workers is not None else min(MAX_WORKERS, os.cpu_count() or 1)
    if count > 1 and len(relative) >= PARALLEL_FROM:
        chunks = [relative[i : i + _CHUNK] for i in range(0, len(relative), _CHUNK)]
        observed: dict[str, Observations] = {}
        with ProcessPoolExecutor(max_workers=count) as pool:
            for part in pool.map(_observe_chunk, [str(base)] * len(chunks), chunks):
                observed.update(part)
        return observed
    return _observe_chunk(str(base), relative)


def _observe_chunk(base: str, paths: list[str]) -> dict[str, Observations]:
    observed: dict[str, Observations] = {}
    for rel in paths:
        target = Path(base) / rel
        try:
            if target.is_symlink() or not target.is_file():
                continue
            if target.stat().st_size > MAX_SOURCE_CHARS:
                continue
            source = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        observed[rel] = observe_source(rel, source)
    return observed


def learn_profile(root: Path, *, files: Sequence[str] | None = None) -> StyleProfile:
    """Learn the profile of the repository at `root` (declared config + its code)."""
    root = Path(root)
    chosen = discover(root) if files is None else list(files)
    return profile_from_observations(observe_files(root, chosen), declared=read_declared(root))
