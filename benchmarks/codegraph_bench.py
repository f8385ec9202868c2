"""Code-graph speed and memory on Django and SymPy, beside universal-ctags as the floor.

Every measurement runs in a fresh subprocess (`--child MODE`), three times, and reports
the median and the min–max:

* cold index: `build_index` into an empty store (both cores);
* no-change re-index: `build_index` again on an up-to-date store;
* warm start: `load_index` (what every query command does first);
* re-index one edited file: `Index.update` after a one-line edit at the top of a big,
  widely imported module (every line below moves), in a process whose index is live;
  the one-time cost of making a warm-started index live (decoding the facts, building the
  symbol table) is reported on its own row, as is an edit that adds a definition;
* repo map per request: `codegraph.repomap.repo_map` on a warm index: the process's
  first request (which builds the rank matrix), then the median of five requests, each
  focused on another file (every one a new personalized PageRank, as when an IDE asks
  about the file being edited), when that module exists;
* peak RSS: `ru_maxrss` of the indexing process and of its largest worker;
* ctags: `ctags -R --languages=Python -f -` (definitions only), for scale.

    nice -n 10 .venv/bin/python -m benchmarks.codegraph_bench --write

Sources are downloaded once with `pip download --no-deps --no-binary :all:` into
`benchmarks/.work/codegraph/` (gitignored) and unpacked there.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import docs_section

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".work" / "codegraph"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "codegraph"
COMMAND = "nice -n 10 .venv/bin/python -m benchmarks.codegraph_bench --write"
REPEATS = 3


@dataclass(frozen=True)
class Project:
    label: str
    requirement: str  # pip requirement
    directory: str  # top directory inside the sdist
    edited: str  # the file edited for the re-index measurement
    cold_target: float  # seconds


PROJECTS = (
    Project("Django 5.2.19", "django==5.2.19", "django-5.2.19", "django/db/models/query.py", 6.0),
    Project("SymPy 1.14.0", "sympy==1.14.0", "sympy-1.14.0", "sympy/core/expr.py", 12.0),
)


# -- preparing the sources ------------------------------------------------------------


def source_tree(project: Project) -> Path:
    """The unpacked sdist, downloaded and unpacked on first use."""
    tree = WORK / project.directory
    if tree.is_dir():
        return tree
    sdists = WORK / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    name = project.directory.lower()
    found = sorted(sdists.glob(f"{name}.tar.gz"))
    if not found:
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"),
                *("--no-binary", ":all:", "--dest", str(sdists), project.requirement),
            ],
            check=True,
        )
        found = sorted(sdists.glob(f"{name}.tar.gz"))
    with tarfile.open(found[0]) as archive:
        archive.extractall(WORK, filter="data")
    return tree


# -- the measured work, each in its own process ------------------------------------------


def _peak_mb() -> dict[str, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"rss_mb": round(me, 1), "worker_rss_mb": round(workers, 1)}


def _cpu() -> float:
    """CPU seconds of this process and its finished workers: on a shared machine a
    better guide than wall time to what a quiet machine would show."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + workers.ru_utime + workers.ru_stime


def _child_cold(root: Path, data: Path, _edited: str) -> dict[str, Any]:
    from codegraph.index import build_index

    shutil.rmtree(data, ignore_errors=True)
    started, cpu = time.perf_counter(), _cpu()
    index = build_index(root, data_dir=data)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu": _cpu() - cpu,
        "stats": index.stats.as_dict(),
        **_peak_mb(),
    }


def _child_noop(root: Path, data: Path, _edited: str) -> dict[str, Any]:
    from codegraph.index import build_index

    started = time.perf_counter()
    index = build_index(root, data_dir=data)
    return {"seconds": time.perf_counter() - started, "parsed": index.stats.parsed}


def _child_warm(root: Path, data: Path, _edited: str) -> dict[str, Any]:
    from codegraph.index import load_index

    started, cpu = time.perf_counter(), _cpu()
    index = load_index(root, data_dir=data)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": _cpu() - cpu, "symbols": len(index.symbols), **_peak_mb()}


