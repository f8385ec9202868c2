"""Localization without a model: free text in, ranked files and symbols out.

Signals, strongest first: traceback frames (the symbol spanning the frame's line), file
path mentions, exact identifier mentions (`QuerySet.filter`, `from_file()`, and hooks
named after a mentioned name: `_print_SeqFormula` for `SeqFormula`), quoted messages (the
code whose string literal the issue quotes), then BM25 over per-symbol and per-file
documents of identifier sub-tokens, paths, signatures and docstrings. The seeds then
spread one hop along calls, inheritance, references and containment in both directions,
so that a caller or the class of a matched method rises too. Given the repository's
history, files that past commits with messages like the text changed rise as well
(`codegraph.history`). Every score carries the reasons it was given.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from codegraph.history import History
from codegraph.literals import normalize
from codegraph.model import EdgeKind, Symbol
from codegraph.query import GraphIndex
from codegraph.stacktrace import Frame, Mentions, scan
from codegraph.tokens import MAX_TEXT_CHARS, Lexicon, is_test_path, lexicon, tokenize

MAX_LIMIT = 1_000
_SEEDS = 60  # symbols that spread score to their neighbours
_TEST_FACTOR = 0.3

# How much one unit of each signal is worth; a frame or an exact qualified mention beats
# any amount of word overlap, word overlap beats graph neighbourhood.
W_FRAME = 2.0
_FRAME_DECAY = 0.7
_MAX_PATH_MATCHES = 3  # a bare `conf.py` that names many files names none
W_QUALIFIED = 2.0
W_NAME = 1.0
W_TAIL = 0.5
W_PATH = 2.0
W_MODULE = 0.6
W_PACKAGE = 0.6
_MAX_PACKAGE_FILES = 20  # a package that large names nothing in particular
W_LEXICAL = 1.0
W_FILE_LEXICAL = 0.6
W_FILE_PRIOR = 0.35
W_GRAPH = 0.25
W_TITLE = 1.0
W_MESSAGE = 2.0
W_HISTORY = 0.6
_FILE_SHARES = (0.5, 0.15, 0.1, 0.05, 0.05)
_LEXICAL_HITS = 300


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked file or symbol: `id` is a symbol id, or a path for a file."""

    id: str
    path: str
    kind: str
    score: float
    reasons: tuple[str, ...]
    line: int = 0  # first line of the symbol; 0 for files


@dataclass(frozen=True, slots=True)
class Localization:
    """`find`'s answer: the best files and the best symbols, best first."""

    files: tuple[Hit, ...]
    symbols: tuple[Hit, ...]


class _Scores:
    """Score contributions per key, each with the reason it was given."""

    def __init__(self) -> None:
        self.total: dict[str, float] = {}
        self.why: dict[str, dict[str, float]] = {}

    def add(self, key: str, amount: float, reason: str) -> None:
        if amount <= 0:
            return
        self.total[key] = self.total.get(key, 0.0) + amount
        reasons = self.why.setdefault(key, {})
        reasons[reason] = reasons.get(reason, 0.0) + amount

    def damp(self, where: Callable[[str], bool], factor: float) -> None:
        """Scale down every score whose key satisfies `where`."""
        for key in self.total:
            if where(key):
                self.total[key] *= factor

    def reasons(self, key: str, limit: int = 4) -> tuple[str, ...]:
        ranked = sorted(self.why.get(key, {}).items(), key=lambda item: (-item[1], item[0]))
        return tuple(reason for reason, _ in ranked[:limit])


def _quoted(tokens: Iterable[str]) -> str:
    return ", ".join(f'"{t}"' for t in tokens)


def _package_signals(lex: Lexicon, dotted: str, init: str, files: _Scores) -> None:
    """A package named (`sphinx.ext.napoleon`) is its modules named, each for less: the
    fix is as often in `napoleon/docstring.py` as in the package's `__init__.py`."""
    folder = init[: -len("__init__.py")]
    inside = [
        p for p in lex.file_paths if p.startswith(folder) and p != init and not is_test_path(p)
    ]
    if 0 < len(inside) <= _MAX_PACKAGE_FILES:
        for path in inside:
            files.add(path, W_PACKAGE / math.sqrt(len(inside)), f"in package {dotted}")


def _frame_symbol(lex: Lexicon, path: str, frame: Frame) -> str | None:
    """The symbol a frame points at: named as the frame says and nearest its line, else
    the innermost symbol spanning the line (the file may have moved since the trace)."""
    members = lex.members.get(path, ())
    named = [s for s in members if frame.function and s.name == frame.function]
    if named:
        return min(named, key=lambda s: (_distance(s, frame.line), s.id)).id
    spanning = [s for s in members if s.span[0] <= frame.line <= s.span[1]]
    if spanning:
        return min(spanning, key=lambda s: (s.span[1] - s.span[0], s.id)).id
    return None


