"""`patchwright callees SYMBOL [--depth N]`: what a symbol calls."""

from __future__ import annotations

import argparse

from codegraph.query import callees
from service.commands.callers import print_rows
from service.commands.find import add_index_arguments, open_index

HELP = "what a symbol calls (--depth N)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("symbol", help="an id (pkg/mod.py::C.m), C.m, pkg.mod.C.m or a name")
    parser.add_argument("--depth", type=int, default=1, help="hops to follow (1)")
    add_index_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return print_rows(callees(open_index(args), args.symbol, depth=args.depth), args.json)