def _child_update(root: Path, data: Path, edited: str) -> dict[str, Any]:
    from codegraph.index import load_index

    index = load_index(root, data_dir=data)
    started = time.perf_counter()
    index.facts  # noqa: B018 - decodes the stored facts
    index._symbol_table()
    live = time.perf_counter() - started
    target = root / edited
    original = target.read_bytes()
    try:
        target.write_bytes(b"# an edit\n" + original)
        started, cpu = time.perf_counter(), _cpu()
        stats = index.update([edited])
        edit, edit_cpu = time.perf_counter() - started, _cpu() - cpu
        reresolved_edit = stats.reresolved
        target.write_bytes(original + b"\n\ndef _benchmark_added():\n    return 1\n")
        started = time.perf_counter()
        stats = index.update([edited])
        added = time.perf_counter() - started
    finally:
        target.write_bytes(original)
    return {
        "seconds": edit,
        "cpu": edit_cpu,
        "live": live,
        "added": added,
        "reresolved_edit": reresolved_edit,
        "reresolved_added": stats.reresolved,
    }


def _child_repomap(root: Path, data: Path, _edited: str) -> dict[str, Any]:
    from codegraph.index import load_index

    return time_repo_map(load_index(root, data_dir=data))


FOCUSED_REQUESTS = 5


def time_repo_map(index: Any) -> dict[str, Any]:
    """The hook for the repo-map timing: the first `repo_map` request on a loaded index
    (it builds the rank caches), then the median of requests focused on different files
    (spread evenly over the sorted paths, so every run asks the same)."""
    try:
        from codegraph.repomap import repo_map
    except ImportError:
        return {"seconds": None}
    started = time.perf_counter()
    repo_map(index)
    first = time.perf_counter() - started
    paths = sorted(index.facts)
    step = len(paths) // (FOCUSED_REQUESTS + 1)
    times = []
    for i in range(1, FOCUSED_REQUESTS + 1):
        started = time.perf_counter()
        repo_map(index, focus=[paths[i * step]])
        times.append(time.perf_counter() - started)
    return {"seconds": statistics.median(times), "first": first}


CHILDREN: dict[str, Callable[[Path, Path, str], dict[str, Any]]] = {
    "cold": _child_cold,
    "noop": _child_noop,
    "warm": _child_warm,
    "update": _child_update,
    "repomap": _child_repomap,
}


def run_child(mode: str, root: Path, data: Path, edited: str) -> dict[str, Any]:
    done = subprocess.run(
        [
            *(sys.executable, "-m", "benchmarks.codegraph_bench", "--child", mode),
            *(str(root), str(data), edited),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "random"},
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{mode} on {root} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def ctags(root: Path) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run(
        ["ctags", "-R", "--languages=Python", "-f", "-", str(root)],
        capture_output=True,
        check=True,
    )
    return {"seconds": time.perf_counter() - started, "tags": done.stdout.count(b"\n")}


# -- the report ---------------------------------------------------------------------------


def spread(values: Sequence[float | None], unit: str = "s") -> str:
    real = [v for v in values if v is not None]
    if not real:
        return "n/a"
    median = statistics.median(real)
    fmt = (lambda v: f"{v:.0f}") if unit == " MB" else (lambda v: f"{v:.2f}")
    if len(real) == 1:
        return f"{fmt(median)}{unit}"
    return f"{fmt(median)}{unit} ({fmt(min(real))}–{fmt(max(real))})"


def measure(project: Project, repeats: int) -> dict[str, Any]:
    root = source_tree(project)
    data = WORK / "stores" / project.directory
    runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in CHILDREN}
    runs["ctags"] = []
    for _ in range(repeats):
        for mode in ("cold", "noop", "warm", "update", "repomap"):
            runs[mode].append(run_child(mode, root, data, project.edited))
        runs["ctags"].append(ctags(root))
        print(f"{project.label}: {runs['cold'][-1]['seconds']:.2f}s cold", file=sys.stderr)
    return {"project": project, "runs": runs}


