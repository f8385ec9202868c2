"""Shared statistics and the two measured conventions: line length and comment density."""

from __future__ import annotations

import math

from style.model import Convention, DeclaredConfig
from style.paths import is_test_path

Z = 1.645  # one-sided 95 %
MIN_FILES = 8
COMMIT_LB = 0.85
COMMON_LIMITS = (79, 88, 99, 100, 119, 120)
LINE_LENGTH_SLACK = 0.005
DENSITY_MIN_LINES = 20
DENSITY_BAND = 0.05


def wilson_lower(successes: int, total: int, z: float = Z) -> float:
    """Lower bound of the Wilson score interval for a proportion."""
    if total <= 0:
        return 0.0
    share = successes / total
    denominator = 1 + z * z / total
    centre = share + z * z / (2 * total)
    margin = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    return max(0.0, (centre - margin) / denominator)


def line_length(maxima: list[int], declared: DeclaredConfig) -> Convention:
    """The limit the code keeps to: the smallest common limit nearly no file exceeds."""
    total = len(maxima)
    forced = declared.values.get("line_length")
    if forced is not None and forced.isdigit():
        limit = int(forced)
        within = sum(1 for m in maxima if m <= limit)
        enforced = total > 0 and (total - within) <= LINE_LENGTH_SLACK * total
        return Convention(
            "line_length", forced, 1.0, within, total, (), "", True, False, "", enforced,
            source=declared.sources.get("line_length", ""),
        )  # fmt: skip
    if total < MIN_FILES:
        reason = f"too few files ({total} < {MIN_FILES})"
        return Convention("line_length", "", 0.0, 0, total, abstained=True, reason=reason)
    for limit in COMMON_LIMITS:
        within = sum(1 for m in maxima if m <= limit)
        if total - within <= LINE_LENGTH_SLACK * total:
            confidence = wilson_lower(within, total)
            if confidence >= COMMIT_LB:
                return Convention(
                    "line_length", str(limit), round(confidence, 4), within, total,
                    enforced=True,
                )  # fmt: skip
            break
    longest = max(maxima)
    reason = f"no common limit holds: the longest lines reach {longest} characters"
    return Convention("line_length", "", 0.0, 0, total, abstained=True, reason=reason)


def comment_density(densities: list[float]) -> Convention:
    """How much the code comments itself: the median share of lines with a comment.

    Descriptive only (never flagged): a prompt that says "comments on about 5 % of
    lines" keeps an agent from narrating every step.
    """
    total = len(densities)
    if total < MIN_FILES:
        reason = f"too few files with 20+ lines ({total} < {MIN_FILES})"
        return Convention("comment_density", "", 0.0, 0, total, abstained=True, reason=reason)
    ordered = sorted(densities)
    median = ordered[total // 2]
    near = sum(1 for d in densities if abs(d - median) <= DENSITY_BAND)
    value = f"{round(median * 100)}%"
    return Convention("comment_density", value, round(wilson_lower(near, total), 4), near, total)


def test_mirroring(paths: list[str]) -> Convention:
    """Whether test files mirror the modules they test (`tests/pkg/test_mod.py` for
    `pkg/mod.py`), are only named after them (`tests/test_mod.py`), or neither."""
    sources: set[str] = set()
    stems: set[str] = set()
    tests: list[str] = []
    for path in paths:
        name = path.rsplit("/", 1)[-1]
        if not name.endswith(".py"):
            continue
        if name.startswith("test_") and "/" in path:
            tests.append(path)
        elif not is_test_path(path):
            parts = path.split("/")
            if parts[0] in {"src", "lib"} and len(parts) > 1:
                parts = parts[1:]
            sources.add("/".join(parts))
            stems.add(name)
    votes = {"mirrored": 0, "named": 0, "unrelated": 0}
    examples: dict[str, str] = {}
    for path in tests:
        parts = path.split("/")
        module = parts[-1].removeprefix("test_")
        inner = parts[1:-1]
        kind = "unrelated"
        if "/".join([*inner, module]) in sources:
            kind = "mirrored"
        elif module in stems:
            kind = "named"
        votes[kind] += 1
        examples.setdefault(kind, path)
    total = len(tests)
    if total < MIN_FILES:
        reason = f"too few test files ({total} < {MIN_FILES})"
        return Convention("tests.mirroring", "", 0.0, 0, total, abstained=True, reason=reason)
    value, support = max(votes.items(), key=lambda kv: (kv[1], kv[0]))
    confidence = wilson_lower(support, total)
    evidence = (examples[value],) if value in examples else ()
    if confidence < COMMIT_LB:
        reason = (
            f"not consistent: {support} of {total} test files are {value}"
            f" (lower bound {confidence:.2f} < {COMMIT_LB})"
        )
        return Convention(
            "tests.mirroring", value, round(confidence, 4), support, total, evidence,
            abstained=True, reason=reason,
        )  # fmt: skip
    return Convention(
        "tests.mirroring", value, round(confidence, 4), support, total, evidence,
        example=evidence[0] if evidence else "",
    )  # fmt: skip
