"""The persistent, incremental index of one repository: `build_index`, `load_index`, `Index`.

A cold build extracts every file (in worker processes), resolves every file against the
whole repository and saves the store. Later builds reuse each file whose path and blob id
are unchanged, re-extract the rest, and re-resolve only changed files and the files that
depend on them. `Index.update` does the same for named files inside a running process.
"""

from __future__ import annotations

import gc
import logging
import posixpath
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx

from codegraph import graph as graphs
from codegraph import store
from codegraph.discover import SourceFile, discover, path_skip_reason, with_blobs
from codegraph.errors import IndexStoreError, RepositoryError
from codegraph.languages import language_name_for
from codegraph.model import Edge, EdgeKind, FileFacts, Skipped, Symbol, Unresolved
from codegraph.parallel import (
    Counts,
    Extracted,
    Progress,
    ResolvedFile,
    count_resolution,
    extract_all,
    extract_file,
    resolve_all,
)
from codegraph.resolve import Resolution, SymbolTable, resolve_file
from codegraph.stats import EMPTY, Clock, IndexStats, Tally, category, combine, rounded
from codegraph.testedges import FixturesAndBases, fixtures_and_bases, is_test_file, test_edges

log = logging.getLogger("codegraph")

# Edges an update never re-derives from one file's resolution.
_KEEP_ON_RERESOLVE = frozenset({EdgeKind.CONTAINS.value, EdgeKind.TESTS.value})


