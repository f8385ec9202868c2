"""TESTS edges: which repository code each test exercises.

A test (pytest `test*` functions and `test*` methods of `Test*` classes, unittest `test*`
methods of TestCase subclasses, all in test files) tests every non-test symbol it calls,
directly or through helpers defined in test files, through `setUp`-style hooks of its
class, and through pytest fixtures named by its parameters (looked up in its module, then
in `conftest.py` files up the directory chain), at most `MAX_DEPTH` hops away.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import PurePosixPath

from codegraph.model import Edge, EdgeKind, FileFacts, Symbol, SymbolKind
from codegraph.resolve_table import parent_id

__all__ = [
    "MAX_DEPTH",
    "FixturesAndBases",
    "fixtures_and_bases",
    "is_test_file",
    "is_test_symbol",
    "test_edges",
]

MAX_DEPTH = 3
_SETUP_HOOKS = ("setUp", "setUpClass", "setUpTestData", "asyncSetUp", "setup_method", "setup")
_FIXTURE_NAME = re.compile(r"""\bname\s*=\s*["']([A-Za-z_]\w*)["']""")


@cache
def is_test_file(path: str) -> bool:
    """`test_*.py`, `*_test.py`, `conftest.py`, or under `tests/`, a top-level `test/`
    or `src/test/` (a package's own `test` module, like `django/test/`, is library code)."""
    pure = PurePosixPath(path)
    stem = pure.stem
    if stem.startswith("test_") or stem.endswith("_test") or stem == "conftest":
        return True
    dirs = pure.parts[:-1]
    return "tests" in dirs or dirs[:1] == ("test",) or dirs[:2] == ("src", "test")


def _is_test_class(symbol: Symbol, bases: Iterable[str]) -> bool:
    if symbol.name.startswith("Test") or symbol.name.endswith(("Test", "Tests", "TestCase")):
        return True
    return any("Test" in base.rpartition(".")[2] for base in bases)


def _bases(facts: Mapping[str, FileFacts]) -> dict[str, list[str]]:
    """class id -> base class expressions as written."""
    bases: dict[str, list[str]] = defaultdict(list)
    inherits = EdgeKind.INHERITS  # an enum member lookup per reference adds up
    for file_facts in facts.values():
        for ref in file_facts.references:
            if ref.kind is inherits:
                bases[ref.scope].append(ref.name)
    return bases


def is_test_symbol(
    symbol: Symbol,
    symbols: Mapping[str, Symbol],
    facts: Mapping[str, FileFacts],
    bases: Mapping[str, list[str]] | None = None,
) -> bool:
    """True for a test function or test method (not for helpers and fixtures)."""
    if not symbol.name.startswith("test") or not is_test_file(symbol.path):
        return False
    if symbol.kind is SymbolKind.FUNCTION:
        return parent_id(symbol.id) == symbol.path
    if symbol.kind is SymbolKind.METHOD:
        owner_id = parent_id(symbol.id) or ""
        owner = symbols.get(owner_id)
        if owner is None:
            return False
        if bases is None:
            bases = _bases({symbol.path: facts[symbol.path]} if symbol.path in facts else {})
        return _is_test_class(owner, bases.get(owner_id, ()))
    return False


def _ancestors(class_id: str, parents: Mapping[str, list[str]]) -> list[str]:
    """Ids of the repository classes `class_id` derives from (bounded, cycle-safe)."""
    found: list[str] = []
    seen = {class_id}
    frontier = list(parents.get(class_id, ()))
    while frontier and len(seen) < 64:
        current = frontier.pop()
        if current in seen:
            continue
        seen.add(current)
        found.append(current)
        frontier.extend(parents.get(current, ()))
    return found


def _parameters(signature: str) -> list[str]:
    """Parameter names of a `def` header, e.g. `def t(self, db, x: int = 1)` → self, db, x."""
    start, end = signature.find("("), signature.rfind(")")
    if start < 0 or end <= start:
        return []
    inside = signature[start + 1 : end]
    if not _BRACKETS.intersection(inside):
        # No nesting: the commas split the parameters (most headers).
        return [name for name in map(_parameter_name, inside.split(",")) if name]
    names: list[str] = []
    depth = 0
    current: list[str] = []
    for char in inside + ",":
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            name = _parameter_name("".join(current))
            if name:
                names.append(name)
            current = []
        else:
            current.append(char)
    return names


_BRACKETS = frozenset("()[]{}")
_NAME_END = re.compile(r"[:=\s]")


def _parameter_name(part: str) -> str:
    """`*args: int` → `args`; "" when the part names no parameter."""
    name = _NAME_END.split(part.strip().lstrip("*"), maxsplit=1)[0]
    return name if name.isidentifier() else ""


def _fixtures(symbols: Mapping[str, Symbol]) -> dict[str, dict[str, str]]:
    """path -> fixture name -> fixture symbol id, for every `@pytest.fixture` function."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    kinds = (SymbolKind.FUNCTION, SymbolKind.METHOD)
    # Only decorated functions can be fixtures: the rest is never sorted.
    decorated = sorted(sid for sid, s in symbols.items() if s.decorators and s.kind in kinds)
    for symbol_id in decorated:
        symbol = symbols[symbol_id]
        for decorator in symbol.decorators:
            head = decorator.partition("(")[0]
            if head in ("pytest.fixture", "fixture", "pytest_asyncio.fixture"):
                named = _FIXTURE_NAME.search(decorator)
                found[symbol.path].setdefault(named.group(1) if named else symbol.name, symbol_id)
    return found


@lru_cache(maxsize=1 << 16)
def _conftests(path: str) -> tuple[str, ...]:
    """The `conftest.py` paths whose fixtures `path` sees, nearest first."""
    found: list[str] = []
    directory = posixpath.dirname(path)
    while directory:
        found.append(f"{directory}/conftest.py")
        directory = posixpath.dirname(directory)
    found.append("conftest.py")
    return tuple(found)


def _visible_fixture(path: str, name: str, fixtures: Mapping[str, Mapping[str, str]]) -> str | None:
    local = fixtures.get(path, {}).get(name)
    if local is not None:
        return local
    for conftest in _conftests(path):
        found = fixtures.get(conftest, {}).get(name)
        if found is not None:
            return found
    return None


@dataclass(frozen=True, slots=True)
class FixturesAndBases:
    """What `test_edges` needs besides the resolved edges: pytest fixtures per file and
    base class expressions per class."""

    fixtures: Mapping[str, Mapping[str, str]]
    bases: Mapping[str, list[str]]


def fixtures_and_bases(
    symbols: Mapping[str, Symbol], facts: Mapping[str, FileFacts]
) -> FixturesAndBases:
    """The part of `test_edges` that needs no resolution: a cold build computes it while
    the workers resolve."""
    return FixturesAndBases(_fixtures(symbols), _bases(facts))


def test_edges(
    symbols: Mapping[str, Symbol],
    edges: Iterable[Edge],
    facts: Mapping[str, FileFacts],
    context: FixturesAndBases | None = None,
) -> list[Edge]:
    """TESTS edges from each test to the non-test symbols it exercises, sorted.
    `context` is `fixtures_and_bases(symbols, facts)` when the caller computed it already."""
    calls: dict[str, list[tuple[str, int]]] = defaultdict(list)
    parents: dict[str, list[str]] = defaultdict(list)
    calls_kind, inherits_kind = EdgeKind.CALLS, EdgeKind.INHERITS
    for edge in edges:
        kind = edge.kind
        if kind is calls_kind and is_test_file(edge.source.partition("::")[0]):
            calls[edge.source].append((edge.target, edge.line))
        elif kind is inherits_kind:
            parents[edge.source].append(edge.target)
    if context is None:
        context = fixtures_and_bases(symbols, facts)
    fixtures = context.fixtures
    # Written to below (never the lists themselves): the caller's context stays as it was.
    bases: dict[str, list[str]] = defaultdict(list, context.bases)
    # A class deriving, through repository classes, from a test base counts as its base
    # does: `class Edit(Base)` with `class Base(TestCase)` elsewhere.
    ancestry = {
        class_id: _ancestors(class_id, parents)
        for class_id in sorted(parents)
        if is_test_file(class_id.partition("::")[0])
    }
    for class_id, ancestors in ancestry.items():
        for ancestor in ancestors:
            bases[class_id] = [*bases[class_id], ancestor.rpartition("::")[2]]
            bases[class_id].extend(bases.get(ancestor, ()))
    memo: dict[str, list[tuple[str, int]]] = {}

    def helpers(symbol_id: str) -> list[tuple[str, int]]:
        found = memo.get(symbol_id)
        if found is None:
            found = memo[symbol_id] = _helpers(symbol_id)
        return found

    def _helpers(symbol_id: str) -> list[tuple[str, int]]:
        """What a test-file function leads to: its calls, its fixtures, its class hooks."""
        symbol = symbols.get(symbol_id)
        steps = list(calls.get(symbol_id, ()))
        if symbol is None:
            return steps
        for name in _parameters(symbol.signature):
            fixture = _visible_fixture(symbol.path, name, fixtures)
            if fixture is not None and fixture != symbol_id:
                steps.append((fixture, symbol.span[0]))
        owner = parent_id(symbol_id)
        if (
            symbol.kind is SymbolKind.METHOD
            and owner is not None
            and symbol.name.startswith("test")
        ):
            for hook in _SETUP_HOOKS:
                hook_id = f"{owner}.{hook}"
                if hook_id in symbols:
                    steps.append((hook_id, symbol.span[0]))
        return steps

    # `is_test_symbol` checks these two first: the rest of the repository is never sorted.
    candidates = sorted(
        sid for sid, s in symbols.items() if s.name.startswith("test") and is_test_file(s.path)
    )
    tests_kind = EdgeKind.TESTS
    result: list[Edge] = []
    for test_id in candidates:
        if not is_test_symbol(symbols[test_id], symbols, facts, bases):
            continue
        reached: dict[str, int] = {}
        frontier = helpers(test_id)
        seen = {test_id}
        for _ in range(MAX_DEPTH):
            following: list[tuple[str, int]] = []
            for target, line in frontier:
                if target in seen:
                    continue
                seen.add(target)
                if is_test_file(target.partition("::")[0]):
                    following.extend((nxt, line) for nxt, _ in helpers(target))
                elif target in symbols:
                    previous = reached.get(target)
                    if previous is None or line < previous:
                        reached[target] = line
            frontier = following
        result.extend(Edge(test_id, t, tests_kind, reached[t]) for t in sorted(reached))
    return result
