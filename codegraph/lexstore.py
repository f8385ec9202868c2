"""The `Lexicon`'s costly tables on disk, beside the index they were built from.

Building a `Lexicon` reads and tokenizes every indexed source file and builds two BM25
indexes: seconds on a large repository, paid again by every new process (each
`patchwright find`). `lexicon.npz` in the index's data directory keeps what that costs:
the documents as token ids, the BM25 score matrices, the name and message tables. The
cheap rest (symbols by file and by name, path suffixes) is derived from the index on
load.

The file is a zip of uncompressed members: `.npy` arrays read with `allow_pickle=False`,
lists of NUL-terminated strings (the vocabulary, the names of each name table) and a small
JSON header; a name table is its names, how many ids each has, and the ids as positions
in a list of symbol ids. Nothing in it is unpickled. It is keyed by `Place.key`: the
format version, the code that builds lexicons and indexes, the bm25s version, every
indexed file's path and blob id, the ranked symbols and the files, so an edit to any
file, a re-index or an upgrade makes it stale. A file that is missing, stale, truncated
(the zip's CRCs cover every byte), foreign or inconsistent is ignored (logged at debug
level) and the lexicon is rebuilt and written again, atomically (a temporary file
renamed over the old one).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from codegraph import store

log = logging.getLogger("codegraph")

VERSION = 1
LEXICON_FILE = "lexicon.npz"
MAX_FILE_BYTES = 1 << 30  # far above any lexicon we build (Django's is 32 MB)
_FORMAT = "patchwright-lexicon"
_MAX_META_BYTES = 1 << 16
_STALE_TEMP_SECONDS = 3600.0  # a temporary file older than this is a killed writer's
_FINGERPRINTED = ("tokens.py", "literals.py", "lexstore.py")

Array = np.ndarray[Any, Any]


@dataclass(frozen=True, slots=True)
class Docs:
    """One document collection (`symbol` or `file`): each document's distinct token ids
    (`tokens[indptr[i]:indptr[i + 1]]`) and its BM25 matrix as bm25s holds it (a CSC
    matrix over the vocabulary: `bm25_indptr` per token into `bm25_indices`, the
    documents, and `bm25_data`, the scores)."""

    indptr: Array
    tokens: Array
    bm25_data: Array
    bm25_indices: Array
    bm25_indptr: Array
    bm25_docs: int


@dataclass(frozen=True, slots=True)
class LexicalTables:
    """What a `Lexicon` costs to build: one vocabulary (token → id), the symbol and file
    documents over it, and the tables from names and words to symbol ids: dotted and
    qualified names, modules, name tails and message literals."""

    vocab: dict[str, int]
    docs: Mapping[str, Docs]
    dotted: dict[str, list[str]]
    qualified: dict[str, list[str]]
    modules: dict[str, str]
    tails: dict[str, list[str]]
    messages: dict[str, list[str]]


_KEYS = ("symbol", "file")
# Name tables, and whether their ids are positions in the ranked symbols (the documents)
# or in `ids`, the other symbols the tables name.
_TABLES = {"dotted": False, "qualified": False, "modules": False, "tails": True, "messages": True}
_ARRAYS: dict[str, tuple[str, ...]] = {
    **{
        f"{key}.{name}": dtypes
        for key in _KEYS
        for name, dtypes in (
            ("indptr", ("int64",)),
            ("tokens", ("int32",)),
            ("bm25_data", ("float32",)),
            ("bm25_indices", ("int32", "int64")),
            ("bm25_indptr", ("int32", "int64")),
        )
    },
    **{f"{table}.{name}": ("int32",) for table in _TABLES for name in ("counts", "ids")},
}
_TEXTS = ("vocab", "ids", *_TABLES)
_MEMBERS = frozenset({"meta.json"} | {f"{t}.txt" for t in _TEXTS} | {f"{a}.npy" for a in _ARRAYS})


@cache
def _code_fingerprint() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256(f"{_FORMAT} {VERSION} bm25s {bm25s.__version__}".encode())
    for name in _FINGERPRINTED:
        try:
            digest.update(name.encode() + b"\0" + (here / name).read_bytes())
        except OSError:
            digest.update(name.encode() + b"\0missing")
    digest.update(store.fingerprint().encode())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Place:
    """Where an index's lexicon is stored, and the key it must carry to be current."""

    path: Path
    key: str
    symbols: list[str]  # the ranked symbol ids, in document order
    files: list[str]  # the file paths, in document order
    blobs: dict[str, str]  # path → the blob id the index holds for it

    def load(self, known: Mapping[str, object]) -> LexicalTables | None:
        """The stored tables, or None (logged) when absent, stale or damaged; every
        symbol id they name must be `known` (the index's symbols)."""
        try:
            return self._load(known)
        except FileNotFoundError:
            log.debug("no stored lexicon at %s; building it", self.path)
        except _Stale as exc:
            log.debug("stored lexicon at %s is stale (%s); rebuilding it", self.path, exc)
        except Exception as exc:  # a truncated or crafted file raises almost anything
            log.debug("stored lexicon at %s is unreadable (%r); rebuilding it", self.path, exc)
        return None

    def save(self, tables: LexicalTables) -> None:
        """Write `tables` atomically; a store that cannot be written costs time only."""
        directory = self.path.parent
        try:
            _remove_stale_temps(directory)
            fd, temp = tempfile.mkstemp(prefix=f".{self.path.name}-", suffix=".tmp", dir=directory)
        except OSError as exc:
            log.debug("cannot write the lexicon to %s: %s", directory, exc)
            return
        try:
            with os.fdopen(fd, "wb") as handle:
                _write(handle, self, tables)
            os.replace(temp, self.path)
        except (OSError, _Unstorable) as exc:
            log.debug("cannot write the lexicon to %s: %s", directory, exc)
            Path(temp).unlink(missing_ok=True)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def _load(self, known: Mapping[str, object]) -> LexicalTables:
        if self.path.stat().st_size > MAX_FILE_BYTES:
            raise _Stale(f"larger than {MAX_FILE_BYTES} bytes")
        with zipfile.ZipFile(self.path) as archive:
            members = {info.filename: info for info in archive.infolist()}
            if set(members) != _MEMBERS:
                raise _Stale("unexpected members")
            if any(i.compress_type != zipfile.ZIP_STORED for i in members.values()):
                raise _Stale("compressed member")
            if sum(i.file_size for i in members.values()) > MAX_FILE_BYTES:
                raise _Stale("members too large")
            if members["meta.json"].file_size > _MAX_META_BYTES:
                raise _Stale("header too large")
            meta = json.loads(archive.read("meta.json"))
            self._check_meta(meta)
            text = {name: _strings(archive.read(f"{name}.txt")) for name in _TEXTS}
            arrays = {
                name: _read_array(archive, f"{name}.npy", dtypes)
                for name, dtypes in _ARRAYS.items()
            }
        vocab = text["vocab"]
        vocab_ids = dict(zip(vocab, range(len(vocab)), strict=True))
        if len(vocab_ids) != len(vocab):
            raise _Stale("repeated vocabulary")
        if not known.keys() >= set(text["ids"]):
            raise _Stale("a symbol the index does not hold")
        tables = {
            name: _table(
                text[name],
                arrays[f"{name}.counts"],
                arrays[f"{name}.ids"],
                self.symbols if ranked else text["ids"],
            )
            for name, ranked in _TABLES.items()
        }
        if any(len(ids) != 1 for ids in tables["modules"].values()):
            raise _Stale("a module name with several ids")
        return LexicalTables(
            vocab=vocab_ids,
            docs={key: self._docs(key, arrays, meta, len(vocab)) for key in _KEYS},
            dotted=tables["dotted"],
            qualified=tables["qualified"],
            modules={name: ids[0] for name, ids in tables["modules"].items()},
            tails=tables["tails"],
            messages=tables["messages"],
        )

    def _check_meta(self, meta: Any) -> None:
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
            raise _Stale("not a lexicon")
        if meta.get("version") != VERSION or meta.get("key") != self.key:
            raise _Stale("built from another index or version")
        if meta.get("counts") != {"symbol": len(self.symbols), "file": len(self.files)}:
            raise _Stale("document counts differ")
        if not isinstance(meta.get("bm25"), dict):
            raise _Stale("bad header")

    def _docs(self, key: str, arrays: Mapping[str, Array], meta: Any, vocab: int) -> Docs:
        indptr, tokens = arrays[f"{key}.indptr"], arrays[f"{key}.tokens"]
        count = len(self.symbols) if key == "symbol" else len(self.files)
        _check_csr(indptr, tokens, count, vocab, "documents")
        bm25_docs = meta["bm25"].get(key)
        # bm25s indexes a one-placeholder corpus when there are no documents.
        if bm25_docs != max(count, 1):
            raise _Stale("BM25 document count differs")
        data = arrays[f"{key}.bm25_data"]
        indices = arrays[f"{key}.bm25_indices"]
        bm25_indptr = arrays[f"{key}.bm25_indptr"]
        _check_csr(bm25_indptr, indices, vocab, bm25_docs, "BM25 matrix")
        if len(data) != len(indices) or not np.isfinite(data).all():
            raise _Stale("bad BM25 scores")
        return Docs(indptr, tokens, data, indices, bm25_indptr, bm25_docs)


