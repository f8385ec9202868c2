"""`patchwright impact (--rev A..B | --diff FILE | --staged)`: what a change touches."""

from __future__ import annotations

import argparse
from pathlib import Path

from codegraph.impact import DEFAULT_DEPTH, diff_for_rev, diff_staged, impact, read_diff
from service.commands._common import emit_json
from service.commands.find import add_index_arguments, open_index

HELP = "changed symbols, their dependents, affected tests"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--rev", metavar="A..B", help="the change between two revisions")
    what.add_argument("--diff", metavar="FILE", type=Path, help="a unified diff file")
    what.add_argument("--staged", action="store_true", help="the staged changes")
    parser.add_argument(
        "--depth", type=int, default=DEFAULT_DEPTH, help=f"dependent hops ({DEFAULT_DEPTH})"
    )
    add_index_arguments(parser)


def run(args: argparse.Namespace) -> int:
    index = open_index(args)
    if args.rev:
        text, source = diff_for_rev(index.root, args.rev)
        result = impact(index, text, source=source, depth=args.depth)
    elif args.staged:
        text, source = diff_staged(index.root)
        result = impact(index, text, source=source, depth=args.depth)
    else:
        result = impact(index, read_diff(args.diff), depth=args.depth)
    if args.json:
        emit_json(
            {
                "changed": [
                    {"id": c.id, "kind": c.kind, "lines": list(c.lines), "path": c.path}
                    for c in result.changed
                ],
                "dependents": [
                    {"distance": d.distance, "id": d.id, "path": d.path} for d in result.dependents
                ],
                "files": list(result.files),
                "tests": list(result.tests),
            }
        )
        return 0
    print(f"changed files: {len(result.files)}")
    for path in result.files:
        print(f"  {path}")
    print(f"changed symbols: {len(result.changed)}")
    for changed in result.changed:
        print(f"  {changed.id}  lines {','.join(map(str, changed.lines))}")
    print(f"dependents: {len(result.dependents)}")
    for dependent in result.dependents:
        print(f"  {dependent.distance}  {dependent.id}")
    print(f"affected tests: {len(result.tests)}")
    for test in result.tests:
        print(f"  {test}")
    return 0
