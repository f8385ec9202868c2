"""Leave-one-out evaluation of the style profiler on one project.

Every file is observed once. Files the profiler does not govern (its `skip_reason`:
vendored, generated, test data; or excluded by the project's configuration) are never
held out: the checker returns nothing for them by design. They still reach the profiler
like any other file, and the report counts them per reason so a bad skip rule shows. For
each held-out file the profile is learned from the other files' observations plus the
project's declared configuration, then:
- accuracy/coverage compare the profile's committed values with the file's own majority;
- the unmodified file is checked whole (as if new) and through a random 20-line window;
- each applicable injector plants one deviation that the checker should report on the
  injected lines (file-level conventions such as `from __future__ import annotations`
  are only checked on new files, so that injection is checked as a new file).
The naive baseline is scored from the same observations.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import style_eval_baseline as baseline
from benchmarks import style_eval_inject as inject
from benchmarks.style_eval_inject_docstring import inject_docstring_style
from benchmarks.style_eval_metrics import Tally
from benchmarks.style_eval_source import Injection
from style import (
    check_source,
    observe_source,
    profile_from_observations,
    read_declared,
    skip_reason,
)
from style.model import Finding, Observations, StyleProfile
from style.paths import is_excluded, is_generated_source

WINDOW = 20

Injector = Callable[[str], Injection | None]


@dataclass(frozen=True, slots=True)
class InjectorSpec:
    """An injector, the convention it breaks, and which committed values it can break."""

    name: str
    key: str
    detects: frozenset[str]
    plans: Mapping[str, Injector]
    needs_observation: bool = False
    whole_file: bool = False


def _docstring_to(style: str) -> Injector:
    return lambda source: inject_docstring_style(source, style)


def _quotes_to(style: str) -> Injector:
    return lambda source: inject.inject_quotes(source, style)


INJECTORS: tuple[InjectorSpec, ...] = (
    InjectorSpec(
        "quotes",
        "quotes",
        frozenset({"quotes"}),
        {"double": _quotes_to("single"), "single": _quotes_to("double")},
    ),
    InjectorSpec(
        "docstring_style",
        "docstring.style",
        frozenset({"docstring.style"}),
        {
            "google": _docstring_to("numpy"),
            "numpy": _docstring_to("google"),
            "rest": _docstring_to("google"),
            "plain": _docstring_to("google"),
        },
    ),
    InjectorSpec(
        "strip_annotations",
        "annotations",
        frozenset({"annotations"}),
        {"full": inject.inject_strip_annotations},
    ),
    InjectorSpec(
        "print_for_logger",
        "output",
        frozenset({"output"}),
        {"logging": inject.inject_print_for_logger},
        needs_observation=True,
    ),
    InjectorSpec(
        "unittest_class",
        "tests.framework",
        frozenset({"tests.framework"}),
        {"pytest": inject.inject_unittest_class},
        needs_observation=True,
    ),
    InjectorSpec(
        "percent_format",
        "string_format",
        frozenset({"string_format"}),
        {"fstring": inject.inject_percent_format},
    ),
    InjectorSpec(
        "camel_case",
        "naming.function",
        frozenset({"naming.function", "naming.method"}),
        {"snake_case": inject.inject_camel_case},
    ),
    InjectorSpec(
        "remove_future",
        "future_annotations",
        frozenset({"future_annotations"}),
        {"present": inject.inject_remove_future_annotations},
        whole_file=True,
    ),
)


def window(path: str, source: str, seed: int) -> frozenset[int]:
    """A contiguous window of up to `WINDOW` lines, placed deterministically per file."""
    count = max(1, len(source.splitlines()))
    start = random.Random(f"{seed}:{path}").randint(1, max(1, count - WINDOW + 1))
    return frozenset(range(start, min(start + WINDOW, count + 1)))


def excluded(patterns: Sequence[str], path: str) -> bool:
    """Whether the project's own configuration excludes `path` from its tools."""
    return is_excluded(path, tuple(patterns))


def choose_heldout(paths: Sequence[str], limit: int | None, seed: int) -> list[str]:
    """All paths, or a deterministic sample of `limit` of them, in sorted order."""
    ordered = sorted(paths)
    if limit is None or len(ordered) <= limit:
        return ordered
    return sorted(random.Random(seed).sample(ordered, limit))


def _line(source: str, number: int) -> str:
    lines = source.splitlines()
    return lines[number - 1].strip()[:160] if 0 < number <= len(lines) else ""


def _alarm(finding: Finding, source: str) -> dict[str, object]:
    return {
        "path": finding.path,
        "line": finding.line,
        "convention": finding.convention,
        "expected": finding.expected,
        "found": finding.found,
        "message": finding.message,
        "text": _line(source, finding.line),
    }


