"""`patchwright find QUERY|-`: rank files and symbols for an issue, a trace or a message."""

from __future__ import annotations

import argparse
import sys

from codegraph.errors import HistoryError, IndexStoreError, QueryError
from codegraph.find import MAX_LIMIT, Hit, find
from codegraph.history import History, repository_history
from codegraph.query import GraphIndex
from service.commands._common import emit_json, repo_root

HELP = "rank files and symbols for an issue or stack trace"
MAX_QUERY_BYTES = 1_000_000


def add_index_arguments(parser: argparse.ArgumentParser) -> None:
    """`--repo`, `--data-dir` and `--json`, shared by the graph query commands."""
    parser.add_argument("--repo", metavar="PATH", help="the repository (default: .)")
    parser.add_argument("--data-dir", metavar="DIR", help="where the index is stored")
    parser.add_argument("--json", action="store_true", help="machine output")


def open_index(args: argparse.Namespace) -> GraphIndex:
    """The stored index of `--repo`, built first (said on stderr) when there is none."""
    from codegraph.index import build_index, load_index

    root = repo_root(args.repo)
    try:
        index: GraphIndex = load_index(root, data_dir=args.data_dir)
    except IndexStoreError:
        print(f"patchwright: no index of {root} yet, building it", file=sys.stderr)
        index = build_index(root, data_dir=args.data_dir)
    return index


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="the text to localize; - reads it from stdin")
    parser.add_argument("--limit", type=int, default=10, help="results of each kind (10)")
    parser.add_argument(
        "--no-history",
        action="store_true",
        help="ignore the git history (by default, files changed by past commits whose "
        "messages match the query rank higher)",
    )
    add_index_arguments(parser)


def _read_query(query: str) -> str:
    if query != "-":
        return query
    data = sys.stdin.buffer.read(MAX_QUERY_BYTES + 1)
    if len(data) > MAX_QUERY_BYTES:
        raise QueryError(f"the query is longer than {MAX_QUERY_BYTES // 1_000_000} MB")
    return data.decode("utf-8", errors="replace")


def _as_json(hit: Hit) -> dict[str, object]:
    return {
        "id": hit.id,
        "kind": hit.kind,
        "line": hit.line,
        "path": hit.path,
        "reasons": list(hit.reasons),
        "score": hit.score,
    }


def open_history(args: argparse.Namespace) -> History | None:
    """The repository's commit history (cached beside the index), or None when there is
    none to read: not a git repository, no commit yet, or `--no-history`."""
    if args.no_history:
        return None
    try:
        return repository_history(repo_root(args.repo), data_dir=args.data_dir)
    except HistoryError:
        return None


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= MAX_LIMIT:
        raise QueryError(f"--limit must be between 1 and {MAX_LIMIT}")
    text = _read_query(args.query)
    if not text.strip():
        raise QueryError("the query is empty")
    index = open_index(args)
    result = find(index, text, limit=args.limit, history=open_history(args))
    if args.json:
        emit_json(
            {
                "files": [_as_json(h) for h in result.files],
                "symbols": [_as_json(h) for h in result.symbols],
            }
        )
    else:
        for title, hits in (("files", result.files), ("symbols", result.symbols)):
            print(f"{title}:")
            for rank, hit in enumerate(hits, 1):
                where = f"{hit.id}:{hit.line}" if hit.line else hit.id
                print(f"  {rank:>2}. {hit.score:7.3f}  {where}")
                print(f"              {'; '.join(hit.reasons)}")
    return 0 if result.files or result.symbols else 1
