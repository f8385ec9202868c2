"""`patchwright show SYMBOL`: one symbol's definition, signature and edges."""

from __future__ import annotations

import argparse

from codegraph.query import EdgeRef, show
from service.commands._common import emit_json
from service.commands.find import add_index_arguments, open_index

HELP = "one symbol: definition, signature, edges"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("symbol", help="an id (pkg/mod.py::C.m), C.m, pkg.mod.C.m or a name")
    add_index_arguments(parser)


def _edges(refs: tuple[EdgeRef, ...]) -> list[dict[str, object]]:
    return [{"kind": r.kind.value, "lines": list(r.lines), "symbol": r.other} for r in refs]


def run(args: argparse.Namespace) -> int:
    view = show(open_index(args), args.symbol)
    symbol = view.symbol
    if args.json:
        emit_json(
            {
                "decorators": list(symbol.decorators),
                "doc": symbol.doc,
                "id": symbol.id,
                "incoming": _edges(view.incoming),
                "kind": symbol.kind.value,
                "language": symbol.language,
                "outgoing": _edges(view.outgoing),
                "path": symbol.path,
                "signature": symbol.signature,
                "span": list(symbol.span),
                "visibility": symbol.visibility.value,
            }
        )
        return 0
    print(f"{symbol.id}  ({symbol.kind.value}, {symbol.visibility.value})")
    print(f"  {symbol.path}:{symbol.span[0]}-{symbol.span[1]}")
    for decorator in symbol.decorators:
        print(f"  @{decorator.lstrip('@')}")
    if symbol.signature:
        print(f"  {symbol.signature}")
    if symbol.doc:
        print(f"  {symbol.doc}")
    for title, refs in (("out", view.outgoing), ("in", view.incoming)):
        if refs:
            print(f"{title}:")
        for ref in refs:
            lines = ",".join(map(str, ref.lines))
            print(f"  {ref.kind.value:<10} {ref.other}" + (f"  (line {lines})" if lines else ""))
    return 0
