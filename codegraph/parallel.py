"""Extraction and resolution of many files, in worker processes when there are enough.

Workers are forked (no re-import, and resolve workers share the parent's symbol table
copy-on-write); the parent pauses the garbage collector while it builds the index, so
each worker freezes what it inherited and turns it back on, collecting rarely. Each
extraction worker reads its files itself (the parent never ships file contents), hashes
them, applies the content skip rules and returns each file's facts already encoded for
the store: the parent decodes them once and writes the same bytes to disk without
encoding again. Files go out largest first, in batches of about equal bytes, so no worker
is left with a big file while the other has nothing to do.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from codegraph.discover import blob_id, content_skip_reason, read_source
from codegraph.errors import ParseError
from codegraph.graph import EdgeTuple, aggregate
from codegraph.languages import get_language
from codegraph.model import EdgeKind, FileFacts
from codegraph.resolve import Resolution, SymbolTable, resolve_file
from codegraph.store import decode_facts, encode_facts, encode_resolved

# Below this many files a process pool costs more than it saves.
MIN_PARALLEL_FILES = 48
MAX_JOBS = 8
# Allocations between a worker's young-generation collections (the default is 700).
_GC_THRESHOLD = 100_000

# The parent's GIL switch interval while a pool runs (the default is 5 ms).
_SWITCH_INTERVAL = 0.0005

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True, slots=True)
class Extracted:
    """One file's outcome: the blob id of the bytes read ("" when unreadable), and its
    facts (and their encoding) or the reason it was skipped."""

    path: str
    blob: str
    facts: FileFacts | None
    encoded: bytes | None
    skipped: str | None


def _worker_init() -> None:
    """Freeze what the worker inherited (a fork copies the parent's unfinished heap: a
    full collection would walk it all and un-share every page it touches) and collect
    rarely: a worker's short-lived objects die by reference count, and with the default
    threshold collections cost resolution about half again its time."""
    gc.freeze()
    gc.set_threshold(_GC_THRESHOLD, 20, 20)
    gc.enable()


@contextmanager
def _responsive() -> Iterator[None]:
    """A pool's tasks reach its workers through two helper threads of the parent (the
    executor's manager and the call queue's feeder), which need the GIL; while the main
    thread builds the graph or test edges, each hand-off waited out a 5 ms switch
    interval, and the resolve workers of a Django cold build idled 0.6 s of 2.1 s."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(_SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def _can_fork() -> bool:
    """Forking is safe only from a single-threaded POSIX process (a server's other
    threads may hold locks the child would inherit held)."""
    return os.name == "posix" and threading.active_count() == 1


def default_jobs() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_JOBS))


def extract_file(root: Path, path: str, language: str) -> Extracted:
    """Read, hash, check and extract one file; every failure becomes a skip reason."""
    try:
        data = read_source(root, path)
    except OSError as exc:
        return Extracted(path, "", None, None, f"unreadable: {exc.strerror or exc}")
    blob = blob_id(data)
    reason = content_skip_reason(path, data)
    if reason is not None:
        return Extracted(path, blob, None, None, reason)
    try:
        facts = get_language(language).extract(path, data)
    except ParseError as exc:
        return Extracted(path, blob, None, None, f"parse error: {exc}")
    except (RecursionError, MemoryError) as exc:
        return Extracted(path, blob, None, None, f"parse error: {type(exc).__name__}")
    except Exception as exc:  # an extractor bug must cost one file, not the index
        return Extracted(path, blob, None, None, f"parse error: {type(exc).__name__}: {exc}")
    return Extracted(path, blob, facts, None, None)


_Row = tuple[str, str, bytes | None, str | None]  # path, blob, encoded facts, skip reason


def _extract_batch(root: str, items: Sequence[tuple[str, str]]) -> list[_Row]:
    base = Path(root)
    out: list[_Row] = []
    for path, language in items:
        done = extract_file(base, path, language)
        encoded = encode_facts(done.facts) if done.facts is not None else None
        out.append((path, done.blob, encoded, done.skipped))
    return out


