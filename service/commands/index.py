"""`patchwright index [PATH]`: build or bring up to date the code graph of a repository."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from codegraph.index import Index, build_index
from codegraph.parallel import MAX_JOBS, Progress
from codegraph.stats import IndexStats
from service.commands._common import emit_json, is_terminal, repo_root

HELP = "build or update the code graph of a repository"
_PHASES = {"parse": "parsing", "resolve": "resolving"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="the repository (default: .)")
    parser.add_argument("--data-dir", metavar="DIR", help="where the index is stored")
    parser.add_argument(
        "--jobs", type=_jobs, metavar="N", help=f"worker processes, 1-{MAX_JOBS} (default: cores)"
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="list every skipped file")
    parser.add_argument("--json", action="store_true", help="machine output")


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if not 1 <= jobs <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"must be a number from 1 to {MAX_JOBS}, not {value!r}")
    return jobs


def run(args: argparse.Namespace) -> int:
    root = repo_root(args.path)
    with _progress(enabled=is_terminal() and not args.json) as progress:
        index = build_index(root, data_dir=args.data_dir, progress=progress, jobs=args.jobs)
    for warning in index.warnings:
        print(f"patchwright index: {warning}", file=sys.stderr)
    if args.json:
        emit_json(_as_json(index, verbose=args.verbose))
    else:
        sys.stdout.write(render(index, verbose=args.verbose))
    return 0


def _as_json(index: Index, *, verbose: bool) -> dict[str, Any]:
    payload: dict[str, Any] = {"root": str(index.root), "data_dir": str(index.data_dir)}
    payload.update(index.stats.as_dict())
    if verbose:
        payload["skipped_files"] = [{"path": s.path, "reason": s.reason} for s in index.skipped]
    return payload


def render(index: Index, *, verbose: bool = False) -> str:
    """The human summary of an index build."""
    stats: IndexStats = index.stats
    edges = ", ".join(f"{kind} {count:,}" for kind, count in stats.edges.items())
    lines = [
        f"indexed {index.root}",
        f"  files      {stats.files:,} ({stats.parsed:,} parsed, {stats.reused:,} reused, "
        f"{stats.reresolved:,} resolved)",
        f"  symbols    {stats.symbols:,}",
        f"  edges      {sum(stats.edges.values()):,} ({edges})",
        f"  resolved   {stats.resolution_rate:.1%} of calls, bases and references "
        f"({stats.unresolved:,} unresolved or ambiguous, {stats.external:,} external)",
    ]
    if stats.skipped:
        reasons = ", ".join(f"{reason} {count:,}" for reason, count in stats.skipped.items())
        lines.append(f"  skipped    {sum(stats.skipped.values()):,} ({reasons})")
        if verbose:
            lines += [f"    {s.path}: {s.reason}" for s in index.skipped]
    else:
        lines.append("  skipped    0")
    phases = ", ".join(f"{p} {s:.2f}s" for p, s in stats.seconds.items() if p != "total")
    lines.append(f"  time       {stats.seconds.get('total', 0.0):.2f}s ({phases})")
    return "\n".join(lines) + "\n"


@contextmanager
def _progress(*, enabled: bool) -> Iterator[Progress | None]:
    """A rich progress bar on stderr, refreshed from the callback (no refresh thread, so
    the worker processes fork from a single-threaded parent)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    bar = Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        auto_refresh=False,
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def update(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(_PHASES.get(phase, phase), total=total)
        bar.update(tasks[phase], completed=done, total=total)
        bar.refresh()

    with bar:
        yield update
