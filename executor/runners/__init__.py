"""Test runners, one module each, in one registry; `detect_runner` picks the repository's
and `run_tests` runs it in a sandbox."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from executor.environment import Environment, overlay_generated, private_dir, scrubbed_env
from executor.errors import RunnerError
from executor.model import Limits, Outcome, RunResult, TestResult
from executor.runners.base import Runner
from executor.runners.cargo import CargoRunner
from executor.runners.gotest import GoTestRunner
from executor.runners.npm import NpmRunner
from executor.runners.pytest import PytestRunner
from executor.sandbox.base import Sandbox

NOT_FOUND = "not found"  # the message of a requested id the runner could not find
REPORT_ID = "<test report>"  # the one result of a run whose report could not be read

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


@dataclass(frozen=True, slots=True)
class TestRun:
    """One run of a test set in one workspace (or its cached copy)."""

    __test__ = False

    result: RunResult
    tests: tuple[TestResult, ...]
    cached: bool = False


def run_tests(
    runner: Runner,
    sandbox: Sandbox,
    workdir: Path,
    environment: Environment,
    ids: Sequence[str],
    limits: Limits,
) -> TestRun:
    """Run `ids` (all when empty) once in `workdir`; ids the runner says name nothing are
    reported as ERROR ("not found", or their module's collection error) and the rest are
    run again without them."""
    env = scrubbed_env(workdir, environment, python_path=runner.name == "pytest")
    overlay_generated(environment, workdir)
    report = private_dir(workdir) / f"report-{runner.name}.out"
    missing: list[TestResult] = []
    wanted = list(ids)
    for _ in range(3):
        report = private_dir(workdir) / f"report-{runner.name}.out"
        if report.is_dir() and not report.is_symlink():
            shutil.rmtree(report)
        report.unlink(missing_ok=True)
        argv = runner.command(workdir, wanted, report)
        result = sandbox.run(argv, workdir, limits, env=env, ro_binds=environment.ro_binds)
        not_found = getattr(runner, "not_found", None)
        named = not_found(result) if not_found is not None and wanted else ()
        absent = {i for i in wanted if any(n == i or n.endswith(f"/{i}") for n in named)}
        if not absent:
            break
        missing += _not_found(runner, report, result, workdir, absent)
        wanted = [i for i in wanted if i not in absent]
        if not wanted:
            break
    try:
        tests = _parse(runner, report, result, workdir) if wanted or not ids else ()
    except RunnerError as exc:
        # The report is the tested code's output: a bad one is a failed run, not a crash.
        tests = (TestResult(REPORT_ID, Outcome.ERROR, message=str(exc)),)
    return TestRun(result, (*tests, *missing))


def _parse(
    runner: Runner, report: Path, result: RunResult, workdir: Path
) -> tuple[TestResult, ...]:
    """The run's results; refuses a report the test run could have redirected out of the
    workspace by making `.patchwright` a link (every read of a report goes through here)."""
    if (workdir / ".patchwright").is_symlink():
        raise RunnerError("the test run replaced .patchwright with a symlink")
    return runner.parse(report, result, root=workdir)


def _not_found(
    runner: Runner, report: Path, result: RunResult, workdir: Path, absent: set[str]
) -> list[TestResult]:
    """ERROR results for ids the runner could not find; when their module failed to
    import, that error (not "not found") is what the id gets."""
    try:
        first = _parse(runner, report, result, workdir)
    except RunnerError:
        first = ()
    modules = {t.id: t for t in first if t.outcome is Outcome.ERROR and "::" not in t.id}
    results = []
    for test_id in sorted(absent):
        module = modules.get(test_id.partition("::")[0])
        message = (module.message or "collection error") if module else NOT_FOUND
        results.append(TestResult(test_id, Outcome.ERROR, message=message))
    return results


__all__ = ["NOT_FOUND", "REPORT_ID", "RUNNERS", "Runner", "TestRun", "detect_runner", "run_tests"]
