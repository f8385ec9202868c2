"""`go test -json ./...`: one JSON event per line; the last action of each test wins."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from executor.model import Outcome, RunResult, TestResult
from executor.runners.base import TO_REPORT, clip, merge, read_report

_ACTIONS = {"pass": Outcome.PASSED, "fail": Outcome.FAILED, "skip": Outcome.SKIPPED}
# `sh` writes go's stdout to the report so the sandbox's output cap cannot cut events.


class GoTestRunner:
    name = "gotest"

    def detect(self, root: Path) -> bool:
        return (root / "go.mod").is_file()

    def available(self) -> bool:
        return shutil.which("go") is not None

    def command(self, root: Path, test_ids: Sequence[str], report_path: Path) -> list[str]:
        argv = ["go", "test", "-json"]
        if test_ids:
            packages = sorted({_split(test_id)[0] for test_id in test_ids})
            names = sorted({_split(test_id)[1].split("/")[0] for test_id in test_ids})
            argv += ["-run", "^(" + "|".join(re.escape(n) for n in names) + ")$", *packages]
        else:
            argv.append("./...")
        return ["sh", "-c", TO_REPORT, "sh", str(report_path), *argv]

    def parse(self, report_path: Path, result: RunResult, *, root: Path) -> tuple[TestResult, ...]:
        text = read_report(report_path)
        return parse_events(result.stdout if text is None else text)


def parse_events(text: str) -> tuple[TestResult, ...]:
    """Per-test outcomes from `go test -json` output; a package that failed to build is
    one ERROR result named after the package."""
    final: dict[str, tuple[Outcome, float]] = {}
    output: dict[str, list[str]] = {}
    packages_with_tests: set[str] = set()
    for line in text.splitlines():
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(event, dict):
            continue
        package, test, action = event.get("Package", ""), event.get("Test"), event.get("Action")
        key = f"{package}.{test}" if test else package
        if action == "output":
            lines = output.setdefault(key, [])
            if len(lines) < 40:
                lines.append(str(event.get("Output", "")))
        elif action in _ACTIONS:
            elapsed = float(event.get("Elapsed") or 0.0)
            if test:
                packages_with_tests.add(package)
                final[key] = (_ACTIONS[action], elapsed)
            elif action == "fail":
                final[key] = (Outcome.ERROR, elapsed)
    results = []
    for key, (outcome, elapsed) in final.items():
        if outcome is Outcome.ERROR and key in packages_with_tests:
            continue  # the package failed because a test did; that test says so
        message = "".join(output.get(key, [])) if outcome is not Outcome.PASSED else ""
        results.append(TestResult(key, outcome, elapsed, clip(message)))
    return merge(results)


_ID = re.compile(r"^(.+?)\.((?:Test|Example|Fuzz)[^/]*(?:/.*)?)$")


def _split(test_id: str) -> tuple[str, str]:
    """ "example.com/m/pkg.TestFoo/sub" -> ("example.com/m/pkg", "TestFoo/sub")."""
    match = _ID.match(test_id)
    return (match.group(1), match.group(2)) if match else ("./...", test_id)
