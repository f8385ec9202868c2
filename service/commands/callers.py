"""`patchwright callers SYMBOL [--depth N]`: who calls a symbol."""

from __future__ import annotations

import argparse

from codegraph.query import CallRow, callers
from service.commands._common import emit_json
from service.commands.find import add_index_arguments, open_index

HELP = "who calls a symbol (--depth N)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("symbol", help="an id (pkg/mod.py::C.m), C.m, pkg.mod.C.m or a name")
    parser.add_argument("--depth", type=int, default=1, help="hops to follow (1)")
    add_index_arguments(parser)


def print_rows(rows: list[CallRow], as_json: bool) -> int:
    """Shared by `callers` and `callees`: exit 1 when there is nobody."""
    if as_json:
        emit_json(
            [
                {
                    "depth": row.depth,
                    "id": row.symbol.id,
                    "lines": list(row.lines),
                    "path": row.symbol.path,
                    "possible": row.possible,
                }
                for row in rows
            ]
        )
    else:
        for row in rows:
            lines = ",".join(map(str, row.lines))
            mark = "  (possible: ambiguous call)" if row.possible else ""
            print(f"{'  ' * (row.depth - 1)}{row.symbol.id}  line {lines}{mark}")
    return 0 if rows else 1


def run(args: argparse.Namespace) -> int:
    return print_rows(callers(open_index(args), args.symbol, depth=args.depth), args.json)
