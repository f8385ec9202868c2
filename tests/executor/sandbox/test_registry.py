"""The registry and the automatic choice of a backend."""

from __future__ import annotations

from typing import Any

import pytest

from executor.errors import SandboxError
from executor.sandbox import BACKENDS, NO_SANDBOX, choose_sandbox
from executor.sandbox.bwrap import BwrapSandbox
from executor.sandbox.docker import DockerSandbox
from executor.sandbox.local import LocalSandbox


def no_engine() -> Any:
    raise ConnectionError("no engine")


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PATCHWRIGHT_SANDBOX", raising=False)
    monkeypatch.setitem(BACKENDS, "docker", DockerSandbox(client_factory=no_engine))


def test_registry_names_every_backend() -> None:
    assert sorted(BACKENDS) == ["bwrap", "docker", "local"]
    assert all(backend.name == name for name, backend in BACKENDS.items())
    assert [n for n, b in BACKENDS.items() if not b.isolated] == ["local"]


def test_automatic_choice_falls_back_to_bwrap_without_an_engine() -> None:
    assert choose_sandbox() is BACKENDS["bwrap"]


def test_docker_wins_when_an_engine_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    class Answering:
        def ping(self) -> bool:
            return True

    monkeypatch.setitem(BACKENDS, "docker", DockerSandbox(client_factory=Answering))
    assert choose_sandbox() is BACKENDS["docker"]


def test_nothing_available_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(BACKENDS, "bwrap", BwrapSandbox(binary="no-such-bwrap"))
    with pytest.raises(SandboxError) as caught:
        choose_sandbox()
    assert str(caught.value) == NO_SANDBOX
    assert "apt-get install bubblewrap" in NO_SANDBOX


def test_explicit_names(monkeypatch: pytest.MonkeyPatch) -> None:
    assert choose_sandbox("bwrap") is BACKENDS["bwrap"]
    with pytest.raises(SandboxError, match="'docker' is not available"):
        choose_sandbox("docker")
    with pytest.raises(SandboxError, match="unknown sandbox backend 'vm'"):
        choose_sandbox("vm")
    monkeypatch.setenv("PATCHWRIGHT_SANDBOX", "docker")
    with pytest.raises(SandboxError, match="not available"):
        choose_sandbox()


def test_local_needs_the_explicit_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SandboxError, match="without isolation"):
        choose_sandbox("local")
    monkeypatch.setenv("PATCHWRIGHT_SANDBOX", "local")
    with pytest.raises(SandboxError, match="without isolation"):
        choose_sandbox()
    assert isinstance(choose_sandbox("local", allow_local=True), LocalSandbox)
