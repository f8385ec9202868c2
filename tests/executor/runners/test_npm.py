from __future__ import annotations

import json
from pathlib import Path

import pytest

from executor.errors import RunnerError
from executor.model import Outcome, RunResult
from executor.runners.npm import NpmRunner, framework, parse_report


def jest_report(root: Path) -> str:
    # The shape jest 29 writes with --json --outputFile (vitest writes the same).
    return json.dumps(
        {
            "numFailedTests": 1,
            "testResults": [
                {
                    "name": str(root / "src" / "sum.test.js"),
                    "status": "failed",
                    "assertionResults": [
                        {"ancestorTitles": ["sum"], "title": "adds", "status": "passed",
                         "duration": 3, "failureMessages": []},
                        {"ancestorTitles": ["sum", "edge"], "title": "overflows",
                         "status": "failed", "duration": 5,
                         "failureMessages": ["Error: expect(received).toBe(expected)"]},
                        {"ancestorTitles": [], "title": "later", "status": "todo",
                         "failureMessages": []},
                    ],
                },
                {"name": str(root / "src" / "broken.test.js"), "status": "failed",
                 "message": "SyntaxError: Unexpected token", "assertionResults": []},
            ],
        }
    )  # fmt: skip


def test_jest_json_becomes_per_test_results(tmp_path: Path) -> None:
    results = {r.id: r for r in parse_report(jest_report(tmp_path), tmp_path)}
    assert {k: r.outcome for k, r in results.items()} == {
        "src/broken.test.js": Outcome.ERROR,
        "src/sum.test.js::later": Outcome.SKIPPED,
        "src/sum.test.js::sum > adds": Outcome.PASSED,
        "src/sum.test.js::sum > edge > overflows": Outcome.FAILED,
    }
    assert "toBe" in results["src/sum.test.js::sum > edge > overflows"].message
    with pytest.raises(RunnerError, match="unreadable"):
        parse_report("{not json", tmp_path)


def test_framework_and_command_come_from_package_json(tmp_path: Path) -> None:
    runner = NpmRunner()
    package = tmp_path / "package.json"
    package.write_text(json.dumps({"scripts": {"test": "vitest"}, "devDependencies": {}}))
    assert runner.detect(tmp_path) and framework(tmp_path) == "vitest"
    argv = runner.command(tmp_path, ["src/a.test.ts::x"], tmp_path / "r.json")
    assert argv[:4] == ["npx", "--no-install", "vitest", "run"]
    assert argv[-1] == "src/a.test.ts"
    package.write_text(json.dumps({"scripts": {"test": "jest --ci"}}))
    assert framework(tmp_path) == "jest"
    assert "--json" in runner.command(tmp_path, [], tmp_path / "r.json")
    package.write_text(json.dumps({"scripts": {"build": "tsc"}}))
    assert not runner.detect(tmp_path)


def test_no_report_and_a_failing_exit_is_one_error(tmp_path: Path) -> None:
    result = RunResult(("npx",), "bwrap", 1, "", "Cannot find module 'jest'", 0.2)
    (only,) = NpmRunner().parse(tmp_path / "absent.json", result, root=tmp_path)
    assert only.outcome is Outcome.ERROR and "jest" in only.message


def test_a_huge_package_json_is_refused_clearly(tmp_path: Path) -> None:
    scripts = {"scripts": {"test": "jest"}, "padding": "x" * 2_000_000}
    (tmp_path / "package.json").write_text(json.dumps(scripts))
    with pytest.raises(RunnerError, match=r"^package.json is larger than 1 MB$"):
        NpmRunner().detect(tmp_path)
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"test": "jest"}}))
    assert NpmRunner().detect(tmp_path)