class Index:
    """A repository's symbol graph with what produced it.

    `graph`, `symbols`, `skipped` and `stats` are in memory from the start; `facts` and
    `unresolved` are read from the store on first use, so a warm start stays fast.
    """

    def __init__(
        self,
        root: Path,
        data_dir: Path,
        graph: nx.MultiDiGraph,
        files: dict[str, store.FileRecord],
        path_skips: list[Skipped],
        stats: IndexStats,
        generation: str,
    ) -> None:
        self.root = root
        self.data_dir = data_dir
        self.graph = graph
        # Symbol id → `Symbol` for every node; kept in step with the graph by updates.
        self.symbols: dict[str, Symbol] = {sid: data["symbol"] for sid, data in graph._node.items()}
        self.files = files
        self.stats = stats
        self.version = 0  # bumped by every update, so query caches know to rebuild
        self.warnings: list[str] = []
        self._path_skips = path_skips
        self._generation = generation
        self._facts: dict[str, FileFacts] | None = None
        # Each parsed file's resolution is decoded, or encoded as stored, or both.
        self._resolved: dict[str, Resolution] = {}
        self._encoded_facts: dict[str, bytes] = {}
        self._encoded_resolved: dict[str, bytes] = {}
        self._counts: dict[str, Counts] = {}
        self._table: SymbolTable | None = None
        # Per-file figures behind `stats`, recounted only for files an update touched.
        self._tallies: dict[str, Tally] = {}
        # The nodes' symbols as the store writes them, until the first change to them.
        self._encoded_symbols: bytes | None = None

    @property
    def skipped(self) -> list[Skipped]:
        """Every file not parsed, with its reason, sorted by path."""
        content = [Skipped(r.path, r.skipped) for r in self.files.values() if r.skipped]
        return sorted(self._path_skips + content, key=lambda s: s.path)

    @property
    def facts(self) -> dict[str, FileFacts]:
        """Path → `FileFacts` of every parsed file (read from the store on first use)."""
        self._load_live()
        assert self._facts is not None
        return self._facts

    @property
    def resolutions(self) -> dict[str, Resolution]:
        """Path → `Resolution` of every parsed file (decoded on first use; the facts
        are not needed for this, so `callers` on a warm start never decodes them)."""
        if self._facts is None:
            self._load_raw()
            paths = [p for p, record in self.files.items() if record.skipped is None]
        else:
            paths = list(self._facts)
        with paused_gc():
            for path in paths:
                self._resolution(path)
        return self._resolved

    @property
    def unresolved(self) -> list[Unresolved]:
        """References that resolved to no definition or to several, in path order."""
        resolutions = self.resolutions
        return [u for path in sorted(resolutions) for u in resolutions[path].unresolved]

    def update(self, paths: Iterable[str]) -> IndexStats:
        """Re-index the named files (repository-relative) after they were edited, created
        or deleted; only they and the files depending on them are re-resolved."""
        with paused_gc():
            return self._update(paths)

    def _update(self, paths: Iterable[str]) -> IndexStats:
        started = time.perf_counter()
        changes: dict[str, FileFacts | None] = {}
        parsed = 0
        for raw in paths:
            path = _relative(self.root, raw)
            record, facts = self._read_one(path)
            self.files.pop(path, None)
            if record is not None:
                self.files[path] = record
            changes[path] = facts
            parsed += facts is not None
        parse_done = time.perf_counter()
        reresolved = self._apply(changes)
        self.version += 1
        self.stats = self._stats(
            parsed=parsed,
            reused=len(self.facts) - parsed,
            reresolved=reresolved,
            seconds={
                "parse": parse_done - started,
                "resolve": time.perf_counter() - parse_done,
                "total": time.perf_counter() - started,
            },
        )
        return self.stats

    def save(self) -> None:
        """Write the index to its data directory (atomically)."""
        with paused_gc():
            self._save()

    def _save(self) -> None:
        if self._facts is None:
            # Facts never loaded, so never changed: the facts file on disk still matches.
            store.save(self.data_dir, self._graph_part(), None)
            return
        self._generation = store.new_generation()
        for path, facts in self._facts.items():
            if path not in self._encoded_facts:
                self._encoded_facts[path] = store.encode_facts(facts)
        for path in self._facts:
            if path not in self._encoded_resolved:
                self._encoded_resolved[path] = store.encode_resolved(self._resolved[path])
        self._fill_tallies()
        tallies = {
            path: (t.edges, (t.resolved, t.unresolved_rated, t.unresolved, t.external))
            for path, t in self._tallies.items()
        }
        facts_part = store.FactsPart(
            self._generation, dict(self._encoded_facts), dict(self._encoded_resolved), tallies
        )
        store.save(self.data_dir, self._graph_part(), facts_part)

    # -- loading the live state -------------------------------------------------------

    def _load_raw(self) -> None:
        if self._encoded_facts or not self.files:
            return
        part = store.load_facts(self.data_dir, self._generation)
        self._encoded_facts = part.facts
        self._encoded_resolved = part.resolved
        for path, (edges, counts) in part.tallies.items():
            self._counts.setdefault(path, counts)
            self._tallies.setdefault(path, Tally(edges, *counts))

    def _load_live(self) -> None:
        if self._facts is not None:
            return
        with paused_gc():
            self._decode_live()

    def _decode_live(self) -> None:
        self._load_raw()
        self._facts = {p: store.decode_facts(b) for p, b in self._encoded_facts.items()}

    def _resolution(self, path: str, *, keep: bool = True) -> Resolution:
        found = self._resolved.get(path)
        if found is None:
            found = store.decode_resolved(self._encoded_resolved[path])
            if keep:
                self._resolved[path] = found
        return found

    def _symbol_table(self) -> SymbolTable:
        if self._table is None:
            facts = self.facts
            with paused_gc():
                self._table = SymbolTable.build(facts)
        return self._table

    # -- incremental maintenance ------------------------------------------------------

    def _read_one(self, path: str) -> tuple[store.FileRecord | None, FileFacts | None]:
        language = language_name_for(path)
        if language is None:
            return None, None
        reason = path_skip_reason(self.root, path)
        if reason == "missing":
            return None, None
        if reason is not None:
            return store.FileRecord(path, "", language, reason), None
        done = extract_file(self.root, path, language)
        return store.FileRecord(path, done.blob, language, done.skipped), done.facts

    def _apply(self, changes: Mapping[str, FileFacts | None]) -> int:
        """Put changed facts (None: the file is gone or skipped) into the graph and
        re-resolve what they affect. Returns how many files were resolved."""
        facts = self.facts
        resolved = self._resolved
        table = self._symbol_table()
        graph = self.graph
        self._encoded_symbols = None
        nodes: dict[str, dict[str, Any]] = graph._node
        affected: set[str] = set()
        for path, new in sorted(changes.items()):
            old = facts.pop(path, None)
            resolved.pop(path, None)
            self._encoded_facts.pop(path, None)
            self._encoded_resolved.pop(path, None)
            self._counts.pop(path, None)
            old_ids = {s.id for s in old.symbols} if old is not None else set()
            new_ids = {s.id for s in new.symbols} if new is not None else set()
            # Edges into surviving definitions stay; whoever pointed at a definition
            # that is gone must be resolved again.
            gone = old_ids - new_ids
            for sid in gone:
                for source in graph._pred.get(sid, ()):
                    affected.add(nodes[source]["symbol"].path)
                self.symbols.pop(sid, None)
            graph.remove_nodes_from(gone)
            graphs.remove_kind(graph, EdgeKind.CONTAINS, old_ids & new_ids)
            table.update(path, new)
            if new is not None:
                facts[path] = new
                graphs.add_nodes(graph, new.symbols)
                self.symbols.update((s.id, s) for s in new.symbols)
                graphs.add_rows(graph, graphs.contains_rows(new))
                affected.add(path)
            affected |= table.dependents(path)
        for path in affected | changes.keys():
            self._tallies.pop(path, None)
        for path in sorted(affected & facts.keys()):
            graphs.remove_outgoing(graph, (s.id for s in facts[path].symbols), _KEEP_ON_RERESOLVE)
            resolution = resolve_file(table, facts[path])
            resolved[path] = resolution
            self._encoded_resolved.pop(path, None)
            self._counts[path] = count_resolution(resolution)
            graphs.add_edges(graph, resolution.edges)
        # TESTS edges follow calls written in test files (and test files' own symbols);
        # edges to definitions that disappeared went with their nodes above.
        if any(is_test_file(path) for path in affected | changes.keys()):
            self._refresh_tests()
            for path in [p for p in self._tallies if is_test_file(p)]:
                del self._tallies[path]
        return len(affected & facts.keys())

    def _refresh_tests(self) -> None:
        graph = self.graph
        tests = EdgeKind.TESTS.value
        sources = {
            s for s, by_target in graph._succ.items() for kd in by_target.values() if tests in kd
        }
        graphs.remove_kind(graph, EdgeKind.TESTS, sources)
        # Only calls written in test files lead to TESTS edges.
        edges = [
            edge
            for path in self.facts
            if is_test_file(path)
            for edge in self._resolution(path, keep=False).edges
        ]
        graphs.add_edges(graph, test_edges(self.symbols, edges, self.facts))

    # -- persistence ------------------------------------------------------------------

    def _graph_part(self) -> store.GraphPart:
        symbols = [data["symbol"] for data in self.graph._node.values()]
        position = {s.id: i for i, s in enumerate(symbols)}
        edges = [
            (position[source], position[target], kind, data["lines"])
            for source, neighbours in self.graph._succ.items()
            for target, keydict in neighbours.items()
            for kind, data in keydict.items()
        ]
        return store.GraphPart(
            generation=self._generation,
            files=self.files,
            symbols=symbols,
            edges=edges,
            skipped=[(s.path, s.reason) for s in self._path_skips],
            stats=self.stats.as_dict(),
            encoded_symbols=self._encoded_symbols,
        )

    def _fill_tallies(self) -> None:
        facts = self.facts
        for path in facts.keys() - self._tallies.keys():
            counts = self._counts.get(path)
            if counts is None:
                counts = self._counts[path] = count_resolution(self._resolution(path))
            self._tallies[path] = Tally.of(self.graph, facts[path], counts)
        for path in self._tallies.keys() - facts.keys():
            del self._tallies[path]

    def _stats(
        self, *, parsed: int, reused: int, reresolved: int, seconds: dict[str, float]
    ) -> IndexStats:
        skipped = dict(sorted(Counter(category(s.reason) for s in self.skipped).items()))
        if self._facts is None:
            # Nothing was re-resolved: the figures of the stored build still hold.
            return replace(
                self.stats,
                skipped=skipped,
                parsed=parsed,
                reused=reused,
                reresolved=reresolved,
                seconds=rounded(seconds),
            )
        facts = self.facts
        self._fill_tallies()
        return combine(
            self._tallies.values(),
            files=len(facts),
            symbols=self.graph.number_of_nodes(),
            skipped=skipped,
            parsed=parsed,
            reused=reused,
            reresolved=reresolved,
            seconds=seconds,
        )


