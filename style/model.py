"""Immutable records of the style profiler: evidence, conventions, findings, fixes.

Convention names and value strings are shared by `Observations.counts` (what one file
shows) and `Convention.value` (what the repository commits to), so a profile can be
scored against a held-out file by plain string comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from style.paths import is_excluded, is_skipped

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Observations:
    """What one file shows: convention -> value -> occurrences, plus where.

    `examples` maps convention -> value -> up to three 1-based lines; `line_lengths`
    maps a line's length -> how many lines of that length (exempt lines left out);
    `names` maps naming convention -> name -> shape, so recurring non-conforming role
    names (`setUp`, `visit_Name`) can be learned as exceptions; `snippets` holds the
    text of the first example line per convention and value (for prompts);
    `comment_lines` counts lines holding a comment (code lines: `line_lengths`).
    """

    path: str
    language: str
    counts: Mapping[str, Mapping[str, int]]
    examples: Mapping[str, Mapping[str, tuple[int, ...]]] = field(default_factory=dict)
    line_lengths: Mapping[int, int] = field(default_factory=dict)
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    is_test: bool = False
    snippets: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    comment_lines: int = 0
    # convention -> (the file's majority value or None on a tie, its only value or None)
    votes: Mapping[str, tuple[str | None, str | None]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        votes = {
            name: (self.majority(name), _sole(_informative(name, values)))
            for name, values in self.counts.items()
        }
        object.__setattr__(self, "votes", votes)

    def majority(self, name: str) -> str | None:
        """The file's own most frequent value for `name`; None when absent or tied.

        A plain docstring says nothing about the style of a file that uses a sectioned
        style elsewhere, so "plain" only wins where no sectioned docstring exists.
        """
        values = _informative(name, self.counts.get(name) or {})
        if not values:
            return None
        ranked = sorted(values.items(), key=lambda item: -item[1])
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]


# convention -> the value that is compatible with every other one of its values
NEUTRAL: dict[str, str] = {"docstring.style": "plain"}


def _informative(name: str, values: Mapping[str, int]) -> Mapping[str, int]:
    neutral = NEUTRAL.get(name)
    if neutral is None or neutral not in values:
        return values
    others = {v: n for v, n in values.items() if v != neutral and n > 0}
    return others or values


def _sole(values: Mapping[str, int]) -> str | None:
    present = [value for value, count in values.items() if count > 0]
    return present[0] if len(present) == 1 else None


@dataclass(frozen=True, slots=True)
class DeclaredConfig:
    """What the project's own configuration files declare.

    `values` maps a convention name to its declared value (same vocabulary as learned
    values); `sources` says which file declared it. `exclude` holds gitignore-style
    patterns the project's tools skip; `tools` the formatters/linters it runs.
    """

    values: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    sources: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    tools: tuple[str, ...] = ()
    formatter: str | None = None
    exclude: tuple[str, ...] = ()
    settings: Mapping[str, str] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True, slots=True)
class Convention:
    """One rule of the repository: its value and the evidence for it.

    `support` files vote for `value` out of `total` files with an opinion; `confidence` is
    the lower Wilson bound on that share. `enforced` means the checker flags deviations:
    the repository is consistent enough that new code deviating is news, not noise.
    `scope` is "" for the whole repository or a directory prefix such as "tests/".
    """

    name: str
    value: str
    confidence: float
    support: int
    total: int
    evidence: tuple[str, ...] = ()
    scope: str = ""
    declared: bool = False
    abstained: bool = False
    reason: str = ""
    enforced: bool = False
    exceptions: tuple[str, ...] = ()
    source: str = ""
    example: str = ""


@dataclass(frozen=True, slots=True)
class StyleProfile:
    """The conventions of one repository, repository-wide ones and scoped overrides."""

    conventions: tuple[Convention, ...]
    files: int = 0
    declared: DeclaredConfig = field(default_factory=DeclaredConfig)

    def get(self, name: str, path: str | None = None) -> Convention | None:
        """The convention `name` that applies to `path` (its most specific scope).

        Without a path, the repository-wide one. Abstentions are returned too: check
        `.abstained` before relying on `.value`. None for a path the profile does not
        govern: vendored code, test data, generated files, files the project's own
        tools exclude (see `style.skip_reason`).
        """
        if path is not None and self.governs(path) is False:
            return None
        best: Convention | None = None
        for convention in self.conventions:
            if convention.name != name:
                continue
            if convention.scope and (path is None or not path.startswith(convention.scope)):
                continue
            if best is None or len(convention.scope) > len(best.scope):
                best = convention
        return best

    def governs(self, path: str) -> bool:
        """Whether the conventions apply to `path` at all."""
        return is_skipped(path) is None and not is_excluded(path, self.declared.exclude)

    def committed(self) -> tuple[Convention, ...]:
        """The conventions the profile commits to (not abstentions), in a stable order."""
        return tuple(c for c in self.conventions if not c.abstained)


@dataclass(frozen=True, slots=True)
class Fix:
    """Replace line `line` (1-based) whose text is `old` by `new` (without newline)."""

    line: int
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Finding:
    """A changed line that deviates from a confident convention of the repository."""

    path: str
    line: int
    convention: str
    message: str
    evidence: str
    fix: Fix | None = None
    expected: str = ""
    found: str = ""