def _batches(
    items: Sequence[tuple[str, str]], sizes: Mapping[str, int], jobs: int
) -> list[list[tuple[str, str]]]:
    """Items largest first, cut into batches of about 1/16 of a worker's share of the
    bytes (at most 64 files): big files travel alone, small ones in bulk, and the last
    batches are small, so both workers finish at about the same time."""
    ordered = sorted(items, key=lambda item: (-sizes.get(item[0], 0), item[0]))
    budget = max(1, sum(sizes.get(path, 0) for path, _ in items) // (jobs * 16))
    batches: list[list[tuple[str, str]]] = []
    batch: list[tuple[str, str]] = []
    weight = 0
    for item in ordered:
        batch.append(item)
        weight += sizes.get(item[0], 0)
        if weight >= budget or len(batch) == 64:
            batches.append(batch)
            batch, weight = [], 0
    if batch:
        batches.append(batch)
    return batches


def extract_all(
    root: Path,
    items: Sequence[tuple[str, str]],
    *,
    sizes: Mapping[str, int] | None = None,
    each: Callable[[Extracted], object] = lambda done: None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Extracted]:
    """Extract `(path, language)` items; uses `jobs` processes (default: every core).
    `sizes` (path → bytes) lets the largest files start first; `each` sees every
    outcome as it arrives (in no fixed order), while the workers go on."""

    jobs = default_jobs() if jobs is None else max(1, min(jobs, MAX_JOBS))
    total = len(items)
    results: dict[str, Extracted] = {}
    if jobs == 1 or total < MIN_PARALLEL_FILES:
        for number, (path, language) in enumerate(items, 1):
            results[path] = done = extract_file(root, path, language)
            each(done)
            if progress is not None:
                progress("parse", number, total)
        return results
    if sizes is None:
        sizes = {path: _size(root / path) for path, _ in items}
    batches = _batches(items, sizes, jobs)
    context = multiprocessing.get_context("fork" if _can_fork() else "spawn")
    with (
        _responsive(),
        ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_init) as pool,
    ):
        futures: list[Future[list[_Row]]] = [
            pool.submit(_extract_batch, str(root), batch) for batch in batches
        ]
        for future in as_completed(futures):
            for path, blob, encoded, skipped in future.result():
                facts = decode_facts(encoded, ours=True) if encoded is not None else None
                results[path] = done = Extracted(path, blob, facts, encoded, skipped)
                each(done)
            if progress is not None:
                progress("parse", len(results), total)
    return results


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0


# What resolve workers read: set just before the pool forks, so children share it
# copy-on-write instead of receiving the whole repository's facts through a pipe.
_SHARED: tuple[SymbolTable, Mapping[str, FileFacts]] | None = None


# The kinds `codegraph.resolve.resolution_rate` rates; the tests check both agree.
RATED = frozenset({EdgeKind.CALLS, EdgeKind.INHERITS, EdgeKind.REFERENCES})

# (rated resolved, rated unresolved, all unresolved, external) of one file
Counts = tuple[int, int, int, int]


# Compared by identity: a frozenset lookup would hash each enum member in Python.
_UNRATED = tuple(kind for kind in EdgeKind if kind not in RATED)


def count_resolution(resolution: Resolution) -> Counts:
    contains, imports, tests = _UNRATED
    return (
        sum(
            1
            for e in resolution.edges
            if not (e.kind is contains or e.kind is imports or e.kind is tests)
        ),
        sum(1 for u in resolution.unresolved if u.kind in RATED),
        len(resolution.unresolved),
        resolution.external,
    )


@dataclass(frozen=True, slots=True)
class ResolvedFile:
    """One file's resolution as the index keeps it: its counts, and the `Resolution`
    either decoded or still in its store encoding (its edges went to the graph)."""

    counts: Counts
    resolution: Resolution | None
    encoded: bytes | None


def _resolved_file(resolution: Resolution, *, encode: bool) -> ResolvedFile:
    return ResolvedFile(
        counts=count_resolution(resolution),
        resolution=None if encode else resolution,
        encoded=encode_resolved(resolution) if encode else None,
    )


# (source, target, kind, lines) with each end as its position in `symbol_positions`:
# what resolve workers send back (ints pickle and travel cheaper than id strings).
_PositionRow = tuple[int, int, str, tuple[int, ...]]

# A resolve worker's `symbol_positions` of the shared facts, computed on first use.
_POSITIONS: dict[str, int] | None = None


def symbol_positions(facts: Mapping[str, FileFacts]) -> dict[str, int]:
    """Each symbol id of `facts` → its position in the order `codegraph.graph.build_graph`
    adds the same facts' symbols as nodes (a repeated id keeps its first place)."""
    positions: dict[str, int] = {}
    for file_facts in facts.values():
        for symbol in file_facts.symbols:
            positions.setdefault(symbol.id, len(positions))
    return positions


_CONTAINS = EdgeKind.CONTAINS.value


