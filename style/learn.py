"""From many files' observations to a profile: votes per file, margins, scopes.

Each file casts one vote per convention (its own majority), so one large module cannot
outvote forty small ones. A convention is committed when the lower Wilson bound on the
majority's share of votes clears `COMMIT_LB` with at least `MIN_FILES` voters; it is
*enforced* (the checker flags deviations) only when nearly every file is clean, i.e.
shows no deviating occurrence at all: that share is exactly the rate at which an
unchanged file would be flagged, and a false flag costs more than a missed one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from style.conventions import enforceable
from style.measures import (
    COMMIT_LB,
    DENSITY_MIN_LINES,
    MIN_FILES,
    comment_density,
    line_length,
    test_mirroring,
    wilson_lower,
)
from style.model import Convention, DeclaredConfig, Observations, StyleProfile
from style.paths import is_excluded, is_skipped, is_test_path

# Conventions an author settles file by file (document this module? relative imports
# here?): a repository's majority predicts a held-out file less well, so committing
# to one takes a wider margin.
PER_FILE_CHOICES = frozenset(
    {
        "docstring.function",
        "docstring.method",
        "docstring.module",
        "docstring.style",
        "exceptions.message",
        "future_annotations",
        "imports.form",
        "imports.relative",
        "optional_syntax",
    }
)
CHOICE_COMMIT_LB = 0.9
ENFORCE_TOLERANCE = 0.005  # share of unclean files an enforced convention may have
ENFORCE_LB = 0.85
MAX_SCOPE_DEPTH = 3
SCOPE_SPLIT_SHARE = 0.8
EXCEPTION_MIN_FILES = 2
_EVIDENCE = 3


@dataclass(slots=True)
class _Tally:
    votes: Counter[str] = field(default_factory=Counter)
    sole: Counter[str] = field(default_factory=Counter)
    files: int = 0
    evidence: dict[str, list[str]] = field(default_factory=dict)
    snippets: dict[str, str] = field(default_factory=dict)

    def add(self, vote: str | None, sole: str | None, example: str | None, snippet: str) -> None:
        self.files += 1
        if vote is not None:
            self.votes[vote] += 1
            if example is not None:
                shown = self.evidence.setdefault(vote, [])
                if len(shown) < _EVIDENCE:
                    shown.append(example)
            if snippet and vote not in self.snippets:
                self.snippets[vote] = snippet
        if sole is not None:
            self.sole[sole] += 1

    def minus(self, others: Iterable[_Tally]) -> _Tally:
        rest = _Tally(
            Counter(self.votes), Counter(self.sole), self.files, self.evidence, self.snippets
        )
        for other in others:
            rest.votes.subtract(other.votes)
            rest.sole.subtract(other.sole)
            rest.files -= other.files
        return rest


@dataclass(frozen=True, slots=True)
class _Decision:
    value: str
    support: int
    total: int
    confidence: float
    committed: bool
    enforced: bool
    reason: str

    def same_as(self, other: _Decision) -> bool:
        if self.committed != other.committed or self.enforced != other.enforced:
            return False
        return not self.committed or self.value == other.value


def _decide(name: str, tally: _Tally, forced: str | None = None) -> _Decision:
    total = sum(n for n in tally.votes.values() if n > 0)
    if forced is not None:
        value, support = forced, max(tally.votes.get(forced, 0), 0)
    elif total:
        value, support = max(tally.votes.items(), key=lambda kv: (kv[1], kv[0]))
    else:
        value, support = "", 0
    confidence = wilson_lower(support, total)
    clean = max(tally.sole.get(value, 0), 0)
    # A declaration is evidence of its own: a declared rule every file keeps is enforced
    # without the sample size a learned one needs.
    clean_ok = (
        tally.files > 0
        and tally.files - clean <= ENFORCE_TOLERANCE * tally.files
        and (forced is not None or wilson_lower(clean, tally.files) >= ENFORCE_LB)
    )
    can_enforce = value in enforceable(name)
    if forced is not None:
        return _Decision(value, support, total, 1.0, True, can_enforce and clean_ok, "")
    if total < MIN_FILES:
        reason = f"too few files with an opinion ({total} < {MIN_FILES})"
        return _Decision(value, support, total, confidence, False, False, reason)
    bar = CHOICE_COMMIT_LB if name.removeprefix("js.") in PER_FILE_CHOICES else COMMIT_LB
    if confidence < bar:
        reason = (
            f"not consistent: {support} of {total} files prefer {value} "
            f"(lower bound {confidence:.2f} < {bar})"
        )
        return _Decision(value, support, total, confidence, False, False, reason)
    return _Decision(value, support, total, confidence, True, can_enforce and clean_ok, "")


def _scopes_of(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) + "/" for i in range(min(len(parts), MAX_SCOPE_DEPTH))]


def profile_from_observations(
    observations: Mapping[str, Observations], *, declared: DeclaredConfig | None = None
) -> StyleProfile:
    """Learn a profile from per-file observations (no parsing: fast enough for hold-out)."""
    declared = declared or DeclaredConfig()
    chosen = [
        observations[path]
        for path in sorted(observations)
        if not is_skipped(path) and not is_excluded(path, declared.exclude)
    ]
    chosen = [obs for obs in chosen if obs.counts or obs.line_lengths]
    exceptions = _exceptions(chosen)
    tallies: dict[str, dict[str, _Tally]] = {}
    maxima: list[int] = []
    densities: list[float] = []
    for obs in chosen:
        if obs.line_lengths:
            maxima.append(max(obs.line_lengths))
            code = sum(obs.line_lengths.values())
            if code >= DENSITY_MIN_LINES and obs.language == "python":
                densities.append(obs.comment_lines / code)
        scopes = ["", *_scopes_of(obs.path)]
        for name, (vote, sole) in obs.votes.items():
            skip = exceptions.get(name)
            if skip and not skip.isdisjoint(obs.names.get(name, ())):
                vote, sole = _votes_without(obs.names[name], skip)
                if vote is None and sole is None:
                    continue
            example = None
            snippet = ""
            if vote is not None:
                lines = obs.examples.get(name, {}).get(vote, ())
                example = f"{obs.path}:{lines[0]}" if lines else obs.path
                snippet = obs.snippets.get(name, {}).get(vote, "")
            per_scope = tallies.setdefault(name, {})
            for scope in scopes:
                tally = per_scope.get(scope)
                if tally is None:
                    tally = per_scope[scope] = _Tally()
                tally.add(vote, sole, example, snippet)
    conventions: list[Convention] = []
    for name in sorted(tallies):
        conventions.extend(
            _conventions_for(name, tallies[name], exceptions.get(name, set()), declared)
        )
    conventions.append(line_length(maxima, declared))
    conventions.append(comment_density(densities))
    conventions.append(test_mirroring([obs.path for obs in chosen]))
    return StyleProfile(tuple(conventions), files=len(chosen), declared=declared)


def _exceptions(chosen: list[Observations]) -> dict[str, set[str]]:
    """Per naming convention, the names that break the majority shape yet recur in
    several files: framework hooks and overrides (`handleEvent`), not anyone's taste."""
    names: dict[str, Counter[tuple[str, str]]] = {}
    shapes: dict[str, Counter[str]] = {}
    for obs in chosen:
        for name, seen in obs.names.items():
            names.setdefault(name, Counter()).update(seen.items())
            shapes.setdefault(name, Counter()).update(seen.values())
    exceptions: dict[str, set[str]] = {}
    for name, counter in names.items():
        majority = shapes[name].most_common(1)[0][0]
        recurring = {
            n
            for (n, shape), files in counter.items()
            if shape != majority and files >= EXCEPTION_MIN_FILES
        }
        if recurring:
            exceptions[name] = recurring
    return exceptions