class _Stale(Exception):
    """The stored lexicon does not belong to this index, or is inconsistent."""


class _Unstorable(Exception):
    """Tables that the format cannot hold."""


def place(index: object, symbols: Sequence[str], files: Sequence[str]) -> Place | None:
    """Where the lexicon of `index` (a stored `codegraph.index.Index`) is kept, keyed to
    its content; None for an index that is not stored (nothing to key or keep it by)."""
    data_dir = getattr(index, "data_dir", None)
    records = getattr(index, "files", None)
    if not isinstance(data_dir, Path) or not isinstance(records, Mapping):
        return None
    digest = hashlib.sha256(_code_fingerprint().encode())
    blobs: dict[str, str] = {}
    for path in sorted(records):
        record = records[path]
        blob, language = getattr(record, "blob", None), getattr(record, "language", None)
        skipped = getattr(record, "skipped", None)
        if not isinstance(path, str) or not isinstance(blob, str):
            return None
        blobs[path] = blob
        digest.update(json.dumps([path, blob, language, skipped]).encode() + b"\n")
    digest.update("\0".join(symbols).encode() + b"\1" + "\0".join(files).encode())
    key = digest.hexdigest()
    return Place(data_dir / LEXICON_FILE, key, list(symbols), list(files), blobs)


def _write(handle: Any, where: Place, tables: LexicalTables) -> None:
    named = {
        "dotted": tables.dotted,
        "qualified": tables.qualified,
        "modules": {name: [sid] for name, sid in tables.modules.items()},
        "tails": tables.tails,
        "messages": tables.messages,
    }
    ids = sorted(
        {
            i
            for name, ranked in _TABLES.items()
            if not ranked
            for v in named[name].values()
            for i in v
        }
    )
    positions = {
        False: {sid: i for i, sid in enumerate(ids)},
        True: {sid: i for i, sid in enumerate(where.symbols)},
    }
    meta = {
        "format": _FORMAT,
        "version": VERSION,
        "key": where.key,
        "counts": {"symbol": len(where.symbols), "file": len(where.files)},
        "bm25": {key: docs.bm25_docs for key, docs in tables.docs.items()},
    }
    texts = {"vocab": sorted(tables.vocab, key=tables.vocab.__getitem__), "ids": ids}
    arrays: dict[str, Array] = {}
    for key in _KEYS:
        docs = tables.docs[key]
        for name in ("indptr", "tokens", "bm25_data", "bm25_indices", "bm25_indptr"):
            arrays[f"{key}.{name}"] = getattr(docs, name)
    for name, ranked in _TABLES.items():
        table, position = named[name], positions[ranked]
        texts[name] = list(table)
        arrays[f"{name}.counts"] = np.fromiter(map(len, table.values()), np.int32, len(table))
        flat = [position[i] for v in table.values() for i in v]
        arrays[f"{name}.ids"] = np.array(flat, dtype=np.int32)
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr("meta.json", json.dumps(meta, separators=(",", ":")))
        for name, strings in texts.items():
            archive.writestr(f"{name}.txt", _joined(strings))
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def _joined(strings: Sequence[str]) -> bytes:
    """NUL-terminated strings; none of ours (tokens, paths, names) holds a NUL."""
    text = "".join(f"{s}\0" for s in strings)
    if text.count("\0") != len(strings):
        raise _Unstorable("a string holds a NUL")
    return text.encode("utf-8")


