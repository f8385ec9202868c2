"""The on-disk index: two pickle files in a data directory, written atomically.

* `graph.pickle` holds what a query needs at once: every file's blob id, the symbols, the
  graph's edges (node indices, kind, lines), the skipped files and the stats. Loading it
  is the whole of a warm start.
* `facts.pickle` holds what only an update needs: each file's `FileFacts` and its
  resolution (edges, unresolved references, external references). It is read lazily.

Records are stored as plain tuples (pickle protocol 5): restoring them is several times
faster than unpickling dataclasses, and dumping is faster still. Both files carry the
same generation token and a fingerprint of the code that produced them, so a new format
or a changed extractor invalidates the store cleanly instead of loading stale facts.

A store may come from a hostile repository (a committed `.patchwright/`), so it is read
with an unpickler that resolves no global but the three enums the records hold: a crafted
file can at worst fail to load, never run code.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import secrets
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import starmap
from operator import attrgetter
from pathlib import Path
from typing import Any

from codegraph.errors import IndexStoreError
from codegraph.model import (
    Edge,
    EdgeKind,
    FileFacts,
    Import,
    Reference,
    Symbol,
    SymbolKind,
    Unresolved,
    Visibility,
)
from codegraph.resolve import Resolution

FORMAT_VERSION = 3
GRAPH_FILE = "graph.pickle"
FACTS_FILE = "facts.pickle"
DATA_DIR_ENV = "PATCHWRIGHT_DATA_DIR"

# Code whose output the store caches: changing any of it changes the fingerprint.
_FINGERPRINTED = ("model.py", "discover.py", "testedges.py", "store.py", "graph.py", "parallel.py")

# (edges per kind, (rated resolved, rated unresolved, unresolved, external))
TallyRow = tuple[dict[str, int], tuple[int, int, int, int]]

# (source index, target index, kind, lines) into `GraphPart.symbols`
EdgeRow = tuple[int, int, str, tuple[int, ...]]  # kind: an `EdgeKind` value


@dataclass(frozen=True, slots=True)
class FileRecord:
    """One discovered file as last indexed: its blob id and, when not parsed, why."""

    path: str
    blob: str
    language: str
    skipped: str | None = None


@dataclass(frozen=True, slots=True)
class GraphPart:
    """Everything a query needs, loaded on a warm start."""

    generation: str
    files: dict[str, FileRecord]
    symbols: list[Symbol]
    edges: list[EdgeRow]
    skipped: list[tuple[str, str]]  # (path, reason), including path-level skips
    stats: dict[str, Any]
    # `symbols` as `encode_symbols` wrote them, when the caller has that already.
    encoded_symbols: bytes | None = None


@dataclass(frozen=True, slots=True)
class FactsPart:
    """What an incremental update needs: facts and resolution per parsed file, each
    pickled on its own (`encode_facts`, `encode_resolved`) so that a save re-encodes only
    the files that changed and workers can encode in parallel."""

    generation: str
    facts: dict[str, bytes]
    resolved: dict[str, bytes]
    # Per file: its outgoing edges per kind and its resolution counts, so that the stats
    # after an update recount only the files it touched (see `codegraph.stats.Tally`).
    tallies: dict[str, TallyRow] = field(default_factory=dict)


def data_dir_for(root: Path, data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The store's directory: `data_dir`, else `$PATCHWRIGHT_DATA_DIR/<repo name>-<hash>`,
    else `<root>/.patchwright/index`."""
    if data_dir is not None:
        return Path(data_dir).expanduser()
    shared = os.environ.get(DATA_DIR_ENV)
    if shared:
        digest = hashlib.sha1(str(root).encode(), usedforsecurity=False).hexdigest()[:12]
        return Path(shared).expanduser() / f"{root.name}-{digest}"
    directory = root / ".patchwright" / "index"
    _check_not_redirected(root, directory)
    return directory


_ALLOWED_GLOBALS: dict[tuple[str, str], type] = {
    ("codegraph.model", "EdgeKind"): EdgeKind,
    ("codegraph.model", "SymbolKind"): SymbolKind,
    ("codegraph.model", "Visibility"): Visibility,
}


class _RecordUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        try:
            return _ALLOWED_GLOBALS[module, name]
        except KeyError:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}") from None