@contextmanager
def paused_gc() -> Iterator[None]:
    """The index is hundreds of thousands of long-lived objects built in one go: cyclic
    GC passes over them find nothing and, measured on Django, double the load time.

    On the way out they are moved to the oldest generation (`freeze` then `unfreeze`,
    both constant time) as if they had survived the collections they skipped: left in
    the youngest, the first allocation after `enable` would walk all of them (0.3 s
    after a cold build of Django). Full collections still see and free them. A process
    that froze objects of its own keeps them frozen: then the trick is skipped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def build_index(
    root: str | Path,
    *,
    data_dir: str | Path | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> Index:
    """Build or bring up to date the index of the repository at `root` and save it.

    Files whose path and blob id are in the store are not parsed again; a store from
    another version, or a corrupt one, is rebuilt from scratch (with a warning).
    """
    with paused_gc():
        return _build(root, data_dir, progress, jobs)


def _build(
    root: str | Path,
    data_dir: str | Path | None,
    progress: Progress | None,
    jobs: int | None,
) -> Index:
    clock = Clock()
    # Unhashed: a cold build's workers hash the bytes they read anyway.
    discovery = discover(root, hashed=False)
    base = discovery.root
    directory = store.data_dir_for(base, data_dir)
    clock.lap("discover")
    warnings: list[str] = []
    previous: Index | None = None
    try:
        previous = _load(base, directory)
    except IndexStoreError as exc:
        if "no index yet" not in str(exc):
            warnings.append(f"{exc}; rebuilding it")
            log.info("%s; rebuilding it", exc)
    clock.lap("load")
    if previous is not None:
        # Blob ids decide which stored files are still current.
        discovery = with_blobs(discovery)
        clock.lap("discover")

    records: dict[str, store.FileRecord] = {}
    to_parse: list[SourceFile] = []
    for source in discovery.files:
        old = previous.files.get(source.path) if previous is not None else None
        if old is not None and old.blob == source.blob and old.language == source.language:
            records[source.path] = old
        else:
            to_parse.append(source)
    # A cold build fills the symbol table as extractions arrive, while workers run.
    table = SymbolTable()
    extracted = extract_all(
        base,
        [(s.path, s.language) for s in to_parse],
        sizes={s.path: s.size for s in to_parse},
        each=partial(_add_to, table) if previous is None else lambda done: None,
        jobs=jobs,
        progress=progress,
    )
    for source in to_parse:
        done = extracted[source.path]
        records[source.path] = store.FileRecord(
            source.path, source.blob or done.blob, source.language, done.skipped
        )
    clock.lap("parse")

    path_skips = list(discovery.skipped)
    parsed = sum(1 for done in extracted.values() if done.facts is not None)
    reresolved = 0
    if previous is None:
        index = _cold(base, directory, records, path_skips, extracted, table, jobs, progress)
        reresolved = len(index.facts)
    else:
        index = previous
        removed = [p for p, r in index.files.items() if p not in records and not r.skipped]
        if to_parse or removed:
            try:
                index._load_live()
            except IndexStoreError as exc:
                # The graph part loaded but the facts did not: start over.
                warnings.append(f"{exc}; rebuilding it")
                log.info("%s; rebuilding it", exc)
                return _cold_rebuild(base, directory, path_skips, warnings, clock, jobs, progress)
            changes: dict[str, FileFacts | None] = {
                s.path: extracted[s.path].facts for s in to_parse
            }
            changes.update((p, None) for p in removed)
            reresolved = index._apply(changes)
            for path, done in extracted.items():
                if done.encoded is not None:
                    index._encoded_facts[path] = done.encoded
            index.version += 1
        unchanged = not (to_parse or removed) and (
            records == index.files and path_skips == index._path_skips
        )
        index.files = records
        index._path_skips = path_skips
        if unchanged:
            clock.lap("resolve")
            index.warnings = warnings
            index.stats = index._stats(
                parsed=0,
                reused=index.stats.files,
                reresolved=0,
                seconds=clock.seconds | {"total": clock.total()},
            )
            return index
    clock.lap("resolve")
    index.warnings = warnings
    index.stats = index._stats(
        parsed=parsed,
        reused=len(index.facts) - parsed,
        reresolved=reresolved,
        seconds=clock.seconds,
    )
    index.save()
    clock.lap("save")
    index.stats = replace(index.stats, seconds=rounded(clock.seconds | {"total": clock.total()}))
    return index


def _cold_rebuild(
    base: Path,
    directory: Path,
    path_skips: list[Skipped],
    warnings: list[str],
    clock: Clock,
    jobs: int | None,
    progress: Progress | None,
) -> Index:
    discovery = discover(base, hashed=False)
    items = [(s.path, s.language) for s in discovery.files]
    sizes = {s.path: s.size for s in discovery.files}
    table = SymbolTable()
    each = partial(_add_to, table)
    extracted = extract_all(base, items, sizes=sizes, each=each, jobs=jobs, progress=progress)
    records = {
        s.path: store.FileRecord(
            s.path, s.blob or extracted[s.path].blob, s.language, extracted[s.path].skipped
        )
        for s in discovery.files
    }
    index = _cold(base, directory, records, path_skips, extracted, table, jobs, progress)
    index.warnings = warnings
    index.stats = index._stats(
        parsed=len(index.facts), reused=0, reresolved=len(index.facts), seconds=clock.seconds
    )
    index.save()
    clock.lap("save")
    index.stats = replace(index.stats, seconds=rounded(clock.seconds | {"total": clock.total()}))
    return index


def _cold(
    root: Path,
    directory: Path,
    records: dict[str, store.FileRecord],
    path_skips: list[Skipped],
    extracted: Mapping[str, Extracted],
    table: SymbolTable,
    jobs: int | None,
    progress: Progress | None,
) -> Index:
    """The index of a first build; `table` holds every extracted file already."""
    facts = {p: e.facts for p, e in sorted(extracted.items()) if e.facts is not None}
    # Built while the resolve workers run (they need only the table): rows arrive after.
    graph = nx.MultiDiGraph()
    symbols: dict[str, Symbol] = {}
    test_rows: list[graphs.EdgeTuple] = []
    contexts: list[FixturesAndBases] = []
    inputs: dict[str, list[Edge]] = {}  # test file -> the edges `test_edges` reads
    tallies: dict[str, Tally] = {}
    encoded_symbols: list[bytes] = []

    def build_graph() -> None:
        graphs.build_graph(facts, into=graph)
        symbols.update((sid, data["symbol"]) for sid, data in graph._node.items())
        contexts.append(fixtures_and_bases(symbols, facts))
        # No node changes after this: encoded now, the save at the end need not.
        encoded_symbols.append(store.encode_symbols(symbols.values()))

    def arrived(path: str, done: ResolvedFile) -> None:
        # Decoded and counted as they come, while the parent waits for the next batch
        # anyway. The file's rows are in the graph: only TESTS rows, added last, may
        # leave its symbols later (counted below).
        if is_test_file(path):
            inputs[path] = _test_inputs(done)
        tallies[path] = Tally.of(graph, facts[path], done.counts)

    def tests_ready(resolved: Mapping[str, ResolvedFile]) -> None:
        # TESTS edges need only the test files' resolutions: computed here, they overlap
        # with the workers resolving the rest of the repository.
        edges = [e for p in facts if is_test_file(p) for e in inputs[p]]
        test_rows.extend(graphs.aggregate(test_edges(symbols, edges, facts, contexts[0])))

    resolved = resolve_all(
        table,
        facts,
        sink=partial(graphs.add_known_rows, graph),
        each=arrived,
        first=is_test_file,
        then=tests_ready,
        meanwhile=build_graph,
        jobs=jobs,
        progress=progress,
    )
    if graphs.add_rows(graph, test_rows) == 0:
        tests = EdgeKind.TESTS.value
        for path, count in Counter(symbols[row[0]].path for row in test_rows).items():
            edges = tallies[path].edges
            tallies[path] = replace(
                tallies[path], edges=edges | {tests: edges.get(tests, 0) + count}
            )
    else:  # never expected: recount every file from the graph instead
        tallies.clear()
    index = Index(root, directory, graph, records, path_skips, EMPTY, "")
    index._facts = facts
    index._table = table
    index._tallies = tallies
    index._encoded_symbols = encoded_symbols[0]
    index._encoded_facts = {p: e.encoded for p, e in extracted.items() if e.encoded is not None}
    for path, done in resolved.items():
        index._counts[path] = done.counts
        if done.resolution is not None:
            index._resolved[path] = done.resolution
        if done.encoded is not None:
            index._encoded_resolved[path] = done.encoded
    return index


def _add_to(table: SymbolTable, done: Extracted) -> None:
    if done.facts is not None:
        table.add(done.facts)


# The only edges `test_edges` reads.
_TEST_INPUTS = (EdgeKind.CALLS, EdgeKind.INHERITS)


def _test_inputs(done: ResolvedFile) -> list[Edge]:
    if done.resolution is not None:
        return [e for e in done.resolution.edges if e.kind in _TEST_INPUTS]
    assert done.encoded is not None
    return store.decode_edges(done.encoded, _TEST_INPUTS, ours=True)


def load_index(root: str | Path, *, data_dir: str | Path | None = None) -> Index:
    """The saved index of `root` as it was last built, without looking at the files.

    Raises `IndexStoreError` ("no index yet; run `patchwright index`") when there is none.
    """
    with paused_gc():
        return _load(Path(root), data_dir)


def _load(base: Path, data_dir: str | Path | None) -> Index:
    if not base.is_dir():
        raise RepositoryError(f"{base} is not a directory")
    base = base.resolve()
    directory = store.data_dir_for(base, data_dir)
    part = store.load_graph(directory)
    graph = graphs.new_graph(part.symbols)
    ids = [s.id for s in part.symbols]
    graphs.add_edge_rows(graph, ((ids[s], ids[t], k, ln) for s, t, k, ln in part.edges))
    try:
        stats = IndexStats(**part.stats)
    except TypeError as exc:
        raise IndexStoreError(f"the index in {directory} is corrupt ({exc})") from exc
    skips = [Skipped(path, reason) for path, reason in part.skipped]
    return Index(base, directory, graph, part.files, skips, stats, part.generation)


def _relative(root: Path, raw: str) -> str:
    path = Path(raw)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(root)
        except ValueError as exc:
            raise RepositoryError(f"{raw} is outside the repository {root}") from exc
    text = posixpath.normpath(path.as_posix())
    if text == ".." or text.startswith(("../", "/")):
        raise RepositoryError(f"{raw} is outside the repository {root}")
    if text == ".":
        raise RepositoryError(f"{raw} is the repository itself, not a file in it")
    return text
