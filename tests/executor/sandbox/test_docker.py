"""The docker backend without an engine: its exact configuration and its run path.

No Docker engine runs where this was written, so the run path is driven through a
client object that records calls (the one test double the project allows).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docker.models.containers import _create_container_args

from executor.errors import SandboxError
from executor.model import Limits
from executor.sandbox.docker import DEFAULT_IMAGE, DockerSandbox, container_config

LIMITS = Limits(memory_mb=512, cpu_seconds=30, file_size_mb=10, open_files=64, processes=32)


def test_container_config_is_exactly_this(tmp_path: Path) -> None:
    config = container_config(
        ["pytest", "-q"], tmp_path, LIMITS, env={"PATH": "/usr/bin"}, ro_binds=[Path("/opt/v")]
    )
    assert config == {
        "image": DEFAULT_IMAGE,
        "command": ["pytest", "-q"],
        "working_dir": str(tmp_path),
        "environment": {"PATH": "/usr/bin"},
        "user": "65534:65534",
        "network_mode": "none",
        "mem_limit": 512 * 1024 * 1024,
        "memswap_limit": 512 * 1024 * 1024,
        "pids_limit": 32,
        "nano_cpus": 1_000_000_000,
        "ulimits": [
            {"Name": "nofile", "Soft": 64, "Hard": 64},
            {"Name": "fsize", "Soft": 10 * 1024 * 1024, "Hard": 10 * 1024 * 1024},
            {"Name": "cpu", "Soft": 30, "Hard": 31},
            {"Name": "core", "Soft": 0, "Hard": 0},
        ],
        "read_only": True,
        "tmpfs": {"/tmp": "rw,nosuid,nodev,size=256m"},
        "volumes": {
            str(tmp_path): {"bind": str(tmp_path), "mode": "rw"},
            "/opt/v": {"bind": "/opt/v", "mode": "ro"},
        },
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "init": True,
        "labels": {"patchwright": "sandbox"},
    }


def test_the_sdk_accepts_the_config(tmp_path: Path) -> None:
    config = container_config(["true"], tmp_path, LIMITS, network=True)
    args = _create_container_args({**config, "version": "1.44"})
    host = args["host_config"]
    assert host["NetworkMode"] == "bridge"
    assert host["ReadonlyRootfs"] is True and host["PidsLimit"] == 32
    assert host["Binds"] == [f"{tmp_path}:{tmp_path}:rw"]
    assert host["CapDrop"] == ["ALL"]
    assert args["environment"]["HOME"] == str(tmp_path)


class RecordingContainer:
    def __init__(self, calls: list[str], *, hang: bool, out: bytes) -> None:
        self.calls, self.hang, self.out = calls, hang, out
        self.attrs: dict[str, Any] = {"State": {"OOMKilled": False}}

    def start(self) -> None:
        self.calls.append("start")

    def wait(self, timeout: float) -> dict[str, int]:
        self.calls.append(f"wait {timeout}")
        if self.hang:
            raise TimeoutError("read timed out")
        return {"StatusCode": 3}

    def kill(self) -> None:
        self.calls.append("kill")

    def logs(self, *, stdout: bool, stderr: bool, stream: bool, follow: bool) -> Iterator[bytes]:
        self.calls.append(f"logs stdout={stdout}")
        data = self.out if stdout else b"warn\n"
        return iter([data[i : i + 4] for i in range(0, len(data), 4)])

    def reload(self) -> None:
        self.calls.append("reload")

    def remove(self, *, force: bool) -> None:
        self.calls.append(f"remove force={force}")


class RecordingClient:
    def __init__(self, *, hang: bool = False, out: bytes = b"hello\n") -> None:
        self.calls: list[str] = []
        self.created: dict[str, Any] = {}
        self.owner_during_run = -1
        self.containers = self
        self.hang, self.out = hang, out

    def ping(self) -> bool:
        return True

    def create(self, **config: Any) -> RecordingContainer:
        self.created = config
        self.calls.append("create")
        self.owner_during_run = Path(config["working_dir"]).stat().st_uid
        return RecordingContainer(self.calls, hang=self.hang, out=self.out)


def test_run_creates_waits_collects_and_removes(tmp_path: Path) -> None:
    client = RecordingClient()
    docker = DockerSandbox(image="img:1", client_factory=lambda: client)
    assert docker.available()
    result = docker.run(["pytest"], tmp_path, LIMITS)
    assert client.created["image"] == "img:1"
    assert client.created["network_mode"] == "none"
    assert client.calls == [
        "create", "start", f"wait {LIMITS.wall_seconds}", "logs stdout=True",
        "logs stdout=False", "reload", "remove force=True",
    ]  # fmt: skip
    assert (result.exit_code, result.stdout, result.stderr) == (3, "hello\n", "warn\n")
    assert result.backend == "docker" and not result.timed_out
    if os.geteuid() == 0:
        assert client.owner_during_run == 65534
    assert tmp_path.stat().st_uid == os.getuid()


def test_timeout_kills_and_still_removes(tmp_path: Path) -> None:
    client = RecordingClient(hang=True, out=b"x" * 100)
    result = DockerSandbox(client_factory=lambda: client).run(
        ["sleep", "99"], tmp_path, Limits(wall_seconds=1, output_bytes=10)
    )
    assert result.timed_out and result.limit_hit == "wall"
    assert "kill" in client.calls and client.calls[-1] == "remove force=True"
    assert result.stdout == "x" * 10 and result.truncated


def test_engine_errors_become_sandbox_errors(tmp_path: Path) -> None:
    def broken() -> Any:
        raise ConnectionError("no engine")

    docker = DockerSandbox(client_factory=broken)
    assert not docker.available()
    with pytest.raises(SandboxError, match="could not create"):
        docker.run(["true"], tmp_path, LIMITS)


def test_default_client_reports_unavailable_without_an_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    assert DockerSandbox().available() is False
