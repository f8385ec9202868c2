"""`patchwright find` latency in a fresh process, without and with a stored lexicon.

Every `patchwright find` starts a new process: it loads the index, then needs the
`Lexicon` (BM25 over symbols and files, name and message tables). Built from the
sources, that takes seconds on a large repository; `codegraph.lexstore` keeps it beside
the index so that the next process reads it instead. For Django and SymPy (the sources
of `benchmarks.codegraph_bench`, indexed into a store of this benchmark's own), each run
is a fresh process, measured two ways:

* the CLI, `python -m service.cli find QUERY --json` (what a user waits for: start-up,
  imports, index load, lexicon, ranking; the sdists are not git repositories, so no
  history is read), wall and CPU seconds;
* the Python API in a child process, phase by phase: imports, `load_index`, the first
  `lexicon(index)`, `find`.

"no stored lexicon" deletes `lexicon.npz` before each run (the run builds and writes
it); "stored lexicon" leaves it. Medians of `--repeats` runs with min–max.

    nice -n 10 .venv/bin/python -m benchmarks.find_bench --write
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import docs_section
from benchmarks.codegraph_bench import PROJECTS, ROOT, Project, source_tree

SECTION = "find-latency"
COMMAND = "nice -n 10 .venv/bin/python -m benchmarks.find_bench --write"
REPEATS = 5
DATA = ROOT / "benchmarks" / ".work" / "find"
QUERIES = {
    "django-5.2.19": "QuerySet.filter() with Q objects and annotate() returns duplicate rows",
    "sympy-1.14.0": "Matrix.det() returns a wrong result for a matrix of symbolic entries",
}
MODES = ("built", "stored")  # no stored lexicon / a stored lexicon
_LABELS = {"built": "no stored lexicon", "stored": "stored lexicon"}


def _child(root: Path, data: Path, query: str) -> dict[str, Any]:
    started = time.perf_counter()
    from codegraph.find import find
    from codegraph.index import load_index
    from codegraph.tokens import lexicon

    phases: dict[str, float] = {}
    mark = time.perf_counter()
    phases["imports"] = mark - started
    index = load_index(root, data_dir=data)
    phases["load index"] = time.perf_counter() - mark
    mark = time.perf_counter()
    lexicon(index)
    phases["lexicon"] = time.perf_counter() - mark
    mark = time.perf_counter()
    result = find(index, query)
    phases["find"] = time.perf_counter() - mark
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "phases": phases,
        "seconds": time.perf_counter() - started,
        "cpu": usage.ru_utime + usage.ru_stime,
        "top": [hit.id for hit in result.symbols[:3]],
    }


def _run(argv: Sequence[str]) -> tuple[str, float, float]:
    """stdout, wall and CPU seconds of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv[:4])} failed:\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return done.stdout, wall, cpu


def prepare(project: Project) -> tuple[Path, Path]:
    """The unpacked sources and this benchmark's own index of them, up to date."""
    from codegraph.index import build_index

    root = source_tree(project)
    data = DATA / project.directory
    build_index(root, data_dir=data)
    return root, data


def measure(project: Project, repeats: int) -> dict[str, Any]:
    root, data = prepare(project)
    query = QUERIES[project.directory]
    lexicon_file = data / "lexicon.npz"
    cli = [sys.executable, "-m", "service.cli", "find", query, "--json"]
    cli += ["--repo", str(root), "--data-dir", str(data)]
    api = [sys.executable, "-m", "benchmarks.find_bench", "--child", str(root), str(data), query]
    runs: dict[str, dict[str, list[Any]]] = {m: {"cli": [], "api": []} for m in MODES}
    answers: dict[str, set[str]] = {m: set() for m in MODES}
    for _ in range(repeats):
        for mode in MODES:
            for kind, argv in (("cli", cli), ("api", api)):
                if mode == "built":
                    lexicon_file.unlink(missing_ok=True)
                out, wall, cpu = _run(argv)
                if kind == "cli":
                    runs[mode]["cli"].append({"seconds": wall, "cpu": cpu})
                    answers[mode].add(out)
                else:
                    runs[mode]["api"].append(json.loads(out.strip().splitlines()[-1]))
        print(
            f"{project.label}: {runs['built']['cli'][-1]['seconds']:.2f} s without, "
            f"{runs['stored']['cli'][-1]['seconds']:.2f} s with a stored lexicon",
            file=sys.stderr,
        )
    # The stored lexicon must not change the answer: every run printed the same JSON.
    identical = len(answers["built"] | answers["stored"]) == 1
    return {
        "project": project,
        "runs": runs,
        "identical": identical,
        "size_mb": lexicon_file.stat().st_size / 1e6,
        "index_mb": sum(p.stat().st_size for p in data.glob("*.pickle")) / 1e6,
    }


def spread(values: Sequence[float]) -> str:
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:.2f} s"
    return f"{median:.2f} s ({min(values):.2f}–{max(values):.2f})"


def table(results: Sequence[dict[str, Any]]) -> str:
    lines = [
        "| project | lexicon | `patchwright find` wall | CPU | load index | lexicon phase | find |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for result in results:
        for mode in MODES:
            cli, api = result["runs"][mode]["cli"], result["runs"][mode]["api"]
            phases = [
                spread([run["phases"][name] for run in api])
                for name in ("load index", "lexicon", "find")
            ]
            lines.append(
                f"| {result['project'].label} | {_LABELS[mode]} "
                f"| {spread([r['seconds'] for r in cli])} | {spread([r['cpu'] for r in cli])} "
                f"| {' | '.join(phases)} |"
            )
    return "\n".join(lines)


def report(results: Sequence[dict[str, Any]], repeats: int) -> str:
    load = os.getloadavg()
    sizes = "; ".join(
        f"{r['project'].label} {r['size_mb']:.0f} MB (the index itself: {r['index_mb']:.0f} MB)"
        for r in results
    )
    same = all(r["identical"] for r in results)
    return (
        f"`patchwright find` in a fresh process, without and with the lexicon stored "
        f"beside the index (`lexicon.npz`, see docs/queries.md). Each cell: median of "
        f"{repeats} runs with min–max; wall and CPU of the whole CLI process, and the "
        f"phases of the same work through the Python API in a child process. "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, load average "
        f"{load[0]:.1f} at the end of the run.\n\n"
        + table(results)
        + f"\n\nStored lexicon size: {sizes}. "
        + (
            "Every run of a project printed the same answer, with or without it.\n"
            if same
            else "**The answers differed between runs.**\n"
        )
        + f"\nReproduce: `{COMMAND}`.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs per measure (5)")
    parser.add_argument("--only", choices=[p.directory for p in PROJECTS], help="one project")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--child", nargs=3, metavar=("ROOT", "DATA", "QUERY"))
    args = parser.parse_args()
    if args.child:
        root, data, query = args.child
        print(json.dumps(_child(Path(root), Path(data), query)))
        return
    projects = [p for p in PROJECTS if args.only in (None, p.directory)]
    results = [measure(project, args.repeats) for project in projects]
    body = report(results, args.repeats)
    print(body)
    if args.write:
        docs_section.write_section(SECTION, body)


if __name__ == "__main__":
    main()
