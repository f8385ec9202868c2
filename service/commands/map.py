"""`patchwright map [--focus PATH_OR_SYMBOL ...] [--tokens N]`: a ranked outline."""

from __future__ import annotations

import argparse
import sys

from codegraph.repomap import count_tokens, repo_map
from service.commands._common import emit_json
from service.commands.find import add_index_arguments, open_index

HELP = "a ranked outline of the repository within a token budget"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--focus", nargs="+", default=[], metavar="PATH_OR_SYMBOL", help="rank around these"
    )
    parser.add_argument("--tokens", type=int, default=1024, help="hard token budget (1024)")
    add_index_arguments(parser)


def run(args: argparse.Namespace) -> int:
    text = repo_map(open_index(args), focus=args.focus, tokens=args.tokens)
    if args.json:
        emit_json({"focus": args.focus, "map": text, "tokens": count_tokens(text)})
    else:
        sys.stdout.write(text)
    return 0 if text else 1