def safe_loads(data: bytes) -> Any:
    """`pickle.loads` for store files: plain data and the record enums only."""
    return _RecordUnpickler(io.BytesIO(data)).load()


def _check_not_redirected(root: Path, directory: Path) -> None:
    """Refuse a default store path that a symlink inside the repository redirects: a
    hostile repository must not make `patchwright index` write outside it."""
    current = root
    for part in directory.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            raise IndexStoreError(f"{current} is a symbolic link; refusing to use it as the index")


def fingerprint_sources() -> list[Path]:
    """The code whose output the store caches: extractors, resolver, discovery, format."""
    here = Path(__file__).parent
    sources = [here / name for name in _FINGERPRINTED]
    sources += sorted(here.glob("resolve*.py")) + sorted((here / "languages").glob("*.py"))
    return sources


@cache
def fingerprint() -> str:
    """Identifies the store format and the code that fills it (extractors, resolver)."""
    digest = hashlib.sha1(f"format {FORMAT_VERSION}".encode(), usedforsecurity=False)
    for source in fingerprint_sources():
        try:
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
        except OSError:
            digest.update(source.name.encode() + b"\0missing")
    return digest.hexdigest()


def new_generation() -> str:
    return secrets.token_hex(8)


def save(directory: Path, graph: GraphPart, facts: FactsPart | None) -> None:
    """Write both parts atomically; `facts=None` keeps the facts file as it is."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if directory.parent.name == ".patchwright":
            # The index lives inside the repository by default: keep it out of commits.
            ignore = directory.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# patchwright's index: generated, never commit it\n*\n")
        if facts is not None:
            rows = (facts.facts, facts.resolved, facts.tallies)
            _write(directory / FACTS_FILE, (_header(facts.generation), rows))
        _write(directory / GRAPH_FILE, (_header(graph.generation), _graph_rows(graph)))
    except OSError as exc:
        raise IndexStoreError(f"cannot write the index to {directory}: {exc}") from exc


def load_graph(directory: Path) -> GraphPart:
    """The warm-start part. Raises `IndexStoreError` when absent, stale or corrupt."""
    generation, rows = _read(directory / GRAPH_FILE)
    try:
        files, symbols, edges, skipped, stats = rows
        return GraphPart(
            generation=generation,
            files={r[0]: FileRecord(*r) for r in files},
            symbols=list(starmap(Symbol, safe_loads(symbols))),
            edges=_edge_rows(safe_loads(edges)),
            skipped=skipped,
            stats=stats,
        )
    except Exception as exc:  # crafted rows, or edge bytes that are no pickle
        raise IndexStoreError(f"the index in {directory} is corrupt ({exc!r:.80})") from exc


# One string object per edge kind (the edge rows were pickled without a memo).
_KINDS = {kind.value: kind.value for kind in EdgeKind}


def _edge_rows(rows: list[EdgeRow]) -> list[EdgeRow]:
    kinds = _KINDS
    return [(source, target, kinds[kind], lines) for source, target, kind, lines in rows]


def load_facts(directory: Path, generation: str) -> FactsPart:
    """The update part; it must come from the same save as the graph part."""
    found, rows = _read(directory / FACTS_FILE)
    if found != generation:
        raise IndexStoreError(f"the index in {directory} is inconsistent (half-written)")
    try:
        facts, resolved, tallies = rows
        if not all(isinstance(part, dict) for part in rows):
            raise TypeError("not a mapping")
    except (TypeError, ValueError) as exc:
        raise IndexStoreError(f"the index in {directory} is corrupt ({exc})") from exc
    return FactsPart(generation, facts, resolved, tallies)


def _header(generation: str) -> tuple[str, str]:
    return fingerprint(), generation


def _write(path: Path, payload: object) -> None:
    fd, temp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(payload, handle, protocol=5)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _read(path: Path) -> tuple[str, Any]:
    if not path.is_file():
        raise IndexStoreError(f"no index yet in {path.parent}; run `patchwright index`")
    try:
        header, rows = safe_loads(path.read_bytes())
        found_fingerprint, generation = header
    except Exception as exc:  # a truncated or foreign file raises almost anything
        raise IndexStoreError(f"the index file {path} is corrupt ({exc!r:.80})") from exc
    if found_fingerprint != fingerprint():
        raise IndexStoreError(f"the index in {path.parent} was written by another version")
    if not isinstance(generation, str):
        raise IndexStoreError(f"the index file {path} is corrupt (bad header)")
    return generation, rows


_symbol_row = attrgetter(*Symbol.__slots__)
_import_row = attrgetter(*Import.__slots__)
_reference_row = attrgetter(*Reference.__slots__)
_edge_row = attrgetter(*Edge.__slots__)
_unresolved_row = attrgetter(*Unresolved.__slots__)


def _graph_rows(part: GraphPart) -> tuple[Any, ...]:
    files = [(r.path, r.blob, r.language, r.skipped) for r in part.files.values()]
    symbols = part.encoded_symbols
    if symbols is None:
        symbols = encode_symbols(part.symbols)
    return files, symbols, _unshared_dumps(part.edges), part.skipped, part.stats


def encode_symbols(symbols: Iterable[Symbol]) -> bytes:
    """The symbols as the graph part stores them: a cold build encodes them while its
    workers resolve, so that saving at the end does not."""
    return pickle.dumps([_symbol_row(s) for s in symbols], protocol=5)


def _unshared_dumps(rows: object) -> bytes:
    """Pickle without the memo. Edge rows share nothing worth a memo entry but their
    kind strings, and memoizing every row tuple made this three times slower; symbol
    rows, which share their paths, go through the memo as usual."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(rows)
    return buffer.getvalue()


