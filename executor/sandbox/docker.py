"""The `docker` backend: one container per run through the docker SDK.

Chosen automatically when an engine answers. The container has no network, a read-only
root with a tmpfs `/tmp`, no capabilities, `no-new-privileges`, memory / pids / CPU
limits and ulimits, runs as uid 65534 and sees only the workdir (read-write) and the
extra read-only binds. Not exercised against a real engine on the machine it was built
on; the configuration it sends is tested exactly, the run path against a recording client.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from executor.errors import SandboxError
from executor.model import Limits, RunResult
from executor.sandbox._limits import default_env, limit_hit, validate_limits
from executor.sandbox._owner import give_back, hand_over
from executor.sandbox.bwrap import NOBODY

DEFAULT_IMAGE = "python:3.11-slim"
_MB = 1024 * 1024
_PING_TIMEOUT = 3


def _from_env() -> Any:
    import docker

    return docker.from_env(timeout=_PING_TIMEOUT)


def container_config(
    argv: Sequence[str],
    workdir: Path,
    limits: Limits,
    *,
    image: str = DEFAULT_IMAGE,
    env: Mapping[str, str] | None = None,
    network: bool = False,
    ro_binds: Sequence[Path] = (),
    user: str = f"{NOBODY}:{NOBODY}",
) -> dict[str, Any]:
    """Keyword arguments for `client.containers.create`: everything the container may do."""
    volumes = {str(workdir): {"bind": str(workdir), "mode": "rw"}}
    for path in ro_binds:
        volumes[str(path)] = {"bind": str(path), "mode": "ro"}
    file_size = limits.file_size_mb * _MB
    return {
        "image": image,
        "command": list(argv),
        "working_dir": str(workdir),
        "environment": dict(env) if env is not None else default_env(workdir),
        "user": user,
        "network_mode": "bridge" if network else "none",
        "mem_limit": limits.memory_mb * _MB,
        "memswap_limit": limits.memory_mb * _MB,
        "pids_limit": limits.processes,
        "nano_cpus": 1_000_000_000,
        "ulimits": [
            {"Name": "nofile", "Soft": limits.open_files, "Hard": limits.open_files},
            {"Name": "fsize", "Soft": file_size, "Hard": file_size},
            {"Name": "cpu", "Soft": limits.cpu_seconds, "Hard": limits.cpu_seconds + 1},
            {"Name": "core", "Soft": 0, "Hard": 0},
        ],
        "read_only": True,
        "tmpfs": {"/tmp": "rw,nosuid,nodev,size=256m"},
        "volumes": volumes,
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "init": True,
        "labels": {"patchwright": "sandbox"},
    }


class DockerSandbox:
    """Docker sandbox; `client_factory` returns a docker SDK client (`docker.from_env`)."""

    name = "docker"
    isolated = True

    def __init__(
        self,
        image: str | None = None,
        client_factory: Callable[[], Any] = _from_env,
    ) -> None:
        self.image = image or os.environ.get("PATCHWRIGHT_DOCKER_IMAGE") or DEFAULT_IMAGE
        self._client_factory = client_factory

    def available(self) -> bool:
        """True only when an engine answers a ping; never raises."""
        try:
            return bool(self._client_factory().ping())
        except Exception:
            return False

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
        """Create, start and wait for one container; it is removed whatever happens."""
        validate_limits(limits)
        if not argv:
            raise SandboxError("nothing to run: empty command")
        workdir = Path(workdir).resolve()
        if not workdir.is_dir():
            raise SandboxError(f"working directory {workdir} does not exist")
        config = container_config(
            argv, workdir, limits, image=self.image, env=env, network=network, ro_binds=ro_binds
        )
        lent = hand_over(workdir, NOBODY, NOBODY) if os.geteuid() == 0 else None
        try:
            return self._create_and_wait(config, argv, limits)
        finally:
            if lent is not None:
                give_back(workdir, lent, NOBODY)

    def _create_and_wait(
        self, config: dict[str, Any], argv: Sequence[str], limits: Limits
    ) -> RunResult:
        try:
            client = self._client_factory()
            container = client.containers.create(**config)
        except Exception as exc:
            raise SandboxError(f"docker could not create the container: {exc}") from exc
        started = time.monotonic()
        try:
            return self._wait(container, argv, limits, started)
        except SandboxError:
            raise
        except Exception as exc:
            raise SandboxError(f"docker run failed: {exc}") from exc
        finally:
            with contextlib.suppress(Exception):
                container.remove(force=True)

    def _wait(
        self, container: Any, argv: Sequence[str], limits: Limits, started: float
    ) -> RunResult:
        container.start()
        timed_out = False
        try:
            status = container.wait(timeout=limits.wall_seconds)
            exit_code = int(status.get("StatusCode", -1))
        except Exception:
            timed_out = True
            container.kill()
            exit_code = -9
        stdout, cut_out = _logs(container, limits.output_bytes, stdout=True)
        stderr, cut_err = _logs(container, limits.output_bytes, stdout=False)
        if status_oom(container):
            hit: str | None = "memory"
        else:
            hit = limit_hit(exit_code, stderr, timed_out=timed_out)
        return RunResult(
            argv=tuple(argv),
            backend=self.name,
            exit_code=exit_code,
            stdout=stdout,
            stderr=stderr,
            duration=time.monotonic() - started,
            timed_out=timed_out,
            truncated=cut_out or cut_err,
            limit_hit=hit,
        )


def status_oom(container: Any) -> bool:
    """Whether the engine reports the container was killed for memory."""
    try:
        container.reload()
        return bool(container.attrs.get("State", {}).get("OOMKilled", False))
    except Exception:
        return False


def _logs(container: Any, cap: int, *, stdout: bool) -> tuple[str, bool]:
    """One stream of the container's output, read no further than `cap` bytes."""
    stream = container.logs(stdout=stdout, stderr=not stdout, stream=True, follow=False)
    data = bytearray()
    truncated = False
    for chunk in stream:
        data += chunk
        if len(data) > cap:
            truncated = True
            break
    close = getattr(stream, "close", None)
    if close is not None:
        close()
    return bytes(data[:cap]).decode("utf-8", "replace"), truncated