def _distance(symbol: Symbol, line: int) -> int:
    first, last = symbol.span
    return 0 if first <= line <= last else min(abs(first - line), abs(last - line))


def _mention_signals(
    lex: Lexicon, mentions: Mentions, symbols: _Scores, files: _Scores
) -> set[str]:
    """Adds frame, path and identifier signals; returns the files the text names."""
    named_files: set[str] = set()
    in_repo = [(f, lex.match_path(f.path)) for f in mentions.frames]
    in_repo = [(f, paths) for f, paths in in_repo if len(paths) == 1]
    framed = {f.path for f, _ in in_repo}
    for position, (frame, paths) in enumerate(in_repo):
        # The deepest frame is nearest the fault; each frame above it counts for less.
        weight = W_FRAME * _FRAME_DECAY ** (len(in_repo) - 1 - position)
        path = paths[0]
        named_files.add(path)
        files.add(path, weight, f"stack frame: line {frame.line}")
        target = _frame_symbol(lex, path, frame)
        if target is not None:
            symbols.add(target, weight, f"stack frame: {path}:{frame.line}")
    for mention in mentions.paths:
        if any(f.endswith(mention) for f in framed):
            continue
        paths = lex.match_path(mention)
        if not 0 < len(paths) <= _MAX_PATH_MATCHES:
            continue
        for path in paths:
            named_files.add(path)
            files.add(path, W_PATH / len(paths), f"path mention: {mention}")
    for dotted in mentions.dotted:
        module_path = lex.modules.get(dotted)
        if module_path is not None:
            named_files.add(module_path)
            files.add(module_path, W_MODULE, f"module mention: {dotted}")
            if module_path.endswith("/__init__.py"):
                _package_signals(lex, dotted, module_path, files)
            continue
        ids = lex.match_dotted(dotted)
        for sid in ids[:10]:
            symbols.add(sid, W_QUALIFIED / math.sqrt(len(ids)), f"name mention: {dotted}")
    for name in mentions.names:
        ids = lex.by_name.get(name, [])
        if 0 < len(ids) <= 50:
            for sid in ids:
                symbols.add(sid, W_NAME / math.sqrt(len(ids)), f"name mention: {name}")
        ids = lex.tails.get(name, [])
        if 0 < len(ids) <= 50:
            for sid in ids:
                symbols.add(sid, W_TAIL / math.sqrt(len(ids)), f"name mention: {name} in name")
    return named_files


def _message_signals(lex: Lexicon, text: str, symbols: _Scores) -> None:
    """The code holding a message literal that the text quotes word for word."""
    normalized = f" {normalize(text)} "
    for words, owners in lex.messages.items():
        if f" {words} " in normalized and len(owners) <= 10:
            weight = W_MESSAGE * min(1.0, (words.count(" ") + 1) / 8) / math.sqrt(len(owners))
            for sid in dict.fromkeys(owners):
                symbols.add(sid, weight, f"message: {words[:60]}")


def _lexical_signals(
    lex: Lexicon, queries: list[tuple[list[str], float]], symbols: _Scores, files: _Scores
) -> None:
    """BM25 of each query part (title, whole text) with its weight, scaled to the best."""
    for key, scores, docs, weight in (
        ("symbol", symbols, lex.symbol_ids, W_LEXICAL),
        ("file", files, lex.file_paths, W_FILE_LEXICAL),
    ):
        raw = None
        for query, share in queries:
            if query:
                part = lex.scores(key, query) * share
                raw = part if raw is None else raw + part
        if raw is None or not len(raw) or float(raw.max()) <= 0:
            continue
        top = float(raw.max())
        words = [t for query, _ in queries for t in query]
        for position in raw.argsort(kind="stable")[::-1][:_LEXICAL_HITS]:
            value = float(raw[position])
            if value <= 0:
                break
            doc = docs[int(position)]
            matched = lex.matched_tokens(key, doc, words)
            scores.add(doc, weight * value / top, f"lexical: {_quoted(matched)}")


def _history_signals(
    lex: Lexicon, history: History, query: list[str], files: _Scores, wants_tests: bool
) -> None:
    """Files that past commits with messages like the query changed, under their
    current paths (a file moved since, e.g. into `src/`, is found by its path's tail)."""
    evidence = history.files(query)
    top = evidence[0].score if evidence else 1.0
    for item in evidence:
        paths = [item.path] if lex.is_file(item.path) else lex.match_path(item.path)
        if len(paths) != 1 or (not wants_tests and is_test_path(paths[0])):
            continue
        subject = item.subject if len(item.subject) <= 80 else item.subject[:79] + "…"
        files.add(paths[0], W_HISTORY * item.score / top, f"history: {subject}")