def table(results: Sequence[dict[str, Any]]) -> str:
    def row(label: str, cells: Sequence[str], target: str) -> str:
        return f"| {label} | " + " | ".join(cells) + f" | {target} |"

    def col(result: dict[str, Any], mode: str, key: str = "seconds", unit: str = "s") -> str:
        return spread([r.get(key) for r in result["runs"][mode]], unit)

    header = "| measure | " + " | ".join(r["project"].label for r in results) + " | target |"
    lines = [header, "|" + " --- |" * (len(results) + 2)]
    lines.append(
        row(
            "cold index (empty store); CPU seconds, all processes",
            [f"{col(r, 'cold')}; CPU {col(r, 'cold', 'cpu')}" for r in results],
            " / ".join(f"≤ {r['project'].cold_target:.0f} s" for r in results),
        )
    )
    lines.append(row("re-index, nothing changed", [col(r, "noop") for r in results], "—"))
    lines.append(
        row(
            "warm start (`load_index`); CPU seconds",
            [f"{col(r, 'warm')}; CPU {col(r, 'warm', 'cpu')}" for r in results],
            "≤ 1 s",
        )
    )
    lines.append(
        row(
            "re-index one edited file (`Index.update`); CPU seconds",
            [
                f"{col(r, 'update')}; CPU {col(r, 'update', 'cpu')}; "
                f"{r['runs']['update'][0]['reresolved_edit']} file(s) resolved; "
                f"`{r['project'].edited}`"
                for r in results
            ],
            "≤ 0.2 s",
        )
    )
    lines.append(
        row(
            "re-index after adding a definition to that file",
            [
                f"{col(r, 'update', 'added')}, {r['runs']['update'][0]['reresolved_added']} "
                "file(s) resolved"
                for r in results
            ],
            "—",
        )
    )
    lines.append(
        row(
            "first update after a warm start: decode facts, build symbol table (once)",
            [col(r, "update", "live") for r in results],
            "—",
        )
    )
    lines.append(
        row(
            "repo map per request, warm, each focused on another file (first request)",
            [
                f"{col(r, 'repomap')} ({col(r, 'repomap', 'first')})"
                if r["runs"]["repomap"][0].get("seconds") is not None
                else "n/a"
                for r in results
            ],
            "≤ 0.2 s",
        )
    )
    lines.append(
        row(
            "peak RSS, cold index: main process / largest worker",
            [
                f"{col(r, 'cold', 'rss_mb', ' MB')} / {col(r, 'cold', 'worker_rss_mb', ' MB')}"
                for r in results
            ],
            "≤ 400 MB (Django)",
        )
    )
    lines.append(
        row("peak RSS, warm start", [col(r, "warm", "rss_mb", " MB") for r in results], "—")
    )
    for label, key in (("files indexed", "files"), ("symbols", "symbols")):
        lines.append(row(label, [f"{r['runs']['cold'][0]['stats'][key]:,}" for r in results], "—"))
    lines.append(
        row(
            "edges (contains / imports / calls / inherits / references / tests)",
            [
                " / ".join(f"{n:,}" for n in r["runs"]["cold"][0]["stats"]["edges"].values())
                for r in results
            ],
            "—",
        )
    )
    lines.append(
        row(
            "resolution rate (calls, bases, references)",
            [f"{r['runs']['cold'][0]['stats']['resolution_rate']:.1%}" for r in results],
            "—",
        )
    )
    lines.append(
        row(
            "files skipped (by reason)",
            [
                ", ".join(f"{k} {v}" for k, v in r["runs"]["cold"][0]["stats"]["skipped"].items())
                or "0"
                for r in results
            ],
            "—",
        )
    )
    lines.append(
        row(
            "universal-ctags, Python definitions only (floor)",
            [f"{col(r, 'ctags')}, {r['runs']['ctags'][0]['tags']:,} tags" for r in results],
            "—",
        )
    )
    return "\n".join(lines)


def report(results: Sequence[dict[str, Any]], repeats: int) -> str:
    load = os.getloadavg()
    phases = []
    for result in results:
        seconds = result["runs"]["cold"][0]["stats"]["seconds"]
        phases.append(
            f"{result['project'].label}: "
            + ", ".join(f"{k} {v:.2f} s" for k, v in seconds.items() if k != "total")
        )
    return (
        f"Each cell: median of {repeats} runs, each a fresh process, with min–max. "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, load average "
        f"{load[0]:.1f} at the end of the run (other work on the machine inflates every "
        "time).\n\n"
        + table(results)
        + "\n\nCold-index phases (first run): "
        + "; ".join(phases)
        + ".\n\n"
        f"Reproduce: `{COMMAND}`.\n"
    )


def write_section(body: str) -> None:
    docs_section.write_section(SECTION, body, DOCS)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs per measure (3)")
    parser.add_argument("--only", choices=[p.directory for p in PROJECTS], help="one project")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--child", nargs=4, metavar=("MODE", "ROOT", "DATA", "EDITED"))
    args = parser.parse_args()
    if args.child:
        mode, root, data, edited = args.child
        print(json.dumps(CHILDREN[mode](Path(root), Path(data), edited)))
        return
    projects = [p for p in PROJECTS if args.only in (None, p.directory)]
    results = [measure(project, args.repeats) for project in projects]
    body = report(results, args.repeats)
    print(body)
    if args.write:
        write_section(body)


if __name__ == "__main__":
    main()
