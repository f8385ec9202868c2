"""The `bwrap` backend: Linux namespaces via bubblewrap, the default on Linux.

Inside: new user, PID, IPC, UTS, cgroup and (unless asked otherwise) network namespaces;
`/usr`, `/etc` and the running Python installation read-only; a private `/tmp`; the
workdir the only writable tree (its `.git` read-only). Started as root, the command runs
as uid/gid 65534 on the host too, so RLIMIT_NPROC applies (see `_userns`).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from executor.errors import SandboxError
from executor.model import Limits, RunResult
from executor.sandbox._limits import Spawn, default_env, limit_hit, run_bounded
from executor.sandbox._owner import give_back, hand_over
from executor.sandbox._userns import as_user, new_userns, unshare_binary

NOBODY = 65534
_SYSTEM_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
_MAX_SIGNAL = 64
_GONE_SECONDS = 10.0


class BwrapSandbox:
    """Bubblewrap sandbox; `uid`/`gid` is the host identity used when started as root."""

    name = "bwrap"
    isolated = True

    def __init__(self, binary: str = "bwrap", uid: int = NOBODY, gid: int = NOBODY) -> None:
        self.binary = binary
        self.uid = uid
        self.gid = gid
        self._probed: bool | None = None

    def available(self) -> bool:
        """True when bwrap exists and can build a sandbox here (probed once)."""
        if self._probed is None:
            self._probed = self._probe()
        return self._probed

    def _probe(self) -> bool:
        if shutil.which(self.binary) is None or unshare_binary() is None:
            return False
        if os.geteuid() == 0 and shutil.which("setpriv") is None:
            return False
        try:
            result = self.run(["true"], Path("/"), Limits(wall_seconds=10.0))
        except SandboxError:
            return False
        return result.exit_code == 0

    def run(
        self,
        argv: Sequence[str],
        workdir: Path,
        limits: Limits,
        *,
        env: Mapping[str, str] | None = None,
        network: bool = False,
        ro_binds: Sequence[Path] = (),
    ) -> RunResult:
        """Run `argv` inside a fresh sandbox with `workdir` bound read-write at its own path."""
        binary = shutil.which(self.binary)
        if binary is None:
            raise SandboxError("bubblewrap is not installed: apt-get install bubblewrap")
        if not argv:
            raise SandboxError("nothing to run: empty command")
        workdir = _existing_dir(workdir)
        binds = [_existing_dir_or_file(path) for path in ro_binds]
        environment = dict(env) if env is not None else default_env(workdir)
        as_root = os.geteuid() == 0
        uid, gid = (self.uid, self.gid) if as_root else (os.getuid(), os.getgid())
        lent = hand_over(workdir, uid, gid) if as_root and workdir != Path("/") else None
        userns = -1
        status_read, status_write = os.pipe()
        try:
            userns = new_userns(uid, gid)
            command = bwrap_argv(
                binary,
                argv,
                workdir,
                environment,
                network=network,
                ro_binds=binds,
                userns_fd=userns,
                status_fd=status_write,
            )
            spawn = Spawn(
                argv=command,
                cwd=Path("/"),
                env={"PATH": "/usr/bin:/bin"},
                pass_fds=(userns, status_write),
                prefix=as_user(uid, gid) if as_root else (),
            )
            result = run_bounded(spawn, limits, backend=self.name, shown_argv=argv)
            os.close(status_write)
            status_write = -1
            child, started = _read_status(status_read)
            if result.timed_out and child is not None:
                _wait_gone(child)
        finally:
            for fd in (userns, status_read, status_write):
                if fd >= 0:
                    os.close(fd)
            if lent is not None:
                give_back(workdir, lent, uid)
        if not started and not result.timed_out:
            reason = (result.stderr.strip().splitlines() or ["no message"])[-1]
            if reason.startswith("bwrap: execvp "):
                # The sandbox was built; the command does not exist in it (a shell's 127).
                return replace(result, exit_code=127)
            raise SandboxError(f"bwrap could not build the sandbox: {reason}")
        return _signal_from_exit_code(result)


def bwrap_argv(
    binary: str,
    argv: Sequence[str],
    workdir: Path,
    env: Mapping[str, str],
    *,
    network: bool,
    ro_binds: Sequence[Path],
    userns_fd: int,
    status_fd: int,
) -> list[str]:
    """The complete bwrap command line; pure, so tests can read exactly what is isolated."""
    args = [binary, "--userns", str(userns_fd), "--json-status-fd", str(status_fd)]
    args += ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if not network:
        args.append("--unshare-net")
    args += ["--die-with-parent", "--new-session", "--hostname", "sandbox"]
    args += ["--ro-bind", "/usr", "/usr"]
    for name in _SYSTEM_LINKS:
        path = Path("/", name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    args += ["--ro-bind", "/etc", "/etc"]
    python = python_home()
    if python is not None:
        args += ["--ro-bind", str(python), str(python)]
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    if workdir != Path("/"):
        args += ["--bind", str(workdir), str(workdir)]
        git_dir = workdir / ".git"
        if git_dir.is_dir() and not git_dir.is_symlink():
            args += ["--ro-bind", str(git_dir), str(git_dir)]
    for path in ro_binds:
        args += ["--ro-bind", str(path), str(path)]
    # The root itself is bwrap's tmpfs: read-only, so only the workdir and /tmp take writes.
    args += ["--remount-ro", "/", "--chdir", str(workdir), "--clearenv"]
    for key, value in env.items():
        if not key or "=" in key or "\0" in key or "\0" in value:
            raise SandboxError(f"invalid environment variable name or value: {key!r}")
        args += ["--setenv", key, value]
    return [*args, "--", *argv]


def python_home() -> Path | None:
    """The running interpreter's installation, when it lives outside the bound `/usr`."""
    home = Path(sys.base_prefix).resolve()
    if home == Path("/usr") or Path("/usr") in home.parents:
        return None
    return home


