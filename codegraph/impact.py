"""What a change touches: changed symbols, their transitive dependents, affected tests.

A unified diff (from `git diff A..B`, the staged changes or a file) gives changed lines on
both sides; each line maps to the smallest symbol enclosing it in the version it belongs
to (removed lines in the old file, added lines in the new one), so a deleted method and a
new one both count. Dependents are found walking `calls`, `references`, `inherits` and
`imports` edges backwards; affected tests are the test functions among them, those with a
`tests` edge into any changed or dependent symbol, and tests edited by the diff itself.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchedFile, PatchSet

from codegraph.errors import ParseError, QueryError, RepositoryError
from codegraph.languages import language_for
from codegraph.model import EdgeKind, Symbol, SymbolKind
from codegraph.query import GraphIndex
from codegraph.testedges import is_test_file

MAX_DIFF_BYTES = 20_000_000
MAX_DEPTH = 20
DEFAULT_DEPTH = 3
GIT_TIMEOUT = 60
_REV = re.compile(r"[\w./@^~{}:+-]{1,200}")
_DEPENDENCY_KINDS = frozenset(
    {
        EdgeKind.CALLS.value,
        EdgeKind.REFERENCES.value,
        EdgeKind.INHERITS.value,
        EdgeKind.IMPORTS.value,
    }
)

# (side, path) -> the file's text in that version, None when it does not exist there.
Source = Callable[[str, str], "str | None"]


@dataclass(frozen=True, slots=True)
class ChangedSymbol:
    """A symbol with changed lines (numbered in the version the symbol was found in)."""

    id: str
    path: str
    kind: str
    lines: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Dependent:
    """A symbol that depends on a changed one, `distance` edges away."""

    id: str
    path: str
    distance: int


@dataclass(frozen=True, slots=True)
class Impact:
    """Everything a diff touches, each list sorted deterministically."""

    files: tuple[str, ...]
    changed: tuple[ChangedSymbol, ...]
    dependents: tuple[Dependent, ...]
    tests: tuple[str, ...]  # runner-ready ids: "tests/test_x.py::TestA::test_b"


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RepositoryError(f"git {args[0]} failed: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise RepositoryError(f"git {args[0]} failed: {message[-1] if message else 'error'}")
    if len(done.stdout) > MAX_DIFF_BYTES:
        raise QueryError(f"the diff is larger than {MAX_DIFF_BYTES // 1_000_000} MB")
    return done.stdout.decode(errors="replace")


def _split_rev(rev: str) -> tuple[str, str]:
    old, sep, new = rev.partition("...") if "..." in rev else rev.partition("..")
    old, new = old or "HEAD", (new if sep else "HEAD") or "HEAD"
    for part in (old, new):
        if not _REV.fullmatch(part) or part.startswith("-"):
            raise QueryError(f"not a revision range: {rev!r} (expected A..B)")
    return old, new


def _git_source(root: Path, old: str | None, new: str | None) -> Source:
    """Versions from git: `None` for new means the index (staged) copy."""

    def source(side: str, path: str) -> str | None:
        spec = f"{old}:{path}" if side == "old" else (f"{new}:{path}" if new else f":{path}")
        if side == "old" and old is None:
            return None
        try:
            return _git(root, "show", spec)
        except RepositoryError:
            return None

    return source


def diff_for_rev(root: Path, rev: str) -> tuple[str, Source]:
    """`git diff A..B` of the repository, with a way to read both versions of a file."""
    old, new = _split_rev(rev)
    text = _git(root, "diff", "--no-color", "--no-ext-diff", "--no-renames", old, new, "--")
    return text, _git_source(root, old, new)


def diff_staged(root: Path) -> tuple[str, Source]:
    """The staged changes (`git diff --cached`), with both versions of a file readable."""
    text = _git(root, "diff", "--cached", "--no-color", "--no-ext-diff", "--no-renames", "--")
    try:
        _git(root, "rev-parse", "--verify", "-q", "HEAD")
        head: str | None = "HEAD"
    except RepositoryError:
        head = None
    return text, _git_source(root, head, None)


def read_diff(path: Path) -> str:
    """A diff file's text, bounded and decoded; a clear error when unreadable."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_DIFF_BYTES + 1)
    except OSError as exc:
        raise RepositoryError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_DIFF_BYTES:
        raise QueryError(f"{path} is larger than {MAX_DIFF_BYTES // 1_000_000} MB")
    return data.decode("utf-8", errors="replace")


