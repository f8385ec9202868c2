"""The contract every test runner satisfies, and helpers the runners share."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from executor.errors import RunnerError
from executor.model import Outcome, RunResult, TestResult

MAX_REPORT_BYTES = 64 * 1024 * 1024  # a report larger than this is refused, not parsed
MAX_MESSAGE_CHARS = 800
# `sh -c TO_REPORT sh REPORT ARGV...`: run ARGV with its stdout written to REPORT.
TO_REPORT = 'out="$1"; shift; exec "$@" > "$out"'
MAX_CONFIG_BYTES = 1024 * 1024  # a repository's config file (pyproject.toml, package.json)

# When one test appears twice (a teardown error after a pass), the worse outcome wins.
SEVERITY = {Outcome.SKIPPED: 0, Outcome.PASSED: 1, Outcome.FAILED: 2, Outcome.ERROR: 3}


class Runner(Protocol):
    name: str

    def detect(self, root: Path) -> bool:
        """True when the repository at `root` looks like it uses this runner."""
        ...

    def available(self) -> bool:
        """True when the runner's toolchain is installed on this machine."""
        ...

    def command(self, root: Path, test_ids: Sequence[str], report_path: Path) -> list[str]:
        """The argv that runs `test_ids` (all tests when empty) and writes `report_path`."""
        ...

    def parse(self, report_path: Path, result: RunResult, *, root: Path) -> tuple[TestResult, ...]:
        """Per-test outcomes from the report (or the output when no report was written)."""
        ...


def read_report(path: Path) -> str | None:
    """The report's text, None when the run wrote none; a bounded read of hostile input
    that never follows a symlink the test run may have put there."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise RunnerError(f"cannot read test report {path.name}: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise RunnerError(f"test report {path.name} is not a regular file")
        data = handle.read(MAX_REPORT_BYTES + 1)
    if len(data) > MAX_REPORT_BYTES:
        raise RunnerError(f"test report {path.name} is larger than {MAX_REPORT_BYTES} bytes")
    return data.decode("utf-8", errors="replace")


def read_config(path: Path) -> str | None:
    """A repository's configuration file as text, None when absent; a bounded read of
    hostile input that never blocks on a FIFO or reads a device."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise RunnerError(f"cannot read {path.name}: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        data = handle.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise RunnerError(f"{path.name} is larger than {MAX_CONFIG_BYTES // 1024 // 1024} MB")
    return data.decode("utf-8", errors="replace")


def clip(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """The first lines of a failure message, at most `limit` characters."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def merge(results: Sequence[TestResult]) -> tuple[TestResult, ...]:
    """One result per id (worst outcome wins), sorted by id for stable output."""
    best: dict[str, TestResult] = {}
    for result in results:
        seen = best.get(result.id)
        if seen is None or SEVERITY[result.outcome] > SEVERITY[seen.outcome]:
            best[result.id] = result
    return tuple(best[key] for key in sorted(best))
