"""Localization on SWE-bench Lite dev tasks: `patchwright find` beside plain BM25.

For each task: the repository's tree at `base_commit` (from a bare mirror made by the
`fetch` tool, extracted with `git archive`), indexed with `build_index`, queried with the
issue text. Scored as in LocAgent: file Acc@k is the share of tasks whose gold files (from
the gold patch) are all in the top k; function Acc@k likewise on
`gold_edit_functions_locagent` (tasks without gold functions are left out of it). Only
this script reads the gold patches; the product never sees them.

The baseline is BM25 (bm25s) over whole files and over whole function bodies, the query
tokenized into plain words, on the same files the index holds.

    .venv/bin/python -m benchmarks.localization [--only REPO] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import unidiff

from benchmarks import docs_section
from codegraph.find import find
from codegraph.history import History, read_history
from codegraph.model import SymbolKind
from codegraph.query import GraphIndex
from codegraph.tokens import STOPWORDS

ROOT = Path(__file__).resolve().parents[1]
DATA = Path("/work/shared/data/swebench-lite-dev.jsonl")
MIRRORS = Path("/work/.mirror")
WORK = ROOT / "benchmarks" / ".work" / "localization"
STORES = ROOT / "benchmarks" / ".work" / "localization-stores"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "localization"
COMMAND = "nice -n 10 .venv/bin/python -m benchmarks.localization --write"
FUNCTION_KINDS = (SymbolKind.FUNCTION, SymbolKind.METHOD)
FILE_KS = (1, 5)
FUNCTION_KS = (5, 10)


@dataclass
class Outcome:
    instance_id: str
    repo: str
    gold_files: list[str]
    gold_functions: list[str]
    ranked: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # method → kind → ids
    seconds: float = 0.0


def simple_tokenize(text: str) -> list[str]:
    """The baseline's tokenizer: lower-cased words, stop words dropped."""
    return [w for w in re.findall(r"[a-z0-9_]+", text.lower()) if len(w) > 1 and w not in STOPWORDS]


def gold_files(patch: str) -> list[str]:
    return sorted({f.path for f in unidiff.patch.PatchSet(patch)})


def gold_functions(task: dict[str, Any]) -> list[str]:
    return [g.replace(":", "::", 1) for g in task.get("gold_edit_functions_locagent") or []]


def mirror_of(task: dict[str, Any]) -> Path:
    """The bare git directory `fetch` made of the task's repository."""
    return MIRRORS / task["repo"].replace("/", "+") / "repo"