def parse_diff(text: str) -> PatchSet:
    """The files of a unified diff; `QueryError` on anything else."""
    if len(text) > MAX_DIFF_BYTES:
        raise QueryError(f"the diff is larger than {MAX_DIFF_BYTES // 1_000_000} MB")
    try:
        patch = PatchSet(text)
    except (UnidiffParseError, ValueError, IndexError) as exc:
        raise QueryError(f"not a valid unified diff: {exc}") from exc
    if text.strip() and not len(patch):
        raise QueryError("not a unified diff: no file headers (---/+++) found")
    for pfile in patch:
        _safe_path(pfile.path)
    return patch


def _safe_path(path: str) -> str:
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not path or "\x00" in path:
        raise QueryError(f"the diff names a path outside the repository: {path!r}")
    return path


def _disk_source(root: Path, patch: PatchSet) -> Source:
    """Both versions of each file when only a diff is given: the copy on disk is one side
    (whichever the hunks agree with), the other is rebuilt by (un)applying the hunks."""
    versions: dict[tuple[str, str], str | None] = {}
    for pfile in patch:
        path = pfile.path
        target = root / path
        disk = target.read_text(errors="replace") if target.is_file() else None
        added = "".join(line.value for hunk in pfile for line in hunk if not line.is_removed)
        removed = "".join(line.value for hunk in pfile for line in hunk if not line.is_added)
        if pfile.is_added_file:
            versions[("old", path)], versions[("new", path)] = None, disk or added
        elif pfile.is_removed_file:
            versions[("old", path)], versions[("new", path)] = disk or removed, None
        elif disk is None:
            raise QueryError(f"the diff changes {path}, which is not in the repository")
        elif _agrees(disk, pfile, "source"):
            versions[("old", path)], versions[("new", path)] = disk, _rebuild(disk, pfile, "source")
        elif _agrees(disk, pfile, "target"):
            versions[("old", path)], versions[("new", path)] = _rebuild(disk, pfile, "target"), disk
        else:
            raise QueryError(f"the diff does not match {path} in either direction")
    return lambda side, path: versions.get((side, path))


def _agrees(text: str, pfile: PatchedFile, side: str) -> bool:
    lines = text.splitlines(keepends=True)
    skip = "is_added" if side == "source" else "is_removed"
    for hunk in pfile:
        for line in hunk:
            number = line.source_line_no if side == "source" else line.target_line_no
            if getattr(line, skip) or number is None:
                continue
            if number > len(lines) or lines[number - 1].rstrip("\r\n") != line.value.rstrip("\r\n"):
                return False
    return True