def _votes_without(seen: Mapping[str, str], skip: set[str]) -> tuple[str | None, str | None]:
    shapes = Counter(shape for name, shape in seen.items() if name not in skip)
    if not shapes:
        return None, None
    ranked = shapes.most_common(2)
    vote = None if len(ranked) > 1 and ranked[0][1] == ranked[1][1] else ranked[0][0]
    return vote, ranked[0][0] if len(ranked) == 1 else None


def _conventions_for(
    name: str, per_scope: dict[str, _Tally], exceptions: set[str], declared: DeclaredConfig
) -> list[Convention]:
    forced = declared.values.get(name)
    root = per_scope[""]
    overrides: dict[str, _Decision] = {}
    initial = _decide(name, root, forced)
    for scope in sorted((s for s in per_scope if s), key=lambda s: (s.count("/"), s)):
        tally = per_scope[scope]
        if sum(tally.votes.values()) < MIN_FILES:
            continue
        parent = _parent(scope, overrides)
        decision = _decide(name, tally)
        if _differs(decision, overrides[parent] if parent else initial, tally):
            overrides[scope] = decision
    for scope in list(overrides):
        children = [per_scope[s] for s in overrides if _parent(s, overrides) == scope]
        if children:
            overrides[scope] = _decide(name, per_scope[scope].minus(children))
    top = [s for s in overrides if not _parent(s, overrides)]
    root_decision = _decide(name, root.minus(per_scope[s] for s in top), forced)
    main = _main_scope(root, top, overrides, per_scope)
    if not root_decision.committed and main:
        # The repository's bulk lives in one directory (`pkg/` beside `tests/`): its
        # rule is the repository's rule, the other directories are the exceptions.
        merged = _decide(name, root.minus(per_scope[s] for s in top if s != main))
        if merged.committed and merged.value == overrides[main].value:
            root_decision = merged
            del overrides[main]
    result = [_convention(name, "", root_decision, root, exceptions, declared)]
    for scope, decision in sorted(overrides.items()):
        parent = _parent(scope, overrides)
        if decision.same_as(overrides[parent] if parent else root_decision):
            continue
        result.append(_convention(name, scope, decision, per_scope[scope], exceptions, declared))
    return result


