"""Test runners, one module each, in one registry; `detect_runner` picks the repository's."""

from __future__ import annotations

from pathlib import Path

from executor.errors import RunnerError
from executor.runners.base import Runner
from executor.runners.cargo import CargoRunner
from executor.runners.gotest import GoTestRunner
from executor.runners.npm import NpmRunner
from executor.runners.pytest import PytestRunner

# Checked in this order: a Python project that also ships a package.json runs pytest.
RUNNERS: dict[str, Runner] = {
    "pytest": PytestRunner(),
    "gotest": GoTestRunner(),
    "cargo": CargoRunner(),
    "npm": NpmRunner(),
}


def detect_runner(root: Path, name: str | None = None) -> Runner:
    """The runner named `name`, else the first whose `detect` recognises the repository.

    Raises `RunnerError` when none matches or the matching toolchain is not installed.
    """
    if name is not None:
        if name not in RUNNERS:
            raise RunnerError(f"unknown test runner {name!r}; choose one of {', '.join(RUNNERS)}")
        runner = RUNNERS[name]
    else:
        found = [r for r in RUNNERS.values() if r.detect(root)]
        if not found:
            raise RunnerError(
                f"no test runner detected in {root} (looked for pytest/tox/setup.cfg/pyproject, "
                "go.mod, Cargo.toml, a package.json test script)"
            )
        runner = found[0]
    if not runner.available():
        raise RunnerError(f"the {runner.name} toolchain is not installed on this machine")
    return runner


__all__ = ["RUNNERS", "Runner", "detect_runner"]
