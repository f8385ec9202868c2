"""Run one process under rlimits, a wall-clock deadline and an output cap.

Shared by the `local` and `bwrap` backends: both start a host process whose whole tree
inherits the rlimits set here; `bwrap` adds the namespaces around it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import resource
import selectors
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from executor.errors import SandboxError
from executor.model import Limits, RunResult

_MB = 1024 * 1024
_CHUNK = 1 << 20
_PIPE_BYTES = 1 << 20
_F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
# Once a command has exited, a pipe still open belongs to a leftover child; drain it
# this long at most, so a daemon cannot hold the caller hostage.
_EXIT_GRACE = 0.5
DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"

_MEMORY_HINTS = ("MemoryError", "Cannot allocate memory", "std::bad_alloc", "out of memory")
_PROCESS_HINTS = (
    "Resource temporarily unavailable",
    "BlockingIOError",
    "fork: retry",
    "Cannot fork",
    "can't start new thread",
)


def rlimits(limits: Limits) -> list[tuple[int, tuple[int, int]]]:
    """The rlimits that enforce `limits`; the CPU hard limit one second later kills for sure."""
    memory = limits.memory_mb * _MB
    return [
        (resource.RLIMIT_AS, (memory, memory)),
        (resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1)),
        (resource.RLIMIT_FSIZE, (limits.file_size_mb * _MB, limits.file_size_mb * _MB)),
        (resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files)),
        (resource.RLIMIT_NPROC, (limits.processes, limits.processes)),
        (resource.RLIMIT_CORE, (0, 0)),
    ]


def validate_limits(limits: Limits) -> None:
    """Reject limits that are not positive: a zero limit would disable, not enforce."""
    for name in ("memory_mb", "cpu_seconds", "file_size_mb", "open_files", "processes"):
        if getattr(limits, name) <= 0:
            raise SandboxError(f"limit {name} must be positive, got {getattr(limits, name)}")
    if limits.wall_seconds <= 0 or limits.output_bytes < 0:
        raise SandboxError("limits wall_seconds must be positive and output_bytes not negative")


def preexec(limits: Limits) -> Callable[[], None]:
    """A `preexec_fn` that applies the rlimits in the child, before exec."""
    table = rlimits(limits)

    def apply() -> None:
        for kind, value in table:
            resource.setrlimit(kind, value)

    return apply


_PRLIMIT_NAMES = {
    resource.RLIMIT_AS: "as",
    resource.RLIMIT_CPU: "cpu",
    resource.RLIMIT_FSIZE: "fsize",
    resource.RLIMIT_NOFILE: "nofile",
    resource.RLIMIT_NPROC: "nproc",
    resource.RLIMIT_CORE: "core",
}


def prlimit_prefix(limits: Limits) -> list[str] | None:
    """`prlimit --as=S:H ... --` when util-linux has it, else None (use `preexec`).

    An exec prefix keeps Python's fast vfork spawn; a `preexec_fn` forces a full fork of
    the interpreter, which costs several milliseconds per start in a large process.
    """
    binary = shutil.which("prlimit")
    if binary is None:
        return None
    options = [f"--{_PRLIMIT_NAMES[kind]}={soft}:{hard}" for kind, (soft, hard) in rlimits(limits)]
    return [binary, *options, "--"]


def default_env(workdir: Path) -> dict[str, str]:
    """The environment when the caller gives none: nothing inherited from the host."""
    return {"PATH": DEFAULT_PATH, "HOME": str(workdir), "LANG": "C.UTF-8"}


@dataclass
class _Stream:
    cap: int
    data: bytearray = field(default_factory=bytearray)
    dropped: int = 0

    def add(self, chunk: bytes) -> None:
        room = self.cap - len(self.data)
        if room > 0:
            self.data += chunk[:room]
        self.dropped += max(0, len(chunk) - max(room, 0))


@dataclass(frozen=True, slots=True)
class Spawn:
    """How to start the host process; `prefix` runs before the rlimits are applied."""

    argv: Sequence[str]
    cwd: Path
    env: Mapping[str, str]
    pass_fds: Sequence[int] = ()
    prefix: Sequence[str] = ()


def run_bounded(
    spawn: Spawn, limits: Limits, *, backend: str, shown_argv: Sequence[str]
) -> RunResult:
    """Start `spawn`, capture capped output, kill its process group at the deadline."""
    validate_limits(limits)
    if any("\0" in arg for arg in spawn.argv):
        raise SandboxError("command arguments must not contain NUL bytes")
    started = time.monotonic()
    limiter = prlimit_prefix(limits)
    argv = [*spawn.prefix, *(limiter or []), *spawn.argv]
    try:
        proc = subprocess.Popen(
            argv,
            cwd=spawn.cwd,
            env=dict(spawn.env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=preexec(limits) if limiter is None else None,
            process_group=0,
            pass_fds=tuple(spawn.pass_fds),
            # Files a run creates (a virtualenv built in one run, read-only in the next)
            # stay readable by the sandbox user after ownership goes back to the host.
            umask=0o022,
        )
    except OSError as exc:
        raise SandboxError(f"cannot start {argv[0]}: {exc.strerror or exc}") from exc
    assert proc.stdout is not None and proc.stderr is not None
    out, err = _Stream(limits.output_bytes), _Stream(limits.output_bytes)
    timed_out = _pump(proc, {proc.stdout.fileno(): out, proc.stderr.fileno(): err}, limits)
    _kill_group(proc.pid)
    exit_code = proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    stderr = err.data.decode("utf-8", "replace")
    return RunResult(
        argv=tuple(shown_argv),
        backend=backend,
        exit_code=exit_code,
        stdout=out.data.decode("utf-8", "replace"),
        stderr=stderr,
        duration=time.monotonic() - started,
        timed_out=timed_out,
        truncated=bool(out.dropped or err.dropped),
        limit_hit=limit_hit(exit_code, stderr, timed_out=timed_out),
    )


def _pump(proc: subprocess.Popen[bytes], streams: dict[int, _Stream], limits: Limits) -> bool:
    """Read both pipes until EOF; returns True when the wall-clock deadline killed it."""
    deadline = time.monotonic() + limits.wall_seconds
    exited_at: float | None = None
    timed_out = False
    with selectors.DefaultSelector() as selector:
        for fd in streams:
            os.set_blocking(fd, False)
            _widen(fd)
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            now = time.monotonic()
            if exited_at is None and _has_exited(proc.pid):
                exited_at = now
            if exited_at is not None and now - exited_at > _EXIT_GRACE:
                break
            if not timed_out and now >= deadline:
                timed_out = True
                _kill_group(proc.pid)
            for key, _ in selector.select(timeout=0.05):
                fd = int(key.fd)
                try:
                    chunk = os.read(fd, _CHUNK)
                except BlockingIOError:
                    continue
                if chunk:
                    streams[fd].add(chunk)
                else:
                    selector.unregister(fd)
    # Both pipes closed but the command may still run: wait, unreaped, for the deadline.
    while not timed_out and not _has_exited(proc.pid):
        if time.monotonic() >= deadline:
            timed_out = True
            break
        time.sleep(0.01)
    return timed_out


def _widen(fd: int) -> None:
    """A 1 MiB pipe: a flood of output costs far fewer wake-ups (best effort)."""
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, _F_SETPIPE_SZ, _PIPE_BYTES)


def _has_exited(pid: int) -> bool:
    """Exit check that leaves the child unreaped, so its process group id stays ours."""
    try:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return info is not None


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def limit_hit(exit_code: int, stderr: str, *, timed_out: bool) -> str | None:
    """Which limit stopped the command, when the evidence says so."""
    if timed_out:
        return "wall"
    if exit_code == 0:
        return None
    tail = stderr[-4000:]
    # A shell reports a child's signal as 128+N and says which limit in words.
    if exit_code == -signal.SIGXCPU or "CPU time limit exceeded" in tail:
        return "cpu"
    if exit_code == -signal.SIGXFSZ or "File size limit exceeded" in tail:
        return "file size"
    if any(hint in tail for hint in _MEMORY_HINTS):
        return "memory"
    if any(hint in tail for hint in _PROCESS_HINTS):
        return "processes"
    return None
