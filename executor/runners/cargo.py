"""`cargo test`: per-test lines of libtest's text output (`test a::b ... ok`).

libtest's JSON format needs unstable options on a stable toolchain, so the text lines
are parsed; `---- name stdout ----` blocks give the failure messages.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from executor.model import Outcome, RunResult, TestResult
from executor.runners.base import TO_REPORT, clip, merge, read_report

_LINE = re.compile(r"^test (\S+)(?: - should panic)? \.\.\. (ok|FAILED|ignored|bench)\b")
_BLOCK = re.compile(r"^---- (\S+) stdout ----$")
_OUTCOMES = {"ok": Outcome.PASSED, "FAILED": Outcome.FAILED, "ignored": Outcome.SKIPPED}


class CargoRunner:
    name = "cargo"

    def detect(self, root: Path) -> bool:
        return (root / "Cargo.toml").is_file()

    def available(self) -> bool:
        return shutil.which("cargo") is not None

    def command(self, root: Path, test_ids: Sequence[str], report_path: Path) -> list[str]:
        argv = ["cargo", "test", "--no-fail-fast", "--", "--test-threads=2"]
        if test_ids:
            argv += ["--exact", *test_ids]
        return ["sh", "-c", TO_REPORT, "sh", str(report_path), *argv]

    def parse(self, report_path: Path, result: RunResult, *, root: Path) -> tuple[TestResult, ...]:
        text = read_report(report_path)
        results = parse_output(result.stdout if text is None else text)
        if not results and result.exit_code != 0:
            # Nothing ran: the crate did not build. One ERROR carries the compiler's words.
            return (TestResult("cargo build", Outcome.ERROR, message=clip(result.stderr[-4000:])),)
        return results


def parse_output(text: str) -> tuple[TestResult, ...]:
    """Per-test outcomes from libtest's text output, failure messages attached."""
    outcomes: dict[str, Outcome] = {}
    messages: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        match = _LINE.match(line)
        if match and match.group(2) in _OUTCOMES:
            outcomes[match.group(1)] = _OUTCOMES[match.group(2)]
            continue
        block = _BLOCK.match(line)
        if block:
            current = block.group(1)
            continue
        if line.startswith("failures:"):
            current = None
        elif current is not None and len(messages.setdefault(current, [])) < 20:
            messages[current].append(line)
    return merge(
        [
            TestResult(name, outcome, message=clip("\n".join(messages.get(name, []))))
            for name, outcome in outcomes.items()
        ]
    )