def encode_facts(facts: FileFacts) -> bytes:
    row = (
        facts.path,
        facts.language,
        facts.module,
        [_symbol_row(s) for s in facts.symbols],
        [_import_row(i) for i in facts.imports],
        [_reference_row(r) for r in facts.references],
        facts.bindings,
        facts.exports,
    )
    return pickle.dumps(row, protocol=5)


def decode_facts(data: bytes, *, ours: bool = False) -> FileFacts:
    """Raises `IndexStoreError` when the bytes are not what `encode_facts` wrote.

    `ours`: the bytes come straight from this process's own worker, not from a file, so
    the plain (C) unpickler reads them without the global check."""
    try:
        return _facts_from_row(pickle.loads(data) if ours else safe_loads(data))
    except Exception as exc:
        raise IndexStoreError(f"a stored file record is corrupt ({exc!r:.80})") from exc


def encode_resolved(resolved: Resolution) -> bytes:
    row = (
        [_edge_row(e) for e in resolved.edges],
        [_unresolved_row(u) for u in resolved.unresolved],
        resolved.external,
    )
    return pickle.dumps(row, protocol=5)


def decode_resolved(data: bytes) -> Resolution:
    try:
        return _resolved_from_row(safe_loads(data))
    except Exception as exc:
        raise IndexStoreError(f"a stored resolution is corrupt ({exc!r:.80})") from exc


def _facts_from_row(row: tuple[Any, ...]) -> FileFacts:
    path, language, module, symbols, imports, references, bindings, exports = row
    return FileFacts(
        path=path,
        language=language,
        module=module,
        symbols=tuple(starmap(Symbol, symbols)),
        imports=tuple(starmap(Import, imports)),
        references=tuple(starmap(Reference, references)),
        bindings=bindings,
        exports=exports,
    )


def decode_edges(data: bytes, kinds: Iterable[EdgeKind], *, ours: bool = False) -> list[Edge]:
    """Only the edges of `kinds` from a stored resolution, in order (no other record is
    built: the cold build reads test files' calls and bases this way). `ours` as for
    `decode_facts`."""
    wanted = tuple(kinds)  # `in` a tuple compares members by identity first, no hashing
    try:
        rows = (pickle.loads(data) if ours else safe_loads(data))[0]
        return [Edge(*row) for row in rows if row[2] in wanted]
    except Exception as exc:
        raise IndexStoreError(f"a stored resolution is corrupt ({exc!r:.80})") from exc


def _resolved_from_row(row: tuple[Any, ...]) -> Resolution:
    edges, unresolved, external = row
    return Resolution(
        edges=tuple(starmap(Edge, edges)),
        unresolved=tuple(starmap(Unresolved, unresolved)),
        external=int(external),
    )
