"""The evidence record a verification returns: what ran, where, and what each test did."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from typing import Any

from executor.model import Limits, Outcome, RunResult

TAIL_CHARS = 4000  # of each command's stdout and stderr kept in the record


class Change(enum.StrEnum):
    """How one test moved between the baseline and the patched run."""

    FIXED = "fail->pass"
    KEPT = "pass->pass"
    REGRESSED = "pass->fail"
    LOST = "pass->skip"
    STILL_FAILING = "fail->fail"
    NEW_PASS = "new->pass"
    NEW_FAIL = "new->fail"
    SKIPPED = "skipped"
    MISSING = "missing"  # asked for, or ran before, but absent from the patched run


def classify(before: Outcome | None, after: Outcome | None) -> Change:
    """The change for one test; ERROR counts as failing, a skip before as not passing."""
    if after is None:
        return Change.MISSING
    if after is Outcome.SKIPPED:
        return Change.LOST if before is Outcome.PASSED else Change.SKIPPED
    passed = after is Outcome.PASSED
    if before is None:
        return Change.NEW_PASS if passed else Change.NEW_FAIL
    if before is Outcome.PASSED:
        return Change.KEPT if passed else Change.REGRESSED
    return Change.FIXED if passed else Change.STILL_FAILING


@dataclass(frozen=True, slots=True)
class TestChange:
    """One row of the per-test table."""

    __test__ = False  # not a pytest test class

    id: str
    before: Outcome | None
    after: Outcome | None
    change: Change
    target: bool  # one of the tests the verdict is about (not only the wider suite)
    message: str = ""  # the patched run's failure message, when it failed


@dataclass(frozen=True, slots=True)
class CommandRecord:
    """One command run for the verification, with its phase and a tail of its output."""

    phase: str  # "setup", "baseline", "patched", "baseline-wider", "patched-wider"
    argv: tuple[str, ...]
    exit_code: int
    duration: float
    timed_out: bool = False
    limit_hit: str | None = None
    cached: bool = False  # the baseline came from the cache; nothing ran this time
    stdout_tail: str = ""
    stderr_tail: str = ""

    @classmethod
    def of(cls, phase: str, result: RunResult, *, cached: bool = False) -> CommandRecord:
        return cls(
            phase,
            result.argv,
            result.exit_code,
            round(result.duration, 3),
            result.timed_out,
            result.limit_hit,
            cached,
            _tail(result.stdout),
            _tail(result.stderr),
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """Everything a reader needs to trust (or reject) a verdict; JSON via `to_dict()`."""

    verified: bool
    reason: str  # one line
    repo: str
    revision: str
    patch_sha256: str
    patched_files: tuple[str, ...]
    backend: str
    isolated: bool
    runner: str
    environment: str  # the venv's cache key, "host" or "" when nothing ran
    limits: Limits
    commands: tuple[CommandRecord, ...]
    tests: tuple[TestChange, ...]
    started: str  # ISO 8601, UTC
    finished: str
    notes: tuple[str, ...] = ()  # caveats a reader should weigh, one line each

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data with a stable order (tests sorted by id)."""
        data = asdict(self)
        data["tests"] = [
            {**row, "before": _text(row["before"]), "after": _text(row["after"])}
            for row in sorted(data["tests"], key=lambda row: (not row["target"], row["id"]))
        ]
        data["commands"] = [{**c, "argv": list(c["argv"])} for c in data["commands"]]
        data["patched_files"] = list(self.patched_files)
        data["notes"] = list(self.notes)
        data["counts"] = counts(self.tests)
        return data


def counts(tests: tuple[TestChange, ...]) -> dict[str, int]:
    """How many tests made each change, in `Change` order, zero counts left out."""
    tally = {change.value: 0 for change in Change}
    for row in tests:
        tally[row.change.value] += 1
    return {name: count for name, count in tally.items() if count}


def render_evidence(evidence: Evidence, *, max_rows: int = 200) -> str:
    """The human form: verdict, where it ran, then the per-test table."""
    verdict = "VERIFIED" if evidence.verified else "NOT VERIFIED"
    lines = [
        f"{verdict}: {evidence.reason}",
        f"revision {evidence.revision[:12]}  patch {evidence.patch_sha256[:12]}  "
        f"backend {evidence.backend}{'' if evidence.isolated else ' (NOT ISOLATED)'}  "
        f"runner {evidence.runner or '-'}",
    ]
    lines += [f"note: {note}" for note in evidence.notes]
    for command in evidence.commands:
        state = "cached" if command.cached else f"exit {command.exit_code}"
        lines.append(f"  {command.phase:<15} {state:<8} {command.duration:8.2f}s")
    if evidence.tests:
        width = min(90, max(len(row.id) for row in evidence.tests))
        lines.append("")
        lines.append(f"  {'test':<{width}}  {'before':<8} {'after':<8} change")
        ordered = sorted(evidence.tests, key=lambda row: (not row.target, row.id))
        for row in ordered[:max_rows]:
            lines.append(
                f"  {row.id:<{width}}  {_text(row.before) or '-':<8} "
                f"{_text(row.after) or '-':<8} {row.change.value}"
            )
        if len(ordered) > max_rows:
            lines.append(f"  … {len(ordered) - max_rows} more (use --json for all)")
    return "\n".join(lines)


def _text(outcome: Outcome | str | None) -> str | None:
    return None if outcome is None else str(outcome)


def _tail(text: str) -> str:
    return text if len(text) <= TAIL_CHARS else "…" + text[-TAIL_CHARS:]
