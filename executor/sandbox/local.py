"""The `local` backend: rlimits, a timeout and an output cap, but no isolation at all.

The command sees the host's files and network as the current user. It exists for
machines with neither bubblewrap nor Docker, only behind an explicit opt-in, and every
result it produces says so in its `backend` field and on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from executor.errors import SandboxError
from executor.model import Limits, RunResult
from executor.sandbox._limits import Spawn, default_env, run_bounded

LABEL = "local (NOT ISOLATED)"


class LocalSandbox:
    """Runs on the host with limits only; `isolated` is False so callers can refuse it."""

    name = "local"
    isolated = False

    def available(self) -> bool:
        return sys.platform != "win32"

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
        """Run `argv` in `workdir` on the host; `network` and `ro_binds` cannot be enforced."""
        if not argv:
            raise SandboxError("nothing to run: empty command")
        if not workdir.is_dir():
            raise SandboxError(f"working directory {workdir} does not exist")
        print(
            f"patchwright: WARNING: running {argv[0]!r} without isolation (backend local)",
            file=sys.stderr,
        )
        spawn = Spawn(argv=argv, cwd=workdir, env=env if env is not None else default_env(workdir))
        return run_bounded(spawn, limits, backend=LABEL, shown_argv=argv)