def _position_rows(resolution: Resolution, positions: Mapping[str, int]) -> list[_PositionRow]:
    """The resolution's graph rows (`aggregate`) but `contains` ones, without rows to or
    from non-symbols. A file's `contains` rows to symbols are those of
    `codegraph.graph.contains_rows`, in the graph from the start: sending them again
    only costs."""
    rows = []
    get = positions.get
    for source, target, kind, lines in aggregate(resolution.edges):
        s, t = get(source), get(target)
        if s is not None and t is not None and kind != _CONTAINS:
            rows.append((s, t, kind, lines))
    return rows


def _resolve_batch(paths: Sequence[str]) -> list[tuple[str, ResolvedFile, list[_PositionRow]]]:
    global _POSITIONS
    assert _SHARED is not None
    table, facts = _SHARED
    if _POSITIONS is None:
        _POSITIONS = symbol_positions(facts)
    out = []
    for path in paths:
        resolution = resolve_file(table, facts[path])
        rows = _position_rows(resolution, _POSITIONS)
        out.append((path, _resolved_file(resolution, encode=True), rows))
    return out


def resolve_all(
    table: SymbolTable,
    facts: Mapping[str, FileFacts],
    *,
    sink: Callable[[list[EdgeTuple]], object],
    each: Callable[[str, ResolvedFile], object] = lambda path, done: None,
    first: Callable[[str], bool] = lambda path: False,
    then: Callable[[Mapping[str, ResolvedFile]], object] = lambda resolved: None,
    meanwhile: Callable[[], object] = lambda: None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> dict[str, ResolvedFile]:
    """Resolve every file against `table`, handing each file's edges to `sink` as graph
    rows as soon as they arrive (and then the file itself to `each`). Files resolved in
    workers come back encoded for the store (the parent decodes only what it reads
    later); the others decoded.

    Both ends of every row are symbols of `facts`, given as those symbols' own id
    strings (rows to anything else are left out), so `sink` needs no lookups; `contains`
    rows are left out too (`codegraph.graph.build_graph` adds them from the facts).

    `meanwhile` runs before the first row reaches `sink`: once the workers have started
    when there are workers, so that it overlaps with them. The files `first` selects are
    resolved first, and `then` runs on them as soon as they are all in, while the
    workers go on with the rest.
    """
    global _SHARED
    jobs = default_jobs() if jobs is None else max(1, min(jobs, MAX_JOBS))
    leading = sorted(p for p in facts if first(p))
    paths = leading + sorted(p for p in facts if not first(p))
    total = len(paths)
    resolved: dict[str, ResolvedFile] = {}
    pending_then = True

    def maybe_then() -> None:
        nonlocal pending_then
        if pending_then and len(resolved) >= len(leading):
            pending_then = False
            then(resolved)

    # Resolve workers must inherit the table: without a safe fork, resolve here.
    if jobs == 1 or total < MIN_PARALLEL_FILES or not _can_fork():
        meanwhile()
        maybe_then()
        positions = symbol_positions(facts)
        ids = list(positions)
        for number, path in enumerate(paths, 1):
            resolution = resolve_file(table, facts[path])
            resolved[path] = done = _resolved_file(resolution, encode=False)
            rows = _position_rows(resolution, positions)
            sink([(ids[s], ids[t], k, lines) for s, t, k, lines in rows])
            each(path, done)
            maybe_then()
            if progress is not None and (number % 64 == 0 or number == total):
                progress("resolve", number, total)
        return resolved
    size = max(8, min(64, total // (jobs * 8)))
    # The last fifth in quarter-size batches: no worker waits long for the other at the
    # end. Only the cuts move; results are still taken in path order.
    tail = total - total // 5
    batches = [paths[i : min(i + size, tail)] for i in range(0, tail, size)]
    batches += [paths[i : i + max(2, size // 4)] for i in range(tail, total, max(2, size // 4))]
    _SHARED = (table, facts)
    try:
        with (
            _responsive(),
            ProcessPoolExecutor(
                max_workers=jobs,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_worker_init,
            ) as pool,
        ):
            futures = [pool.submit(_resolve_batch, batch) for batch in batches]
            meanwhile()
            ids = list(symbol_positions(facts))
            maybe_then()
            # In submission order, not completion order: the graph's insertion order (and
            # so every traversal of it) is then the same on every build.
            for future in futures:
                for path, done, rows in future.result():
                    resolved[path] = done
                    sink([(ids[s], ids[t], k, lines) for s, t, k, lines in rows])
                    each(path, done)
                maybe_then()
                if progress is not None:
                    progress("resolve", len(resolved), total)
    finally:
        _SHARED = None
    return resolved
