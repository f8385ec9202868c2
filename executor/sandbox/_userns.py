"""A fresh user namespace for one bwrap run, made by us rather than by bwrap.

Two reasons to build it here and hand bwrap its fd (`--userns FD`):

* As root, bwrap's own `--unshare-user` maps the sandbox uid onto host uid 0, and the
  kernel never applies RLIMIT_NPROC to host root: a fork bomb is unbounded. Here the
  sandbox runs as host uid `uid` (65534), while host root stays mapped to 0 inside so
  bwrap can still bind paths below root-only directories such as `/root/.pyenv`.
* A namespace records its creator's RLIMIT_NPROC as the ceiling for all the creator's
  processes on the host. A helper without that limit creates it, so the processes limit
  counts only the sandbox's processes, not every process the user runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

from executor.errors import SandboxError

_WAIT_SECONDS = 5.0


def unshare_binary() -> str | None:
    return shutil.which("unshare")


def as_user(uid: int, gid: int) -> list[str]:
    """An exec prefix that drops root to `uid`/`gid` with no supplementary groups.

    An exec prefix rather than Popen(user=...): the latter forces a full fork of the
    interpreter on every start.
    """
    binary = shutil.which("setpriv")
    if binary is None:
        raise SandboxError("bwrap backend run as root needs setpriv(1); install util-linux")
    return [binary, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"]


def new_userns(uid: int, gid: int) -> int:
    """Return an fd of a new user namespace owned by `uid`; the caller closes it."""
    binary = unshare_binary()
    if binary is None:
        raise SandboxError("bwrap backend needs unshare(1) from util-linux; install util-linux")
    as_root = os.geteuid() == 0
    prefix = as_user(uid, gid) if as_root else []
    try:
        helper = subprocess.Popen(
            [*prefix, binary, "--user", "--", "cat"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={"PATH": "/usr/bin:/bin"},
        )
    except OSError as exc:
        raise SandboxError(f"cannot start the user-namespace helper: {exc}") from exc
    try:
        _wait_for_unshare(helper)
        proc = f"/proc/{helper.pid}"
        if as_root:
            uid_map, gid_map = f"0 0 1\n{uid} {uid} 1\n", f"0 0 1\n{gid} {gid} 1\n"
        else:
            uid_map, gid_map = f"{uid} {uid} 1\n", f"{gid} {gid} 1\n"
            _write(f"{proc}/setgroups", "deny")
        _write(f"{proc}/uid_map", uid_map)
        _write(f"{proc}/gid_map", gid_map)
        return os.open(f"{proc}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
    finally:
        assert helper.stdin is not None
        helper.stdin.close()
        helper.wait()
        if helper.stderr is not None:
            helper.stderr.close()


def _wait_for_unshare(helper: subprocess.Popen[bytes]) -> None:
    mine = os.readlink("/proc/self/ns/user")
    deadline = time.monotonic() + _WAIT_SECONDS
    while time.monotonic() < deadline:
        if helper.poll() is not None:
            assert helper.stderr is not None
            reason = helper.stderr.read().decode("utf-8", "replace").strip()
            raise SandboxError(f"cannot create a user namespace: {reason or 'unshare failed'}")
        try:
            if os.readlink(f"/proc/{helper.pid}/ns/user") != mine:
                return
        except OSError:
            pass
        time.sleep(0.0002)
    raise SandboxError("cannot create a user namespace: the helper did not start in time")


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w") as handle:
            handle.write(text)
    except OSError as exc:
        raise SandboxError(f"cannot set up the user namespace ({path}): {exc.strerror}") from exc
