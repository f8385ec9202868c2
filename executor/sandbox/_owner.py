"""Lend a work tree to the sandbox user for one run, and take it back afterwards.

Started as root, the sandboxed command runs as an unprivileged host uid, so the tree it
works in must belong to that uid while it runs. Afterwards every entry goes back to its
previous owner (new entries to the tree's owner): a caller that hands in a directory of
its own finds it owned as before, and host-side tools (git) see a tree they own.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from executor.errors import SandboxError

Owners = dict[str, tuple[int, int]]


def hand_over(workdir: Path, uid: int, gid: int, *, keep_top: bool = False) -> Owners:
    """Make the tree (except `.git`) owned by `uid`/`gid`; returns who owned what before.

    Symlinks are changed themselves, never followed; hard-linked files are skipped, since
    changing their owner would change a file somewhere else. `keep_top` leaves `workdir`
    itself alone (git trusts a work tree by the owner of its top directory).
    """
    before: Owners = {}
    for path, info in _entries(workdir):
        if (info.st_uid, info.st_gid) == (uid, gid) or _shared(info):
            continue
        if keep_top and path == str(workdir):
            continue
        before[path] = (info.st_uid, info.st_gid)
        _chown(path, uid, gid)
    return before


def give_back(workdir: Path, before: Owners, uid: int) -> None:
    """Return what `hand_over` lent; entries the run created go to the tree's owner."""
    top = before.get(str(workdir))
    if top is None:
        info = _lstat(workdir)
        if info is None:
            return
        top = (info.st_uid, info.st_gid)
    for path, info in _entries(workdir):
        if info.st_uid != uid or _shared(info):
            continue
        owner = before.get(path, top)
        if owner != (info.st_uid, info.st_gid):
            _chown(path, *owner)


def _entries(workdir: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Every entry below `workdir` (and itself) with its lstat, `.git` left out."""
    top = _lstat(workdir)
    if top is None:
        return
    yield str(workdir), top
    pending = [str(workdir)]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                found = list(listing)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise SandboxError(f"cannot list {directory}: {exc.strerror}") from exc
        for entry in found:
            if directory == str(workdir) and entry.name == ".git":
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            yield entry.path, info
            if stat.S_ISDIR(info.st_mode):
                pending.append(entry.path)


def _shared(info: os.stat_result) -> bool:
    return stat.S_ISREG(info.st_mode) and info.st_nlink > 1


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SandboxError(f"cannot read the owner of {path}: {exc.strerror}") from exc


def _chown(path: str, uid: int, gid: int) -> None:
    try:
        os.chown(path, uid, gid, follow_symlinks=False)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise SandboxError(f"cannot change the owner of {path}: {exc.strerror}") from exc