def checkout(task: dict[str, Any]) -> Path:
    """The task's tree at its base commit, extracted once under benchmarks/.work."""
    target = WORK / str(task["instance_id"])
    if (target / ".extracted").exists():
        return target
    mirror = mirror_of(task)
    if not mirror.exists():
        sys.exit(f"no mirror of {task['repo']} at {mirror}: fetch github:{task['repo']} first")
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.Popen(
        ["git", "--git-dir", str(mirror), "archive", task["base_commit"]], stdout=subprocess.PIPE
    )
    subprocess.run(["tar", "-x", "-C", str(target)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        sys.exit(f"git archive failed for {task['instance_id']}")
    (target / ".extracted").touch()
    return target


def bm25_baseline(index: GraphIndex, text: str) -> dict[str, list[str]]:
    """Plain BM25 over whole files and over function bodies, the query as plain words."""
    paths = sorted(p for p in index.facts if p.endswith(".py"))
    sources = {p: (index.root / p).read_text(errors="replace") for p in paths}
    query = list(dict.fromkeys(simple_tokenize(text)))
    functions = sorted(s.id for s in index.symbols.values() if s.kind in FUNCTION_KINDS)
    bodies = []
    lines = {p: sources[p].splitlines() for p in paths}
    for sid in functions:
        symbol = index.symbols[sid]
        first, last = symbol.span
        bodies.append(" ".join(lines.get(symbol.path, [])[first - 1 : last]))
    return {
        "files": _bm25_rank(paths, [sources[p] for p in paths], query),
        "functions": _functions(index, _bm25_rank(functions, bodies, query)),
    }


def _bm25_rank(ids: Sequence[str], texts: Sequence[str], query: list[str]) -> list[str]:
    if not ids or not query:
        return []
    retriever = bm25s.BM25()
    retriever.index([simple_tokenize(t) or ["\x00"] for t in texts], show_progress=False)
    scores = retriever.get_scores(query)
    order = sorted(range(len(ids)), key=lambda i: (-float(scores[i]), ids[i]))
    return [ids[i] for i in order[:50] if scores[i] > 0]


def locagent_id(index: GraphIndex, sid: str) -> str:
    """A function's id as LocAgent's gold names it: enclosing functions dropped, enclosing
    classes kept (`m.py::C.outer.inner` → `m.py::C.inner`)."""
    symbol = index.symbols[sid]
    parts = symbol.qualname.split(".")
    kept = []
    for i in range(len(parts) - 1):
        parent = index.symbols.get(f"{symbol.path}::{'.'.join(parts[: i + 1])}")
        if parent is None or parent.kind not in FUNCTION_KINDS:
            kept.append(parts[i])
    return f"{symbol.path}::{'.'.join([*kept, parts[-1]])}"


def _functions(index: GraphIndex, ids: Sequence[str]) -> list[str]:
    """Function and method ids in LocAgent's naming, best first, each once."""
    named = (locagent_id(index, i) for i in ids if index.symbols[i].kind in FUNCTION_KINDS)
    return list(dict.fromkeys(named))


def patchwright_ranking(
    index: GraphIndex, text: str, history: History | None = None
) -> dict[str, list[str]]:
    result = find(index, text, limit=200, history=history)
    return {
        "files": [h.path for h in result.files],
        "functions": _functions(index, [h.id for h in result.symbols]),
    }


def all_in(gold: Sequence[str], ranked: Sequence[str], k: int) -> bool:
    return bool(gold) and set(gold) <= set(ranked[:k])


_LAST_STORE: dict[str, Path] = {}


def default_builder(task: dict[str, Any], root: Path) -> GraphIndex:
    """`build_index` with a store per task. A task's first build starts from a copy of the
    previous store of the same repository, so only the files that differ between the two
    commits are parsed again (the index's own incremental path); reruns load warm."""
    from codegraph.index import build_index

    data_dir = STORES / task["instance_id"]
    previous = _LAST_STORE.get(task["repo"])
    if not data_dir.exists() and previous is not None:
        shutil.copytree(previous, data_dir)
    index: GraphIndex = build_index(root, data_dir=data_dir)
    _LAST_STORE[task["repo"]] = data_dir
    return index


def run(
    tasks: list[dict[str, Any]],
    builder: Callable[[dict[str, Any], Path], GraphIndex] = default_builder,
    dump: Path | None = None,
) -> list[Outcome]:
    outcomes = []
    begun = time.perf_counter()
    for task in tasks:
        root = checkout(task)
        started = time.perf_counter()
        index = builder(task, root)
        outcome = Outcome(
            task["instance_id"], task["repo"], gold_files(task["patch"]), gold_functions(task)
        )
        text = task["problem_statement"]
        # The history as the repository had it at the base commit: the fix is not in it.
        history = read_history(root, rev=task["base_commit"], git_dir=mirror_of(task))
        ours = time.perf_counter()
        outcome.ranked["patchwright"] = patchwright_ranking(index, text, history)
        outcome.seconds = time.perf_counter() - ours
        outcome.ranked["no-history"] = patchwright_ranking(index, text)
        outcome.ranked["bm25"] = bm25_baseline(index, text)
        outcomes.append(outcome)
        if dump is not None:
            # After every task, so that a run cut short still reports what it measured.
            saved = {
                "elapsed": time.perf_counter() - begun,
                "outcomes": [o.__dict__ for o in outcomes],
            }
            dump.write_text(json.dumps(saved, indent=1))
        hit = all_in(outcome.gold_files, outcome.ranked["patchwright"]["files"], 5)
        fn = all_in(outcome.gold_functions, outcome.ranked["patchwright"]["functions"], 10)
        print(
            f"{task['instance_id']:<32} file@5 {'+' if hit else '-'} fn@10 "
            f"{'+' if fn else ('-' if outcome.gold_functions else ' ')} "
            f"index {started and ours - started:5.1f}s find {outcome.seconds:4.2f}s",
            flush=True,
        )
    return outcomes


def _rate(outcomes: Sequence[Outcome], method: str, kind: str, k: int) -> tuple[int, int]:
    gold = "gold_files" if kind == "files" else "gold_functions"
    scored = [o for o in outcomes if getattr(o, gold)]
    hits = sum(all_in(getattr(o, gold), o.ranked[method][kind], k) for o in scored)
    return hits, len(scored)


def table(outcomes: Sequence[Outcome]) -> str:
    columns = [("files", k) for k in FILE_KS] + [("functions", k) for k in FUNCTION_KS]
    header = "| repo | tasks | " + " | ".join(
        f"{'file' if kind == 'files' else 'function'} Acc@{k} (BM25 → patchwright)"
        for kind, k in columns
    )
    lines = [header + " |", "| --- | ---: |" + " ---: |" * len(columns)]
    groups = sorted({o.repo for o in outcomes})
    for name, members in [(g, [o for o in outcomes if o.repo == g]) for g in groups] + [
        ("**all**", list(outcomes))
    ]:
        cells = []
        for kind, k in columns:
            base, total = _rate(members, "bm25", kind, k)
            ours, _ = _rate(members, "patchwright", kind, k)
            if total == 0:
                cells.append("–")
                continue
            cells.append(
                f"{100 * base / total:.0f}% → **{100 * ours / total:.0f}%** ({ours}/{total})"
            )
        lines.append(f"| {name} | {len(members)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_section(body: str) -> None:
    docs_section.write_section(SECTION, body, DOCS)


def ablation(outcomes: Sequence[Outcome]) -> str:
    """One line: what the history signal adds, all tasks together."""
    if not outcomes or any("no-history" not in o.ranked for o in outcomes):
        return ""
    cells = []
    for kind, k in [("files", k) for k in FILE_KS] + [("functions", k) for k in FUNCTION_KS]:
        without, total = _rate(outcomes, "no-history", kind, k)
        with_history, _ = _rate(outcomes, "patchwright", kind, k)
        label = "file" if kind == "files" else "function"
        cells.append(f"{label} Acc@{k} {without}/{total} → {with_history}/{total}")
    return (
        "The git history (commits reachable from the base commit whose messages match the "
        "issue, see `codegraph/history.py`), without → with: " + "; ".join(cells) + "."
    )


def report(outcomes: Sequence[Outcome], elapsed: float) -> str:
    seconds = sorted(o.seconds for o in outcomes)
    median = seconds[len(seconds) // 2] if seconds else 0.0
    return (
        f"{len(outcomes)} tasks of `swebench-lite-dev.jsonl`, each indexed at its "
        "`base_commit` and queried with its `problem_statement` (no hints, no model). "
        "Function Acc@k counts only function and method hits and only the tasks that have "
        "`gold_edit_functions_locagent`, our ids named as LocAgent names them (a function "
        "nested in a function is `file::Class.inner`). Baseline: bm25s over whole files / "
        "whole function bodies, query split into plain words. patchwright reads each "
        "repository's git history up to the base commit (the fix is never in it).\n\n"
        + table(outcomes)
        + "\n\n"
        + ablation(outcomes)
        + f"\n\n`find` took {median:.2f} s median per query (warm index, first query "
        f"includes building the lexical index); whole run {elapsed / 60:.1f} min.\n"
        f"Reproduce: `{COMMAND}` (needs the nine mirrors fetched under {MIRRORS}).\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run tasks whose instance_id contains this text")
    parser.add_argument("--exclude", help="skip tasks whose instance_id contains this text")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--dump", type=Path, help="write the rankings as JSON here")
    parser.add_argument("--from-dump", type=Path, help="report (and --write) a saved --dump")
    args = parser.parse_args(argv)
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    if args.from_dump:
        rows = json.loads(args.from_dump.read_text())
        if isinstance(rows, list):  # dumps made before the elapsed time was kept
            rows = {"elapsed": 0.0, "outcomes": rows}
        outcomes = [Outcome(**row) for row in rows["outcomes"]]
        body = report(outcomes, rows["elapsed"])
        print(body)
        if args.write:
            write_section(body)
        return 0
    tasks = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
    if args.only:
        tasks = [t for t in tasks if args.only in t["instance_id"]]
    if args.exclude:
        tasks = [t for t in tasks if args.exclude not in t["instance_id"]]
    started = time.perf_counter()
    outcomes = run(tasks, dump=args.dump)
    body = report(outcomes, time.perf_counter() - started)
    print(body)
    if args.write:
        write_section(body)
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