def _read_status(status_read: int) -> tuple[int | None, bool]:
    """bwrap's report: the sandbox's init pid, and whether setup finished and the command
    ran (bwrap then reports an exit code). bwrap has exited, so this never waits."""
    os.set_blocking(status_read, False)
    chunks = []
    while True:
        try:
            chunk = os.read(status_read, 65536)
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    child, started = None, False
    for line in b"".join(chunks).decode("utf-8", "replace").splitlines():
        try:
            report = json.loads(line)
        except ValueError:
            continue
        if isinstance(report, dict):
            child = report.get("child-pid", child)
            started = started or "exit-code" in report
    return (child if isinstance(child, int) else None), started


def _wait_gone(pid: int) -> None:
    """After a kill at the deadline, wait until the sandbox's init has exited.

    The kernel kills the whole PID namespace when its init dies, but asynchronously to
    our reaping of bwrap; init is gone (or a zombie) only once every process in it is.
    """
    deadline = time.monotonic() + _GONE_SECONDS
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.005)


def _signal_from_exit_code(result: RunResult) -> RunResult:
    """bwrap reports a child killed by signal N as 128+N; report it as -N like the others."""
    signal = result.exit_code - 128
    if not 0 < signal <= _MAX_SIGNAL:
        return result
    return replace(
        result,
        exit_code=-signal,
        limit_hit=limit_hit(-signal, result.stderr, timed_out=result.timed_out),
    )


def _existing_dir(path: Path) -> Path:
    resolved = Path(path).resolve()
    if not resolved.is_dir():
        raise SandboxError(f"working directory {path} does not exist")
    return resolved


def _existing_dir_or_file(path: Path) -> Path:
    if not Path(path).is_absolute():
        raise SandboxError(f"read-only bind {path} must be an absolute path")
    resolved = Path(path).resolve()
    if not resolved.exists():
        raise SandboxError(f"read-only bind {path} does not exist")
    if resolved == Path("/"):
        raise SandboxError("refusing to bind the whole host filesystem into the sandbox")
    return resolved
