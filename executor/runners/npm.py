"""`npm test` suites run by jest or vitest, both asked for their JSON report.

The two write the same shape (vitest copies jest's): files, each with assertion results.
A test's id is `relative/file.test.js::Outer > inner > title`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from executor.errors import RunnerError
from executor.model import Outcome, RunResult, TestResult
from executor.runners.base import clip, merge, read_config, read_report

_STATUS = {
    "passed": Outcome.PASSED,
    "failed": Outcome.FAILED,
    "pending": Outcome.SKIPPED,
    "skipped": Outcome.SKIPPED,
    "todo": Outcome.SKIPPED,
    "disabled": Outcome.SKIPPED,
}


class NpmRunner:
    name = "npm"

    def detect(self, root: Path) -> bool:
        return "test" in _package(root).get("scripts", {})

    def available(self) -> bool:
        return shutil.which("npx") is not None and shutil.which("node") is not None

    def command(self, root: Path, test_ids: Sequence[str], report_path: Path) -> list[str]:
        files = sorted({test_id.partition("::")[0] for test_id in test_ids})
        if framework(root) == "vitest":
            return ["npx", "--no-install", "vitest", "run", "--reporter=json",
                    f"--outputFile={report_path}", *files]  # fmt: skip
        return ["npx", "--no-install", "jest", "--json", f"--outputFile={report_path}",
                "--ci", *files]  # fmt: skip

    def parse(self, report_path: Path, result: RunResult, *, root: Path) -> tuple[TestResult, ...]:
        text = read_report(report_path)
        if text is None:
            if result.exit_code == 0:
                return ()
            return (TestResult("npm test", Outcome.ERROR, message=clip(result.stderr[-4000:])),)
        return parse_report(text, root)


def framework(root: Path) -> str:
    """ "vitest" or "jest", from the test script and the declared dependencies."""
    package = _package(root)
    script = str(package.get("scripts", {}).get("test", ""))
    deps = {**package.get("dependencies", {}), **package.get("devDependencies", {})}
    if "vitest" in script or ("vitest" in deps and "jest" not in script):
        return "vitest"
    return "jest"


def parse_report(text: str, root: Path) -> tuple[TestResult, ...]:
    """Per-test outcomes from a jest/vitest JSON report; a file that failed to load is one
    ERROR named after the file."""
    try:
        report = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RunnerError(f"unreadable jest/vitest JSON report: {exc}") from exc
    if not isinstance(report, dict):
        raise RunnerError("unreadable jest/vitest JSON report: not an object")
    results = []
    for suite in report.get("testResults") or []:
        path = _relative(str(suite.get("name", "")), root)
        cases: list[dict[str, Any]] = suite.get("assertionResults") or []
        for case in cases:
            title = " > ".join([*case.get("ancestorTitles", []), case.get("title", "")])
            outcome = _STATUS.get(str(case.get("status")), Outcome.ERROR)
            failures = "\n".join(str(m) for m in case.get("failureMessages") or [])
            duration = float(case.get("duration") or 0.0) / 1000
            results.append(TestResult(f"{path}::{title}", outcome, duration, clip(failures)))
        if not cases and suite.get("status") == "failed":
            results.append(TestResult(path, Outcome.ERROR, message=clip(suite.get("message", ""))))
    return merge(results)


def _relative(name: str, root: Path) -> str:
    try:
        return Path(name).relative_to(root).as_posix()
    except ValueError:
        return name


def _package(root: Path) -> dict[str, Any]:
    text = read_config(root / "package.json")
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}
