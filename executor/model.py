"""Immutable records passed between workspaces, sandboxes, runners and verification."""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for one sandboxed command. Every backend enforces all of them."""

    memory_mb: int = 4096  # address space (bwrap: RLIMIT_AS) / memory (docker)
    cpu_seconds: int = 600
    wall_seconds: float = 900.0  # then the whole process tree is killed
    file_size_mb: int = 1024
    open_files: int = 1024
    processes: int = 256
    output_bytes: int = 2_000_000  # per stream; the rest is dropped and the result says so


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one command did inside a sandbox."""

    argv: tuple[str, ...]
    backend: str
    exit_code: int  # negative: killed by that signal
    stdout: str
    stderr: str
    duration: float  # seconds, wall clock
    timed_out: bool = False
    truncated: bool = False  # output was longer than Limits.output_bytes
    limit_hit: str | None = None  # "wall", "cpu", "memory", "file size", "processes" when known

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out


class Outcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class TestResult:
    """One test's outcome as its runner reported it."""

    __test__ = False  # not a pytest test class

    id: str  # runner-native id: "tests/test_x.py::TestA::test_b", "pkg.TestFoo/sub"
    outcome: Outcome
    duration: float = 0.0
    message: str = ""  # first lines of the failure, bounded