def _rebuild(text: str, pfile: PatchedFile, side: str) -> str:
    """The other version of `text` (which is the diff's `side`)."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    cursor = 0
    for hunk in pfile:
        start, length = (
            (hunk.source_start, hunk.source_length)
            if side == "source"
            else (hunk.target_start, hunk.target_length)
        )
        begin = start if length == 0 else start - 1
        out.extend(lines[cursor:begin])
        cursor = begin
        for line in hunk:
            mine = line.is_removed if side == "source" else line.is_added
            theirs = line.is_added if side == "source" else line.is_removed
            if line.is_context or mine:
                if line.is_context:
                    out.append(lines[cursor] if cursor < len(lines) else line.value)
                cursor += 1
            elif theirs:
                out.append(line.value)
    out.extend(lines[cursor:])
    return "".join(out)


def _symbols_of(path: str, text: str | None) -> list[Symbol]:
    language = language_for(path)
    if text is None or language is None:
        return []
    try:
        return list(language.extract(path, text.encode()).symbols)
    except ParseError:
        return []


def _innermost(symbols: list[Symbol], line: int, path: str) -> str:
    spanning = [
        s for s in symbols if s.span[0] <= line <= s.span[1] and s.kind is not SymbolKind.MODULE
    ]
    if not spanning:
        return path
    return min(spanning, key=lambda s: (s.span[1] - s.span[0], s.id)).id


def changed_symbols(patch: PatchSet, source: Source) -> list[ChangedSymbol]:
    """Changed lines mapped to the innermost symbol of the version they belong to; lines
    outside any definition count for the module (its id is its path)."""
    found: dict[str, tuple[str, str, set[int]]] = {}
    for pfile in patch:
        path = pfile.path
        for side, attribute, number in (
            ("old", "is_removed", "source"),
            ("new", "is_added", "target"),
        ):
            symbols = _symbols_of(path, source(side, path))
            kinds = {s.id: s.kind.value for s in symbols}
            for hunk in pfile:
                for line in hunk:
                    if not getattr(line, attribute):
                        continue
                    line_no = line.source_line_no if number == "source" else line.target_line_no
                    if line_no is None:
                        continue
                    sid = _innermost(symbols, line_no, path)
                    entry = found.setdefault(sid, (path, kinds.get(sid, "module"), set()))
                    entry[2].add(line_no)
    return [
        ChangedSymbol(sid, path, kind, tuple(sorted(lines)))
        for sid, (path, kind, lines) in sorted(found.items())
    ]


def dependents(index: GraphIndex, seeds: Iterable[str], depth: int) -> list[Dependent]:
    """Symbols reaching any seed over dependency edges backwards, nearest distance each."""
    if not 1 <= depth <= MAX_DEPTH:
        raise QueryError(f"depth must be between 1 and {MAX_DEPTH}")
    graph = index.graph
    seen = {s for s in seeds if s in graph}
    frontier = sorted(seen)
    rows: list[Dependent] = []
    for distance in range(1, depth + 1):
        found = {
            source
            for node in frontier
            for source, _, key in graph.in_edges(node, keys=True)
            if key in _DEPENDENCY_KINDS and source not in seen
        }
        seen |= found
        frontier = sorted(found)
        rows.extend(Dependent(sid, _path(index, sid), distance) for sid in frontier)
        if not frontier:
            break
    return rows


def _path(index: GraphIndex, sid: str) -> str:
    symbol = index.symbols.get(sid)
    return symbol.path if symbol is not None else sid.partition("::")[0]


def _is_test(index: GraphIndex, sid: str) -> bool:
    """A test function or method, by the rule the TESTS edges use (`is_test_file`), so a
    library helper named `test_connection` outside the test tree is never run as a test."""
    symbol = index.symbols.get(sid)
    if symbol is None or not symbol.name.startswith("test") or not is_test_file(symbol.path):
        return False
    if symbol.kind is SymbolKind.FUNCTION:
        return sid.rpartition("::")[2] == symbol.name  # module level, not a nested helper
    return symbol.kind is SymbolKind.METHOD


def runner_id(sid: str) -> str:
    """The id a test runner takes: `tests/t.py::TestA.test_b` → `tests/t.py::TestA::test_b`."""
    path, _, qualname = sid.partition("::")
    return f"{path}::{qualname.replace('.', '::')}" if qualname else path


def impact(
    index: GraphIndex, diff_text: str, *, source: Source | None = None, depth: int = DEFAULT_DEPTH
) -> Impact:
    """The impact of `diff_text` on `index`. Without `source`, the files on disk are taken
    as one side of the diff (before or after it, whichever the hunks match)."""
    patch = parse_diff(diff_text)
    changed = changed_symbols(patch, source or _disk_source(index.root, patch))
    seeds = {c.id for c in changed}
    deps = dependents(index, seeds, depth)
    reached = seeds | {d.id for d in deps}
    tests = {sid for sid in reached if _is_test(index, sid)}
    graph = index.graph
    for sid in reached & set(graph.nodes):
        tests.update(
            source
            for source, _, key in graph.in_edges(sid, keys=True)
            if key == EdgeKind.TESTS.value
        )
    ids = {runner_id(t) for t in tests}
    # A test file edited outside any test function (imports, fixtures): run all of it.
    ids.update(c.path for c in changed if is_test_file(c.path) and c.id == c.path)
    return Impact(
        files=tuple(sorted({pfile.path for pfile in patch})),
        changed=tuple(changed),
        dependents=tuple(deps),
        tests=tuple(sorted(ids)),
    )


def affected_tests(index: GraphIndex, diff_text: str) -> list[str]:
    """Runner-ready ids of the tests a diff may affect, sorted (used by the executor)."""
    return list(impact(index, diff_text).tests)