def _score_accuracy(
    tally: Tally, profile: StyleProfile, observed: Observations, base: Mapping[str, str]
) -> None:
    for name in sorted(observed.counts):
        if not any(observed.counts[name].values()):
            continue
        tally.observed[name] += 1
        own = observed.majority(name)
        if own is None:
            tally.ties[name] += 1
        convention = profile.get(name, observed.path)
        if convention is not None and not convention.abstained:
            tally.committed[name] += 1
            if convention.value == own:
                tally.correct[name] += 1
            else:
                tally.example(
                    "wrong",
                    name,
                    {
                        "path": observed.path,
                        "convention": name,
                        "profile": convention.value,
                        "scope": convention.scope,
                        "file": dict(observed.counts[name]),
                    },
                )
        if name in base:
            tally.base_committed[name] += 1
            tally.base_correct[name] += base[name] == own


def _check_unmodified(
    tally: Tally, profile: StyleProfile, path: str, source: str, seed: int
) -> list[Finding]:
    findings = check_source(profile, path, source)
    if findings:
        tally.flagged_files += 1
        for name in sorted({f.convention for f in findings}):
            tally.findings[name] += 1
        for finding in findings:
            tally.example("alarms", finding.convention, _alarm(finding, source))
    lines = window(path, source, seed)
    in_window = check_source(profile, path, source, changed_lines=lines)
    if in_window:
        tally.window_flagged_files += 1
        for name in sorted({f.convention for f in in_window}):
            tally.window_findings[name] += 1
        for finding in in_window:
            tally.example("window_alarms", finding.convention, _alarm(finding, source))
    return findings


def _inject(
    tally: Tally,
    profile: StyleProfile,
    observed: Observations,
    source: str,
    base: Mapping[str, str],
    before: Sequence[Finding],
) -> None:
    """Plant each applicable deviation; file-level ones are checked as a new file."""
    path = observed.path
    known = {(f.line, f.convention) for f in before}
    for spec in INJECTORS:
        convention = profile.get(spec.key, path)
        if convention is None or convention.abstained:
            continue
        plan = spec.plans.get(convention.value)
        if plan is None or (spec.needs_observation and spec.key not in observed.counts):
            continue
        injected = plan(source)
        if injected is None:
            tally.no_site[spec.name] += 1
            continue
        new_source, changed = injected
        lines = frozenset(changed)
        if spec.whole_file:
            findings = check_source(profile, path, new_source)
            hit = any(
                f.convention in spec.detects and (f.line, f.convention) not in known
                for f in findings
            )
        else:
            findings = check_source(profile, path, new_source, changed_lines=lines)
            hit = any(f.convention in spec.detects and f.line in lines for f in findings)
        tally.injected[spec.name] += 1
        tally.detected[spec.name] += hit
        if convention.enforced:
            tally.injected_enforced[spec.name] += 1
            tally.detected_enforced[spec.name] += hit
        if not hit:
            tally.example(
                "misses",
                spec.name,
                {
                    "path": path,
                    "injector": spec.name,
                    "lines": sorted(lines),
                    "profile": convention.value,
                    "enforced": convention.enforced,
                    "text": _line(new_source, min(lines)) if lines else "",
                    "findings": [f"{f.line}:{f.convention}" for f in findings][:5],
                },
            )
        after = observe_source(path, new_source).counts
        tally.base_detected[spec.name] += baseline.detects(
            base, spec.detects, observed.counts, after
        )


def evaluate_project(
    name: str,
    version: str,
    root: Path,
    texts: Mapping[str, str],
    *,
    max_heldout: int | None,
    seed: int,
) -> Tally:
    """Hold out files one at a time and count what the profile and the baseline get right."""
    tally = Tally(name, version, files=len(texts))
    clock = time.perf_counter()
    declared = read_declared(root)
    observations = {path: observe_source(path, text) for path, text in texts.items()}
    tally.timed("observe", clock, time.perf_counter())
    summed = baseline.totals(o.counts for o in observations.values())
    checked = []
    for path in texts:
        reason = (
            skip_reason(path)
            or ("generated" if is_generated_source(texts[path]) else None)
            or ("excluded by configuration" if excluded(declared.exclude, path) else None)
        )
        if reason is None:
            checked.append(path)
        else:
            tally.skipped[reason] += 1
    for path in choose_heldout(checked, max_heldout, seed):
        observed, source = observations[path], texts[path]
        clock = time.perf_counter()
        others = {p: o for p, o in observations.items() if p != path}
        profile = profile_from_observations(others, declared=declared)
        tally.timed("learn", clock, time.perf_counter())
        tally.heldout += 1
        base = baseline.commit(baseline.without(summed, observed.counts))
        _score_accuracy(tally, profile, observed, base)
        flagged = baseline.flags(base, observed.counts)
        tally.base_flagged_files += bool(flagged)
        tally.base_flags.update(flagged)
        clock = time.perf_counter()
        before = _check_unmodified(tally, profile, path, source, seed)
        tally.timed("check", clock, time.perf_counter())
        clock = time.perf_counter()
        _inject(tally, profile, observed, source, base, before)
        tally.timed("inject", clock, time.perf_counter())
    return tally
