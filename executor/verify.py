"""Verify a patch: the same tests on the unpatched baseline and on the patched tree.

A patch is *verified* when it applied, no test that passed before fails, skips or vanishes
after it, every target test passes after it (fail→pass, pass→pass or new→pass), and at
least one test ran. Anything else is an answer, not
an error: the returned `Evidence` says why.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from codegraph import PatchwrightError
from executor.environment import (
    Environment,
    EnvSpec,
    data_dir,
    host_environment,
    is_dependency_file,
    locked,
    prepare_environment,
    toolchain_environment,
)
from executor.errors import PatchError, RunnerError
from executor.evidence import Change, CommandRecord, Evidence, TestChange, classify
from executor.model import Limits, Outcome, RunResult, TestResult
from executor.patching import MAX_PATCH_BYTES
from executor.runners import NOT_FOUND, REPORT_ID, Runner, TestRun, detect_runner, run_tests
from executor.sandbox import choose_sandbox
from executor.sandbox.base import Sandbox
from executor.workspace import create_workspace, resolve_commit

MAX_TEST_IDS = 5000
_BLOCKING = {Change.REGRESSED, Change.LOST, Change.NEW_FAIL}
_TOOLCHAINS = {"gotest": "go", "npm": "npx"}
# What go, cargo and npx say when a dependency is neither vendored nor in their cache.
_MISSING_DEPENDENCY = re.compile(
    r"proxy\.golang\.org|GOPROXY=off|missing go\.sum entry|no required module provides"
    r"|as a dependency of package|failed to load source for dependency|no matching package named"
    r"|you're using offline mode|Could not resolve host|Cannot find module"
    r"|could not determine executable to run"
    r"|npx canceled due to missing packages|ENOTFOUND|EAI_AGAIN"
)


def verify(
    repo: Path,
    patch: str,
    *,
    rev: str = "HEAD",
    tests: Sequence[str] | None = None,
    backend: str | None = None,
    allow_local: bool = False,
    limits: Limits = Limits(),  # noqa: B008 - frozen, so one shared default is safe
    setup: EnvSpec | None = EnvSpec(),  # noqa: B008
    wider: bool = False,
    runner: str | None = None,
    cache_dir: Path | None = None,
) -> Evidence:
    """Apply `patch` to `repo` at `rev` in a sandbox and compare tests with the baseline.

    `tests` are runner-native ids; when None (and the runner is pytest) the code graph's
    affected tests for the patch are used when it can name any, else the whole suite.
    `setup` builds (or reuses) the repository's virtualenv from the unpatched revision;
    None runs with patchwright's own interpreter. Nothing is read from or written to the
    user's working tree: both sides run in workspaces checked out at `rev`.
    """
    started = _now()
    repo = Path(repo).resolve()
    if len(patch.encode("utf-8", errors="replace")) > MAX_PATCH_BYTES:
        raise PatchError(f"patch is larger than {MAX_PATCH_BYTES // 1024 // 1024} MB")
    if tests is not None and len(tests) > MAX_TEST_IDS:
        raise RunnerError(f"{len(tests)} test ids given; at most {MAX_TEST_IDS}")
    cache = cache_dir or data_dir()
    sandbox = choose_sandbox(backend, allow_local=allow_local)
    base = _Partial(repo, resolve_commit(repo, rev), _sha(patch), sandbox, limits, started)
    if not patch.strip():
        return base.finish(False, "empty patch")
    with create_workspace(repo, base.revision) as patched:
        try:
            files = tuple(patched.apply(patch))
        except PatchError as exc:
            return base.finish(False, f"patch does not apply: {exc}")
        base = replace(base, patched_files=files)
        # Runner, environment and test choice come from the unpatched baseline tree: the
        # patch's own code never runs with the network, and the user's tree is never read
        # or written (it may hold uncommitted work, or a hostile committed index).
        with create_workspace(repo, base.revision) as baseline:
            test_runner = detect_runner(baseline.path, runner)
            environment = _environment(baseline.path, test_runner, setup, sandbox, cache)
            base = replace(base, runner=test_runner.name, environment=environment.key)
            commands = [CommandRecord.of("setup", r) for r in environment.setup]
            base = replace(base, notes=_dependency_notes(files, environment))
            ids = _target_ids(baseline.path, base.revision, test_runner, patch, tests, cache)
            before = _baseline(base, test_runner, environment, ids, cache, baseline.path)
            after = run_tests(test_runner, sandbox, patched.path, environment, ids, limits)
            commands += [_record("baseline", before), _record("patched", after)]
            rows = compare(before.tests, after.tests, ids, target=True)
            verified, reason = verdict(rows, after, whole_suite=not ids)
            if verified and wider and ids:
                before_all = _baseline(base, test_runner, environment, (), cache, baseline.path)
                after_all = run_tests(test_runner, sandbox, patched.path, environment, (), limits)
                commands += [
                    _record("baseline-wider", before_all),
                    _record("patched-wider", after_all),
                ]
                seen = {row.id for row in rows}
                extra = compare(before_all.tests, after_all.tests, (), target=False)
                rows += [row for row in extra if row.id not in seen]
                verified, reason = verdict(rows, after_all, whole_suite=False)
    notes = base.notes + _offline_notes(test_runner.name, before, after)
    return replace(base, notes=notes).finish(
        verified, reason, commands=tuple(commands), tests=tuple(rows)
    )


def compare(
    before: Sequence[TestResult], after: Sequence[TestResult], ids: Sequence[str], *, target: bool
) -> list[TestChange]:
    """The per-test table: every id asked for, and every test either run reported."""
    was = {t.id: t for t in before}
    now = {t.id: t for t in after}
    rows = []
    for test_id in sorted(set(ids) | set(was) | set(now)):
        old, new = _lookup(was, test_id), _lookup(now, test_id)
        change = classify(old.outcome if old else None, new.outcome if new else None)
        if change is Change.MISSING and old is None and test_id not in ids:
            continue
        message = new.message if new and new.outcome in (Outcome.FAILED, Outcome.ERROR) else ""
        is_target = target and (not ids or test_id in ids)
        rows.append(TestChange(test_id, _o(old), _o(new), change, is_target, message))
    return rows


def verdict(rows: Sequence[TestChange], after: TestRun, *, whole_suite: bool) -> tuple[bool, str]:
    """(verified, one-line reason) for the table of a run."""
    if after.result.timed_out:
        return False, f"test run timed out after {after.result.duration:.0f}s"
    if after.result.limit_hit:
        return False, f"test run hit the {after.result.limit_hit} limit"
    # Over a whole suite, failures the baseline already had are not the patch's doing; a
    # test that passed before must still pass (not fail, skip or vanish), and a target
    # test must pass after, whatever it did before.
    for row in rows:
        lost = row.before is Outcome.PASSED and row.after is not Outcome.PASSED
        unmet = row.target and not whole_suite and row.after is not Outcome.PASSED
        if row.change in _BLOCKING or lost or unmet:
            if row.message == NOT_FOUND:
                return False, f"target test not found: {row.id}"
            regressed = row.change in _BLOCKING or lost
            kind = "regression" if regressed else "target test not passing"
            return False, f"{kind}: {row.id} {row.change.value}"
    if not any(row.after is Outcome.PASSED for row in rows):
        return False, "no test ran"
    fixed = sum(row.change is Change.FIXED for row in rows)
    kept = sum(row.change is Change.KEPT for row in rows)
    new = sum(row.change is Change.NEW_PASS for row in rows)
    return True, f"{fixed} fail->pass, {kept} pass->pass, {new} new passing"


@dataclass(frozen=True, slots=True)
class _Partial:
    """What is known so far of an evidence record."""

    repo: Path
    revision: str
    patch_sha256: str
    sandbox: Sandbox
    limits: Limits
    started: str
    patched_files: tuple[str, ...] = ()
    runner: str = ""
    environment: str = ""
    notes: tuple[str, ...] = ()

    def finish(
        self,
        verified: bool,
        reason: str,
        *,
        commands: tuple[CommandRecord, ...] = (),
        tests: tuple[TestChange, ...] = (),
    ) -> Evidence:
        return Evidence(
            verified=verified,
            reason=reason.splitlines()[0] if reason else "",
            repo=str(self.repo),
            revision=self.revision,
            patch_sha256=self.patch_sha256,
            patched_files=self.patched_files,
            backend=self.sandbox.name,
            isolated=self.sandbox.isolated,
            runner=self.runner,
            environment=self.environment,
            limits=self.limits,
            commands=commands,
            tests=tests,
            started=self.started,
            finished=_now(),
            notes=self.notes,
        )


def _baseline(
    base: _Partial,
    runner: Runner,
    environment: Environment,
    ids: Sequence[str],
    cache: Path,
    tree: Path,
) -> TestRun:
    """The unpatched run in `tree`, from the cache when this revision, test set and env
    ran before."""
    parts = [base.revision, runner.name, environment.key, sorted(ids), base.sandbox.name]
    key_text = json.dumps([*parts, asdict(base.limits)])
    key = hashlib.sha256(key_text.encode()).hexdigest()[:32]
    path = cache / "baselines" / f"{key}.json"
    loaded = _load_baseline(path)
    if loaded is not None:
        return loaded
    run = run_tests(runner, base.sandbox, tree, environment, ids, base.limits)
    # An infrastructure failure (no tests, an unreadable report) is never remembered.
    broken = not run.tests or any(t.id == REPORT_ID for t in run.tests)
    if not run.result.timed_out and run.result.limit_hit is None and not broken:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_suffix(".tmp")
        staging.write_text(json.dumps(_dump_baseline(run)))
        staging.replace(path)
    return run


def _dump_baseline(run: TestRun) -> dict[str, Any]:
    result = run.result
    return {
        "result": [list(result.argv), result.backend, result.exit_code, result.duration],
        "tests": [[t.id, str(t.outcome), t.duration, t.message] for t in run.tests],
    }


def _load_baseline(path: Path) -> TestRun | None:
    try:
        data = json.loads(path.read_text())
        argv, backend, exit_code, duration = data["result"]
        tests = tuple(TestResult(i, Outcome(o), float(d), str(m)) for i, o, d, m in data["tests"])
        result = RunResult(tuple(argv), str(backend), int(exit_code), "", "", float(duration))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent or unreadable: run the baseline again
    return TestRun(result, tests, cached=True)


def _environment(
    root: Path, runner: Runner, setup: EnvSpec | None, sandbox: Sandbox, cache: Path
) -> Environment:
    if runner.name != "pytest":
        return toolchain_environment(_TOOLCHAINS.get(runner.name, runner.name))
    if setup is None:
        return host_environment()
    return prepare_environment(root, setup, sandbox, cache_dir=cache)


def _dependency_notes(files: Sequence[str], environment: Environment) -> tuple[str, ...]:
    changed = [name for name in files if is_dependency_file(name)]
    if not changed or environment.generated is None:  # not a venv this repository built
        return ()
    return (
        f"the patch changes {', '.join(changed[:5])}: the environment was built from the "
        "unpatched revision (the patch's build code never runs with the network)",
    )


def _offline_notes(runner: str, *runs: TestRun) -> tuple[str, ...]:
    """A note when a go/cargo/npm run failed for want of dependencies it may not fetch."""
    if runner == "pytest":
        return ()
    for run in runs:
        texts = [run.result.stderr[-20_000:], run.result.stdout[-20_000:]]
        texts += [t.message for t in run.tests if t.outcome is Outcome.ERROR]
        if any(_MISSING_DEPENDENCY.search(text) for text in texts):
            return (
                f"the {runner} run seems to need dependencies that are not installed: "
                f"{runner} runs offline and fetches nothing (see docs/executor.md)",
            )
    return ()


def _target_ids(
    tree: Path,
    revision: str,
    runner: Runner,
    patch: str,
    tests: Sequence[str] | None,
    cache: Path,
) -> tuple[str, ...]:
    if tests is not None:
        return tuple(dict.fromkeys(tests))
    if runner.name != "pytest":  # the code graph names tests the pytest way
        return ()
    return tuple(_affected_tests(tree, revision, patch, cache) or ())


def _affected_tests(tree: Path, revision: str, patch: str, cache: Path) -> list[str] | None:
    """The code graph's answer for the unpatched `tree`, else None (then the whole suite).

    The index lives in the executor's cache, one per revision, never in the repository: a
    committed `.patchwright/` of a hostile repository is never loaded.
    """
    from codegraph import affected_tests, build_index

    store = cache / "indexes" / revision
    store.parent.mkdir(parents=True, exist_ok=True)
    try:
        with locked(cache / "indexes" / f"{revision}.lock"):
            found = affected_tests(build_index(tree, data_dir=store), patch)
    except (OSError, PatchwrightError):
        return None
    return [str(test_id) for test_id in found] or None


def _record(phase: str, run: TestRun) -> CommandRecord:
    return CommandRecord.of(phase, run.result, cached=run.cached)


def _lookup(results: dict[str, TestResult], test_id: str) -> TestResult | None:
    # A module that failed to import reports one ERROR under its path: its tests share it.
    found = results.get(test_id)
    if found is None and "::" in test_id:
        module = results.get(test_id.partition("::")[0])
        if module is not None and module.outcome is Outcome.ERROR:
            return module
    return found


def _o(result: TestResult | None) -> Outcome | None:
    return None if result is None else result.outcome


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogateescape")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
