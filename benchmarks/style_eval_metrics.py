"""Counters the style benchmark fills per project, and the rates computed from them.

Accuracy, coverage, false-alarm rate and recall are ratios of plain counts, so projects
merge by adding counters and the overall figures are micro-averages over every
(held-out file, convention) judgment, every held-out file and every injection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_EXAMPLES = 6


@dataclass(slots=True)
class Tally:
    """Everything counted for one project (or, merged, for all of them)."""

    name: str
    version: str = ""
    files: int = 0
    heldout: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    observed: Counter[str] = field(default_factory=Counter)
    committed: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    ties: Counter[str] = field(default_factory=Counter)
    flagged_files: int = 0
    window_flagged_files: int = 0
    findings: Counter[str] = field(default_factory=Counter)
    window_findings: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)
    detected: Counter[str] = field(default_factory=Counter)
    injected_enforced: Counter[str] = field(default_factory=Counter)
    detected_enforced: Counter[str] = field(default_factory=Counter)
    no_site: Counter[str] = field(default_factory=Counter)
    base_committed: Counter[str] = field(default_factory=Counter)
    base_correct: Counter[str] = field(default_factory=Counter)
    base_flagged_files: int = 0
    base_flags: Counter[str] = field(default_factory=Counter)
    base_detected: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    alarms: list[dict[str, Any]] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)
    wrong: list[dict[str, Any]] = field(default_factory=list)
    window_alarms: list[dict[str, Any]] = field(default_factory=list)
    kept: Counter[tuple[str, str]] = field(default_factory=Counter)

    def timed(self, phase: str, started: float, now: float) -> None:
        """Add `now - started` seconds to `phase`."""
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - started

    def example(self, kind: str, key: str, record: dict[str, Any]) -> None:
        """Keep up to `MAX_EXAMPLES` concrete alarms, misses or wrong values per key
        (a convention or an injector), so every kind of failure shows up."""
        if self.kept[kind, key] < MAX_EXAMPLES:
            self.kept[kind, key] += 1
            getattr(self, kind).append(record)


_COUNTERS = (
    "observed",
    "committed",
    "correct",
    "ties",
    "findings",
    "window_findings",
    "injected",
    "detected",
    "injected_enforced",
    "detected_enforced",
    "no_site",
    "base_committed",
    "base_correct",
    "base_flags",
    "base_detected",
    "skipped",
)
_EXAMPLES = ("alarms", "window_alarms", "misses", "wrong")
_INTEGERS = (
    "files",
    "heldout",
    "flagged_files",
    "window_flagged_files",
    "base_flagged_files",
)


def merge(name: str, tallies: Iterable[Tally]) -> Tally:
    """One tally adding up several (examples are concatenated, tagged with the project)."""
    total = Tally(name)
    for tally in tallies:
        for counter in _COUNTERS:
            getattr(total, counter).update(getattr(tally, counter))
        for phase, spent in tally.seconds.items():
            total.seconds[phase] = total.seconds.get(phase, 0.0) + spent
        for integer in _INTEGERS:
            setattr(total, integer, getattr(total, integer) + getattr(tally, integer))
        for kind in _EXAMPLES:
            for record in getattr(tally, kind):
                getattr(total, kind).append({"project": tally.name, **record})
    return total


def ratio(part: int | float, whole: int | float) -> float | None:
    """part / whole, None when there is nothing to divide."""
    return part / whole if whole else None


def summary(tally: Tally) -> dict[str, Any]:
    """The headline rates of a tally plus per-convention and per-injector breakdowns."""
    committed, correct = sum(tally.committed.values()), sum(tally.correct.values())
    base_committed = sum(tally.base_committed.values())
    conventions = sorted(set(tally.observed) | set(tally.findings) | set(tally.base_flags))
    injectors = sorted(set(tally.injected) | set(tally.no_site))
    return {
        "project": tally.name,
        "version": tally.version,
        "files": tally.files,
        "skipped": dict(sorted(tally.skipped.items())),
        "heldout": tally.heldout,
        "conventions_committed": sum(1 for c in tally.committed if tally.committed[c]),
        "judgments": sum(tally.observed.values()),
        "committed": committed,
        "accuracy": ratio(correct, committed),
        "coverage": ratio(committed, sum(tally.observed.values())),
        "false_alarm_rate": ratio(tally.flagged_files, tally.heldout),
        "window_false_alarm_rate": ratio(tally.window_flagged_files, tally.heldout),
        "recall": ratio(sum(tally.detected.values()), sum(tally.injected.values())),
        "recall_enforced": ratio(
            sum(tally.detected_enforced.values()), sum(tally.injected_enforced.values())
        ),
        "baseline": {
            "accuracy": ratio(sum(tally.base_correct.values()), base_committed),
            "coverage": ratio(base_committed, sum(tally.observed.values())),
            "false_alarm_rate": ratio(tally.base_flagged_files, tally.heldout),
            "recall": ratio(sum(tally.base_detected.values()), sum(tally.injected.values())),
        },
        "per_convention": {
            c: {
                "observed": tally.observed[c],
                "committed": tally.committed[c],
                "correct": tally.correct[c],
                "ties": tally.ties[c],
                "accuracy": ratio(tally.correct[c], tally.committed[c]),
                "coverage": ratio(tally.committed[c], tally.observed[c]),
                "files_with_findings": tally.findings[c],
                "window_files_with_findings": tally.window_findings[c],
                "baseline_committed": tally.base_committed[c],
                "baseline_accuracy": ratio(tally.base_correct[c], tally.base_committed[c]),
                "baseline_files_flagged": tally.base_flags[c],
            }
            for c in conventions
        },
        "per_injector": {
            i: {
                "injected": tally.injected[i],
                "detected": tally.detected[i],
                "recall": ratio(tally.detected[i], tally.injected[i]),
                "injected_enforced": tally.injected_enforced[i],
                "detected_enforced": tally.detected_enforced[i],
                "recall_enforced": ratio(tally.detected_enforced[i], tally.injected_enforced[i]),
                "no_site": tally.no_site[i],
                "baseline_detected": tally.base_detected[i],
                "baseline_recall": ratio(tally.base_detected[i], tally.injected[i]),
            }
            for i in injectors
        },
        "seconds": {k: round(v, 2) for k, v in sorted(tally.seconds.items())},
        "examples": {kind: getattr(tally, kind) for kind in _EXAMPLES},
    }
