"""Lexical matching: identifiers and free text as the same tokens, and BM25 over them.

Both sides of a lexical match go through `tokenize`: the documents built from symbols
(names, paths, signatures, docstrings) and the query (an issue, a stack trace). An
identifier yields its sub-tokens (`HTTPResponse_code2` → `http`, `response`, `code`, `2`)
and, when it has several, the whole lower-cased identifier too, so that an exact mention
of `from_file` outweighs a text that merely says "from" and "file".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from codegraph import lexstore
from codegraph.discover import blob_id
from codegraph.index import paused_gc
from codegraph.literals import messages, name_tails
from codegraph.model import Symbol, SymbolKind
from codegraph.query import GraphIndex, cached, name_tables

log = logging.getLogger("codegraph")

RANKED_KINDS = frozenset(
    {SymbolKind.CLASS, SymbolKind.FUNCTION, SymbolKind.METHOD, SymbolKind.VARIABLE}
)

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SUBTOKEN = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")

# Words that carry no signal in issue text or code; kept short on purpose, since an
# over-eager list throws away real identifiers ("get", "set", "add" are kept).
_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is
    it its itself just me more most my no nor not now of off on once only or other our out
    over own same she should so some such than that the their them then there these they
    this those through to too under until up very was we were what when where which while
    who whom why will with would you your yours
    def class self cls return none true false import pass elif else lambda yield
    py python used using would like want got think see seem seems way
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())

MAX_TEXT_CHARS = 200_000  # a query longer than this is truncated, not rejected
MAX_SOURCE_BYTES = 2_000_000  # per file read for body words


def _stem(token: str) -> str:
    """A deliberately light suffix stripper, so that `ignored`, `ignores` and `ignore`,
    or `rows` and `row`, meet: plural, then -ing / -ed / -ly, then a final e."""
    if len(token) <= 3 or not token.isalpha():
        return token
    if token.endswith("ies") and len(token) > 4:
        token = token[:-3] + "y"
    elif token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    for suffix in ("ing", "ed", "ly"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            token = token[: -len(suffix)]
            break
    if token.endswith("e") and len(token) > 4:
        token = token[:-1]
    return token


def split_identifier(name: str) -> list[str]:
    """Lower-cased sub-tokens of one identifier: camelCase, snake_case and digits split."""
    return [part.lower() for part in _SUBTOKEN.findall(name)]


def identifier_tokens(name: str) -> list[str]:
    """Index tokens of one identifier: its useful sub-tokens, then the whole identifier."""
    raw = split_identifier(name)
    parts = [_stem(p) for p in raw if len(p) > 1 and p not in STOPWORDS]
    whole = name.strip("_").lower()
    if len(raw) > 1 and whole not in STOPWORDS:
        parts.append(whole)
    return parts


@lru_cache(maxsize=500_000)
def _identifier_tokens(name: str) -> tuple[str, ...]:
    return tuple(identifier_tokens(name))


def tokenize(text: str) -> list[str]:
    """Index tokens of free text or code, in order, with repetitions."""
    return list(chain.from_iterable(map(_identifier_tokens, _IDENTIFIER.findall(text))))


def is_test_path(path: str) -> bool:
    """A test file by the usual conventions of the languages we index."""
    parts = path.lower().split("/")
    name = parts[-1]
    stem = name.rsplit(".", 1)[0]
    return (
        any(p in {"test", "tests", "testing", "__tests__"} for p in parts[:-1])
        or stem.startswith("test_")
        or stem.endswith(("_test", ".test", ".spec", "_spec"))
        or stem in {"conftest", "tests", "test"}
    )


class Lexicon:
    """The lexical side of an index: BM25 over symbols and over files, plus the name and
    path tables that turn mentions into ids, names by their tails and message literals
    by their words (`codegraph.literals`). Built once per index state (see `lexicon`);
    with `persist`, its costly tables are read from, or written to, the index's data
    directory (`codegraph.lexstore`)."""

    def __init__(self, index: GraphIndex, *, persist: bool = False) -> None:
        symbols = index.symbols
        ranked = sorted(sid for sid, s in symbols.items() if s.kind in RANKED_KINDS)
        self.symbols = symbols
        self.symbol_ids = ranked
        self.ranked = frozenset(ranked)
        self.path_of = {sid: symbols[sid].path for sid in symbols}
        paths = {s.path for s in symbols.values()}
        self.file_paths = sorted(paths)
        self.members: dict[str, list[Symbol]] = {}
        self.by_name: dict[str, list[str]] = {}
        for sid in ranked:
            symbol = symbols[sid]
            self.members.setdefault(symbol.path, []).append(symbol)
            self.by_name.setdefault(symbol.name, []).append(sid)
        self.suffixes: dict[str, list[str]] = {}
        for path in self.file_paths:
            parts = path.split("/")
            for i in range(len(parts)):
                self.suffixes.setdefault("/".join(parts[i:]), []).append(path)
        where = lexstore.place(index, ranked, self.file_paths) if persist else None
        tables = where.load(symbols) if where is not None else None
        if tables is None:
            tables = self._build(index, where)
        self.tables = tables
        self.qualified = tables.qualified
        self.dotted = tables.dotted
        self.modules = tables.modules
        self.tails = tables.tails
        self.messages = tables.messages
        self._vocab = tables.vocab
        self._docs = tables.docs
        self._position = {
            "symbol": {sid: i for i, sid in enumerate(ranked)},
            "file": {p: i for i, p in enumerate(self.file_paths)},
        }
        # Document frequency over the symbols, by token id: rarer matched words first.
        self._df = np.bincount(tables.docs["symbol"].tokens, minlength=len(tables.vocab))
        self._bm25 = {key: _retriever(docs, tables.vocab) for key, docs in tables.docs.items()}

    def _build(self, index: GraphIndex, where: lexstore.Place | None) -> lexstore.LexicalTables:
        """Read and tokenize every file; store the result when every file read is the
        one the index holds (an edit since the last index would key stale bodies)."""
        symbols = index.symbols
        messages: dict[str, list[str]] = {}
        symbol_docs: list[list[str]] = []
        file_docs: list[list[str]] = []
        read: dict[str, str | None] = {}
        for path in self.file_paths:
            members = self.members.get(path, [])
            bodies, whole, literals, read[path] = _body_tokens(
                index.root, path, members, hashed=where is not None
            )
            for words, sid in literals:
                messages.setdefault(words, []).append(sid)
            symbol_docs.extend(_symbol_doc(s, bodies.get(s.id, ())) for s in members)
            module = symbols.get(path)
            file_docs.append(
                _path_tokens(path) * 2 + tokenize(module.doc if module else "") + whole
            )
        # Documents were built file by file; put them back in id order.
        order = {
            sid: i
            for i, sid in enumerate(s.id for p in self.file_paths for s in self.members.get(p, []))
        }
        symbol_docs = [symbol_docs[order[sid]] for sid in self.symbol_ids]
        vocab: dict[str, int] = {}
        counts = {"symbol": len(symbol_docs), "file": len(file_docs)}
        encoded = {"symbol": _encode(symbol_docs, vocab), "file": _encode(file_docs, vocab)}
        tables = name_tables(index)
        built = lexstore.LexicalTables(
            vocab=vocab,
            docs={key: _documents(ids, counts[key], vocab) for key, ids in encoded.items()},
            dotted=tables["dotted"],
            qualified=tables["qualified"],
            modules={
                name: ids[0]
                for name, ids in tables["dotted"].items()
                if symbols[ids[0]].kind in (SymbolKind.MODULE, SymbolKind.FILE)
            },
            tails=name_tails(self.by_name),
            messages=messages,
        )
        if where is not None:
            stale = sorted(p for p, blob in read.items() if blob != where.blobs.get(p))
            if stale:
                log.debug("%s differs from the index; the lexicon is not stored", stale[0])
            else:
                where.save(built)
        return built

    def scores(self, key: str, query: Sequence[str]) -> np.ndarray[Any, Any]:
        """BM25 score of every symbol (`key="symbol"`) or file (`"file"`) for `query`."""
        if not self._position[key]:
            return np.zeros(0)
        scores: np.ndarray[Any, Any] = self._bm25[key].get_scores(list(dict.fromkeys(query)))
        return scores

    def matched_tokens(self, key: str, doc: str, query: Sequence[str], limit: int = 4) -> list[str]:
        """The query tokens a document holds, most specific first."""
        docs = self._docs[key]
        position = self._position[key][doc]
        held = set(docs.tokens[docs.indptr[position] : docs.indptr[position + 1]].tolist())
        vocab, df = self._vocab, self._df
        matched = [t for t in dict.fromkeys(query) if vocab.get(t, -1) in held]
        return sorted(matched, key=lambda t: (int(df[vocab[t]]), t))[:limit]

    def is_file(self, path: str) -> bool:
        """Whether `path` is exactly one of the indexed files."""
        return path in self._position["file"]

    def match_path(self, mention: str) -> list[str]:
        """Repository files a written path designates, longest matching suffix first. A
        path with directories must match at least its last directory too."""
        parts = [p for p in mention.replace("\\", "/").split("/") if p not in {"", "."}]
        last = len(parts) - 1 if len(parts) == 1 else len(parts) - 2
        for i in range(max(last, 0) + 1):
            found = self.suffixes.get("/".join(parts[i:]))
            if found:
                return found
        return []

    def match_dotted(self, dotted: str) -> list[str]:
        """Symbols a dotted mention designates: `pkg.mod.C.m` exactly, else the longest
        qualified tail (`C.m`) of at least two parts."""
        if dotted in self.dotted:
            return [i for i in self.dotted[dotted] if i in self.ranked]
        parts = dotted.split(".")
        for i in range(1, len(parts) - 1):
            found = self.qualified.get(".".join(parts[i:]))
            if found:
                return found
        return []

    def symbol(self, sid: str) -> Symbol | None:
        return self.symbols.get(sid)

    def short(self, sid: str) -> str:
        symbol = self.symbols.get(sid)
        return symbol.qualname if symbol is not None else sid


def lexicon(index: GraphIndex) -> Lexicon:
    """The `Lexicon` of `index`, cached while the index is unchanged; for a stored index,
    read from beside it when it was built from the same content, else built and stored."""
    return cached(index, "tokens.lexicon", lambda: _open(index))


def _open(index: GraphIndex) -> Lexicon:
    # Hundreds of thousands of long-lived objects made in one go (see `paused_gc`).
    with paused_gc():
        return Lexicon(index, persist=True)


# bm25s refuses empty documents (and an empty corpus); a placeholder keeps positions.
_PLACEHOLDER = " "  # no token holds a space


def _encode(docs: list[list[str]], vocab: dict[str, int]) -> list[list[int]]:
    """Token ids of each document, new tokens added to `vocab` as they come."""
    add = vocab.setdefault
    return [[add(t, len(vocab)) for t in doc or (_PLACEHOLDER,)] for doc in docs] or [
        [add(_PLACEHOLDER, len(vocab))]
    ]


def _documents(ids: list[list[int]], count: int, vocab: Mapping[str, int]) -> lexstore.Docs:
    """The distinct tokens of each of the `count` documents, and the BM25 matrix of all
    of `ids` (which hold a placeholder document when there are none) over `vocab`."""
    placeholder = vocab.get(_PLACEHOLDER, -1)
    distinct = [[t for t in dict.fromkeys(doc) if t != placeholder] for doc in ids[:count]]
    lengths = np.fromiter((len(d) for d in distinct), dtype=np.int64, count=len(distinct))
    indptr = np.zeros(len(distinct) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    tokens = np.fromiter(chain.from_iterable(distinct), dtype=np.int32, count=int(indptr[-1]))
    scores = bm25s.BM25().build_index_from_ids(
        unique_token_ids=list(range(len(vocab))), corpus_token_ids=ids, show_progress=False
    )
    return lexstore.Docs(
        indptr=indptr,
        tokens=tokens,
        bm25_data=scores["data"],
        bm25_indices=scores["indices"],
        bm25_indptr=scores["indptr"],
        bm25_docs=int(scores["num_docs"]),
    )


def _retriever(docs: lexstore.Docs, vocab: dict[str, int]) -> bm25s.BM25:
    """A bm25s retriever over built or stored scores: the attributes `BM25.load` sets."""
    retriever = bm25s.BM25()
    retriever.scores = {
        "data": docs.bm25_data,
        "indices": docs.bm25_indices,
        "indptr": docs.bm25_indptr,
        "num_docs": docs.bm25_docs,
    }
    retriever.vocab_dict = vocab
    retriever.unique_token_ids_set = set(vocab.values())
    retriever.nonoccurrence_array = None
    return retriever


def _source(root: Path, path: str, hashed: bool) -> tuple[list[str], str | None]:
    """The file's lines, and with `hashed` the blob id of the bytes read (None when the
    file cannot be read)."""
    try:
        with (root / path).open("rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES)
    except OSError:
        return [], None
    lines = data.decode("utf-8", errors="replace").splitlines()
    return lines, blob_id(data) if hashed else None


def _body_tokens(
    root: Path, path: str, members: Sequence[Symbol], *, hashed: bool = False
) -> tuple[dict[str, list[str]], list[str], list[tuple[str, str]], str | None]:
    """Tokens of each symbol's own lines (not those of nested definitions), and of the
    whole file: the words of bodies, comments and messages that names alone miss; the
    file's message literals with the symbols holding them (`literals.messages`); and,
    with `hashed`, the blob id of what was read."""
    lines, blob = _source(root, path, hashed)
    owner: list[str | None] = [None] * len(lines)
    for symbol in sorted(members, key=lambda s: (s.span[0], -s.span[1], s.id)):
        first, last = max(symbol.span[0], 1), min(symbol.span[1], len(lines))
        owner[first - 1 : last] = [symbol.id] * max(last - first + 1, 0)
    bodies: dict[str, list[str]] = {}
    whole: list[str] = []
    # Tokenize runs of lines with one owner at once: far fewer calls than line by line.
    start = 0
    for end in range(1, len(lines) + 1):
        if end < len(lines) and owner[end] == owner[start]:
            continue
        tokens = tokenize("\n".join(lines[start:end]))
        whole.extend(tokens)
        sid = owner[start]
        if sid is not None:
            bodies.setdefault(sid, []).extend(tokens)
        start = end
    return bodies, whole, list(messages(lines, owner)), blob


def _path_tokens(path: str) -> list[str]:
    parts = path.rsplit(".", 1)[0].split("/")
    return [t for part in parts[-3:] for t in _identifier_tokens(part)]


def _symbol_doc(symbol: Symbol, body: Sequence[str]) -> list[str]:
    tokens = list(_identifier_tokens(symbol.name)) * 3
    for parent in symbol.qualname.split(".")[:-1]:
        tokens += _identifier_tokens(parent)
    tokens += _path_tokens(symbol.path)
    tokens += tokenize(symbol.doc)
    tokens += body
    return tokens
