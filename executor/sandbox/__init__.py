"""Sandbox backends behind one Protocol, in one registry, and the automatic choice."""

from __future__ import annotations

import os

from executor.errors import SandboxError
from executor.sandbox.base import Sandbox
from executor.sandbox.bwrap import BwrapSandbox
from executor.sandbox.docker import DockerSandbox
from executor.sandbox.local import LocalSandbox

BACKENDS: dict[str, Sandbox] = {
    "bwrap": BwrapSandbox(),
    "docker": DockerSandbox(),
    "local": LocalSandbox(),
}

NO_SANDBOX = (
    "no sandbox available: install bubblewrap (apt-get install bubblewrap) or start a "
    "Docker engine; --backend local runs without isolation"
)


def choose_sandbox(name: str | None = None, *, allow_local: bool = False) -> Sandbox:
    """The backend to run in: `name`, else `$PATCHWRIGHT_SANDBOX`, else docker, then bwrap.

    The unisolated `local` backend is only ever returned when named and `allow_local`.
    """
    name = name or os.environ.get("PATCHWRIGHT_SANDBOX") or None
    if name is not None:
        backend = BACKENDS.get(name)
        if backend is None:
            known = ", ".join(sorted(BACKENDS))
            raise SandboxError(f"unknown sandbox backend {name!r}; choose one of {known}")
        if not backend.isolated and not allow_local:
            raise SandboxError(
                f"backend {name!r} runs without isolation; pass the explicit opt-in to use it"
            )
        if not backend.available():
            raise SandboxError(f"sandbox backend {name!r} is not available here. {NO_SANDBOX}")
        return backend
    for candidate in ("docker", "bwrap"):
        if BACKENDS[candidate].available():
            return BACKENDS[candidate]
    raise SandboxError(NO_SANDBOX)


__all__ = ["BACKENDS", "NO_SANDBOX", "Sandbox", "choose_sandbox"]
