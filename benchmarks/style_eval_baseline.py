"""The naive baseline the style profiler is compared with.

A majority vote per convention on raw per-occurrence counts summed over the training
files, committed when the top value holds at least `THRESHOLD` of the occurrences: no
abstention margin, no scopes, no exceptions, no per-file weighting. It flags a file as
soon as the file shows one occurrence of another value of a committed convention.
Leave-one-out reuses one running total and subtracts the held-out file's counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

THRESHOLD = 0.98

Counts = Mapping[str, Mapping[str, int]]


def totals(files: Iterable[Counts]) -> dict[str, Counter[str]]:
    """Occurrences per convention and value, summed over `files`."""
    summed: dict[str, Counter[str]] = {}
    for counts in files:
        for convention, values in counts.items():
            summed.setdefault(convention, Counter()).update(values)
    return summed


def without(summed: Mapping[str, Counter[str]], counts: Counts) -> dict[str, Counter[str]]:
    """`summed` minus one file's counts: the training totals when that file is held out."""
    left: dict[str, Counter[str]] = {}
    for convention, values in summed.items():
        own = counts.get(convention)
        if own:
            remaining = values.copy()
            remaining.subtract(own)
            left[convention] = +remaining
        else:
            left[convention] = values
    return left


def commit(summed: Mapping[str, Counter[str]], threshold: float = THRESHOLD) -> dict[str, str]:
    """Convention -> value for every convention whose top value reaches `threshold`."""
    committed: dict[str, str] = {}
    for convention, values in summed.items():
        total = sum(values.values())
        if total <= 0:
            continue
        value, top = max(values.items(), key=lambda item: (item[1], item[0]))
        if top / total >= threshold:
            committed[convention] = value
    return committed


def flags(committed: Mapping[str, str], counts: Counts) -> list[str]:
    """The committed conventions a file shows any other value for, sorted."""
    return sorted(
        convention
        for convention, values in counts.items()
        if convention in committed
        and any(n > 0 and v != committed[convention] for v, n in values.items())
    )


def detects(
    committed: Mapping[str, str], conventions: Iterable[str], before: Counts, after: Counts
) -> bool:
    """Whether an edit raised the count of a deviating value of one of `conventions`."""
    for convention in conventions:
        if convention not in committed:
            continue
        old, new = before.get(convention, {}), after.get(convention, {})
        for value, n in new.items():
            if value != committed[convention] and n > old.get(value, 0):
                return True
    return False