def _spread(index: GraphIndex, lex: Lexicon, symbols: _Scores) -> None:
    seeds = sorted(symbols.total.items(), key=lambda item: (-item[1], item[0]))[:_SEEDS]
    graph = index.graph
    for sid, score in seeds:
        if sid not in graph:
            continue
        name = lex.short(sid)
        for _, other, key in graph.out_edges(sid, keys=True):
            if key in _SPREAD_OUT and other in lex.ranked:
                symbols.add(
                    other, W_GRAPH * score * _SPREAD_OUT[key], f"graph: {_VERB_OUT[key]} {name}"
                )
        for other, _, key in graph.in_edges(sid, keys=True):
            if key in _SPREAD_IN and other in lex.ranked:
                symbols.add(
                    other, W_GRAPH * score * _SPREAD_IN[key], f"graph: {_VERB_IN[key]} {name}"
                )


_SPREAD_OUT = {
    EdgeKind.CALLS.value: 0.5,
    EdgeKind.CONTAINS.value: 0.6,
    EdgeKind.INHERITS.value: 0.4,
    EdgeKind.REFERENCES.value: 0.3,
}
_SPREAD_IN = {
    EdgeKind.CALLS.value: 0.6,
    EdgeKind.CONTAINS.value: 0.4,
    EdgeKind.INHERITS.value: 0.3,
    EdgeKind.REFERENCES.value: 0.2,
}
_VERB_OUT = {
    "calls": "called by",
    "contains": "member of",
    "inherits": "base of",
    "references": "used by",
}
_VERB_IN = {
    "calls": "calls",
    "contains": "contains",
    "inherits": "subclass of",
    "references": "uses",
}


def _title(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def find(
    index: GraphIndex, text: str, *, limit: int = 10, history: History | None = None
) -> Localization:
    """Rank the files and symbols of `index` for `text` (an issue, a trace, a message);
    with `history`, files that past commits with similar messages changed rank higher."""
    limit = max(1, min(limit, MAX_LIMIT))
    text = text[:MAX_TEXT_CHARS]
    lex = lexicon(index)
    mentions = scan(text)
    query = tokenize(text)
    symbols, files = _Scores(), _Scores()
    named_files = _mention_signals(lex, mentions, symbols, files)
    _message_signals(lex, text, symbols)
    # An issue's first line usually names the problem; the rest adds context and noise.
    _lexical_signals(lex, [(tokenize(_title(text)), W_TITLE), (query, 1.0)], symbols, files)
    wants_tests = any(is_test_path(p) for p in named_files) or "test" in tokenize(_title(text))
    if not wants_tests:
        symbols.damp(lambda k: is_test_path(lex.path_of[k]), _TEST_FACTOR)
    _spread(index, lex, symbols)
    if history is not None:
        _history_signals(lex, history, query, files, wants_tests)

    per_file: dict[str, list[tuple[float, str]]] = {}
    for sid, score in symbols.total.items():
        per_file.setdefault(lex.path_of[sid], []).append((score, sid))
    for path, members in per_file.items():
        # A file is as good as its best symbols, not as long as its list of weak ones.
        members.sort(key=lambda item: (-item[0], item[1]))
        for share, (score, sid) in zip(_FILE_SHARES, members, strict=False):
            files.add(path, score * share, f"symbol: {lex.short(sid)}")
    file_top = max(files.total.values(), default=0.0) or 1.0
    for sid in list(symbols.total):
        path = lex.path_of[sid]
        prior = files.total.get(path, 0.0) / file_top
        symbols.add(sid, W_FILE_PRIOR * prior * symbols.total[sid], f"in file {path}")
    if not wants_tests:
        files.damp(is_test_path, _TEST_FACTOR)
        symbols.damp(lambda k: is_test_path(lex.path_of[k]), _TEST_FACTOR)
    return Localization(
        files=_rank(files, lambda k: k, lex, limit),
        symbols=_rank(symbols, lambda k: lex.path_of[k], lex, limit),
    )


def _rank(
    scores: _Scores, path_of: Callable[[str], str], lex: Lexicon, limit: int
) -> tuple[Hit, ...]:
    final = sorted((-round(score, 9), key) for key, score in scores.total.items())
    hits: list[Hit] = []
    for negative, key in final[:limit]:
        symbol = lex.symbol(key) if key != path_of(key) else None
        hits.append(
            Hit(
                id=key,
                path=path_of(key),
                kind=symbol.kind.value if symbol is not None else "file",
                score=-negative,
                reasons=scores.reasons(key),
                line=symbol.span[0] if symbol is not None else 0,
            )
        )
    return tuple(hits)