def _differs(decision: _Decision, parent: _Decision, tally: _Tally) -> bool:
    """Whether a directory clearly follows another rule than its parent.

    A small directory is merely less certain than the whole; it differs only when it
    commits to another value, or plainly does not keep to the parent's value.
    """
    if decision.committed and (not parent.committed or decision.value != parent.value):
        return True
    if not parent.committed:
        return False
    voters = sum(n for n in tally.votes.values() if n > 0)
    if voters and tally.votes.get(parent.value, 0) / voters < SCOPE_SPLIT_SHARE:
        return True
    clean = tally.sole.get(parent.value, 0)
    return parent.enforced and tally.files - clean > ENFORCE_TOLERANCE * tally.files


def _main_scope(
    root: _Tally, top: list[str], overrides: Mapping[str, _Decision], per_scope: dict[str, _Tally]
) -> str:
    voters = sum(n for n in root.votes.values() if n > 0)
    committed = [s for s in top if overrides[s].committed]
    if not committed:
        return ""
    best = max(
        committed,
        key=lambda s: (not is_test_path(s + "x.py"), sum(per_scope[s].votes.values()), s),
    )
    return best if 2 * sum(per_scope[best].votes.values()) >= voters else ""


def _parent(scope: str, overrides: Mapping[str, _Decision]) -> str:
    best = ""
    for other in overrides:
        if other != scope and scope.startswith(other) and len(other) > len(best):
            best = other
    return best


def _convention(
    name: str,
    scope: str,
    decision: _Decision,
    tally: _Tally,
    exceptions: set[str],
    declared: DeclaredConfig,
) -> Convention:
    is_declared = not scope and name in declared.values
    return Convention(
        name=name,
        value=decision.value,
        confidence=round(decision.confidence, 4),
        support=decision.support,
        total=decision.total,
        evidence=tuple(tally.evidence.get(decision.value, ())),
        scope=scope,
        declared=is_declared,
        abstained=not decision.committed,
        reason=decision.reason,
        enforced=decision.enforced,
        exceptions=tuple(sorted(exceptions)) if decision.committed else (),
        source=declared.sources.get(name, "") if is_declared else "",
        example=tally.snippets.get(decision.value, ""),
    )
