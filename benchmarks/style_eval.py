"""Style profiler benchmark: leave-one-out accuracy, false alarms and recall on real projects.

Run from the repository root (downloads pinned sdists on first use):

    nice -n 10 .venv/bin/python -m benchmarks.style_eval [--projects a,b] [--max-files N]

It prints a summary, writes the `style` section of docs/benchmarks.md (full runs only,
unless --write-docs is given) and dumps every count to benchmarks/.work/style_eval.json.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
import warnings
from collections.abc import Sequence
from typing import Any

from benchmarks import style_eval_projects as projects
from benchmarks.style_eval_metrics import Tally, merge, summary
from benchmarks.style_eval_report import percent, render, write_section
from benchmarks.style_eval_run import evaluate_project

JSON_OUT = projects.WORK / "style_eval.json"
DEFAULT_MAX_HELDOUT = 300
_PREFIX = "nice -n 10 .venv/bin/python -m benchmarks.style_eval"
_OUTPUT_ONLY = frozenset({"--write-docs", "--no-write-docs"})


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.style_eval", description=__doc__)
    parser.add_argument("--projects", help="comma-separated subset (default: all)")
    parser.add_argument(
        "--max-files",
        type=int,
        help="sample this many files per project before anything else (quick runs)",
    )
    parser.add_argument(
        "--max-heldout",
        type=int,
        default=DEFAULT_MAX_HELDOUT,
        help="hold out at most this many files per project; the profile still learns from"
        f" all the others (default {DEFAULT_MAX_HELDOUT}; 0 = every file)",
    )
    parser.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help=f"rewrite the docs section from the last JSON dump ({JSON_OUT.name}) and stop",
    )
    parser.add_argument(
        "--write-docs",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="write the docs section (default: only for a full run)",
    )
    args = parser.parse_args(argv)
    for option in ("max_files", "max_heldout"):
        value = getattr(args, option)
        if value is not None and value < 0:
            parser.error(f"--{option.replace('_', '-')} must not be negative")
    return args


def _line(row: dict[str, Any]) -> str:
    return (
        f"{row['project']:<12} files {row['files']:>5} held out {row['heldout']:>4}"
        f"  accuracy {percent(row['accuracy']):>8} coverage {percent(row['coverage']):>8}"
        f"  false alarms {percent(row['false_alarm_rate']):>8}"
        f" window {percent(row['window_false_alarm_rate']):>8}"
        f"  recall {percent(row['recall']):>8}"
    )


def _reproducing(argv: Sequence[str]) -> str:
    """The command that reproduces the numbers (options that only steer output dropped)."""
    kept = [a for a in argv if a not in _OUTPUT_ONLY]
    return " ".join([_PREFIX, *map(shlex.quote, kept)])


def _note(payload: dict[str, Any]) -> str:
    """What the run covered, read back from the command it records."""
    args = parse_args(shlex.split(payload["command"])[len(shlex.split(_PREFIX)) :])
    return (
        f"{len(payload['projects'])} projects, held-out files per project capped at"
        f" {args.max_heldout or 'none'} (sampled with seed {args.seed}); the run"
        f" took {payload['seconds']:.0f} s on a shared 2-core machine."
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Parsing thousands of third-party files: their invalid escapes are not our finding.
    warnings.simplefilter("ignore", SyntaxWarning)
    if args.render_only:
        payload = json.loads(JSON_OUT.read_text(encoding="utf-8"))
        command = payload["command"]
        body = render(payload["projects"], payload["overall"], command=command, note=_note(payload))
        write_section(body)
        return 0
    chosen = projects.by_name(args.projects)
    max_heldout = args.max_heldout or None
    started = time.perf_counter()
    tallies: list[Tally] = []
    for project in chosen:
        root = projects.unpack(project)
        texts = projects.python_files(root, max_files=args.max_files, seed=args.seed)
        tally = evaluate_project(
            project.name, project.version, root, texts, max_heldout=max_heldout, seed=args.seed
        )
        tallies.append(tally)
        print(_line(summary(tally)), flush=True)
    rows = [summary(t) for t in tallies]
    overall = summary(merge("overall", tallies))
    elapsed = time.perf_counter() - started
    print(_line(overall))
    print(f"baseline: {json.dumps(overall['baseline'])}; {elapsed:.0f} s")
    command = _reproducing(sys.argv[1:] if argv is None else argv)
    JSON_OUT.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "command": command,
        "seconds": round(elapsed, 1),
        "projects": rows,
        "overall": overall,
    }
    JSON_OUT.write_text(json.dumps(payload, indent=2, sort_keys=True), encoding="utf-8")
    full = args.projects is None and args.max_files is None
    if args.write_docs if args.write_docs is not None else full:
        write_section(render(rows, overall, command=command, note=_note(payload)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
