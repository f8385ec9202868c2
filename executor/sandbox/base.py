"""The contract every sandbox backend satisfies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from executor.model import Limits, RunResult


class Sandbox(Protocol):
    name: str
    isolated: bool  # False only for the explicit, loudly labelled `local` backend

    def available(self) -> bool:
        """True when this backend can run here (binary present, engine answering)."""
        ...

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
        """Run `argv` with `workdir` as the only writable tree and its current directory.

        `env` is the complete environment (already scrubbed by the caller); `network` is
        only ever True for the dependency-setup step; `ro_binds` are extra host paths (a
        cached virtualenv) made visible read-only at the same path.
        """
        ...