def _strings(data: bytes) -> list[str]:
    text = data.decode("utf-8")
    if text and not text.endswith("\0"):
        raise _Stale("unterminated strings")
    return text.split("\0")[:-1]


def _table(names: list[str], counts: Array, flat: Array, ids: list[str]) -> dict[str, list[str]]:
    """A name → symbol ids table from its names, the number of ids of each and the ids
    (as positions in `ids`) one name after the other."""
    if len(counts) != len(names) or (len(counts) and int(counts.min()) < 1):
        raise _Stale("bad name table counts")
    if int(counts.sum()) != len(flat) or (len(flat) and int(flat.max()) >= len(ids)):
        raise _Stale("bad name table ids")
    if len(flat) and int(flat.min()) < 0:
        raise _Stale("bad name table ids")
    named = [ids[i] for i in flat.tolist()]
    if len(named) == len(names):
        table = {name: [sid] for name, sid in zip(names, named, strict=True)}
    else:
        table = {}
        start = 0
        for name, end in zip(names, np.cumsum(counts).tolist(), strict=True):
            table[name] = named[start:end]
            start = end
    if len(table) != len(names):
        raise _Stale("repeated name")
    return table


def _read_array(archive: zipfile.ZipFile, name: str, dtypes: tuple[str, ...]) -> Array:
    with archive.open(name) as member:
        array: Array = np.lib.format.read_array(member, allow_pickle=False)
        if member.read(1):
            raise _Stale(f"{name} has trailing data")
    if array.ndim != 1 or array.dtype.name not in dtypes:
        raise _Stale(f"{name} has the wrong shape or type")
    return array


def _check_csr(indptr: Array, values: Array, rows: int, bound: int, what: str) -> None:
    """`indptr` splits `values` into `rows` runs; every value is in [0, bound)."""
    if len(indptr) != rows + 1 or indptr[0] != 0 or indptr[-1] != len(values):
        raise _Stale(f"{what}: bad row pointers")
    if rows and (np.diff(indptr) < 0).any():
        raise _Stale(f"{what}: row pointers go back")
    if len(values) and (int(values.min()) < 0 or int(values.max()) >= bound):
        raise _Stale(f"{what}: value out of range")


def _remove_stale_temps(directory: Path) -> None:
    cutoff = time.time() - _STALE_TEMP_SECONDS
    for temp in directory.glob(f".{LEXICON_FILE}-*.tmp"):
        try:
            if temp.stat().st_mtime < cutoff:
                temp.unlink()
        except OSError:
            pass
