"""What a repository's past commits say: which files were changed for which words.

An issue about "doit() of an identity matrix" is often best localized by the commit that
once said "Fix doit() for Identity and ZeroMatrix": its message shares the issue's words
where the code may not, and the files it changed are where such bugs live. `History`
ranks past commits by BM25 between their messages and a query and turns the best ones
into file scores, each with the commit's subject as the reason.

Only commits reachable from the revision asked for are read, newest first, bounded in
number and output size; merges and sweeping commits (many files: renames, reformatting)
say nothing about one bug and are left out. A read is cached as JSON in the index's data
directory, keyed by the commit id it was read at.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from codegraph.errors import HistoryError
from codegraph.tokens import tokenize

log = logging.getLogger("codegraph")

MAX_COMMITS = 50_000
MAX_LOG_BYTES = 256 * 1024 * 1024
MAX_MESSAGE_CHARS = 4_000
MAX_PATHS = 20  # a commit changing more files than this is a sweep, not a fix
TIMEOUT_SECONDS = 120.0
TOP_COMMITS = 30
_CACHE_VERSION = 1
_RECORD, _FIELD = "\x1e", "\x1f"


@dataclass(frozen=True, slots=True)
class Commit:
    """One past commit: its id, subject line, message words and the paths it changed."""

    sha: str
    subject: str
    words: tuple[str, ...]
    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FileEvidence:
    """A file's history score for a query and the subject of the commit that gave most."""

    path: str
    score: float
    subject: str


class History:
    """BM25 over commit messages; built once per repository state."""

    def __init__(self, commits: Sequence[Commit]) -> None:
        self.commits = tuple(c for c in commits if c.words and c.paths)
        self._bm25 = bm25s.BM25()
        if self.commits:
            self._bm25.index([list(c.words) for c in self.commits], show_progress=False)

    def __len__(self) -> int:
        return len(self.commits)

    def files(self, query: Sequence[str], *, top: int = TOP_COMMITS) -> list[FileEvidence]:
        """Files changed by the `top` commits whose messages best match `query`, best first.

        A commit gives each of its files its BM25 score (relative to the best commit's)
        divided by the square root of how many files it changed."""
        words = list(dict.fromkeys(query))
        if not self.commits or not words:
            return []
        scores: np.ndarray[Any, Any] = self._bm25.get_scores(words)
        order = np.argsort(-scores, kind="stable")[:top]
        best = float(scores[order[0]]) if len(order) else 0.0
        if best <= 0:
            return []
        totals: dict[str, float] = {}
        reason: dict[str, tuple[float, str]] = {}
        for position in order:
            value = float(scores[position]) / best
            if value <= 0:
                break
            commit = self.commits[int(position)]
            for path in commit.paths:
                share = value / math.sqrt(len(commit.paths))
                totals[path] = totals.get(path, 0.0) + share
                if share > reason.get(path, (0.0, ""))[0]:
                    reason[path] = (share, commit.subject)
        ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
        return [FileEvidence(path, score, reason[path][1]) for path, score in ranked]


def parse_log(text: str) -> list[Commit]:
    """Commits from `git log --name-only` output in the format `read_history` asks for."""
    commits: list[Commit] = []
    for record in text.split(_RECORD)[1:]:
        fields = record.split(_FIELD)
        if len(fields) != 4:
            continue
        sha, subject, body, names = fields
        paths = tuple(dict.fromkeys(p for p in names.splitlines() if p.strip()))
        if not paths or len(paths) > MAX_PATHS:
            continue
        message = f"{subject}\n{body}"[:MAX_MESSAGE_CHARS]
        commits.append(Commit(sha.strip(), subject.strip()[:200], tuple(tokenize(message)), paths))
    return commits


def _git(root: Path, git_dir: Path | None, *args: str) -> list[str]:
    base = ["git", "--git-dir", str(git_dir)] if git_dir is not None else ["git", "-C", str(root)]
    return [*base, "-c", "core.quotepath=off", *args]


def head_commit(root: Path, *, rev: str = "HEAD", git_dir: Path | None = None) -> str:
    """The commit id `rev` names; `HistoryError` when there is none."""
    if rev.startswith("-"):
        raise HistoryError(f"not a revision: {rev!r}")
    done = subprocess.run(
        _git(root, git_dir, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    sha = done.stdout.strip()
    if done.returncode != 0 or len(sha) not in (40, 64):
        raise HistoryError(f"no commit {rev!r} in {git_dir or root}")
    return sha


def read_history(
    root: str | Path,
    *,
    rev: str = "HEAD",
    git_dir: str | Path | None = None,
    max_commits: int = MAX_COMMITS,
) -> History:
    """The history reachable from `rev` in `root`'s repository (or in `git_dir`)."""
    return History(_read_commits(Path(root), rev, Path(git_dir) if git_dir else None, max_commits))


def _read_commits(root: Path, rev: str, git_dir: Path | None, max_commits: int) -> list[Commit]:
    sha = head_commit(root, rev=rev, git_dir=git_dir)
    command = _git(
        root,
        git_dir,
        "log",
        "--no-merges",
        "--name-only",
        f"--max-count={max(1, max_commits)}",
        f"--format={_RECORD}%H{_FIELD}%s{_FIELD}%b{_FIELD}",
        sha,
    )
    try:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as git:
            # A log that never ends (a hung filesystem, a huge repository) is cut off.
            timer = threading.Timer(TIMEOUT_SECONDS, git.kill)
            timer.start()
            try:
                assert git.stdout is not None
                data = git.stdout.read(MAX_LOG_BYTES)
            finally:
                timer.cancel()
                git.kill()
                git.wait()
    except OSError as exc:
        raise HistoryError(f"cannot read the history of {git_dir or root}: {exc}") from exc
    text = data.decode("utf-8", errors="replace")
    if len(data) >= MAX_LOG_BYTES:
        text = text[: text.rfind(_RECORD)]  # the last record may be cut short
    return parse_log(text)


def cached_history(root: str | Path, cache_dir: str | Path, *, rev: str = "HEAD") -> History:
    """`read_history` of `root` at `rev`, kept in `cache_dir` keyed by the commit id, so
    that only the first query after a commit reads the log."""
    base, directory = Path(root), Path(cache_dir)
    sha = head_commit(base, rev=rev)
    path = directory / f"history-{sha}.json"
    commits = _load(path)
    if commits is None:
        commits = _read_commits(base, sha, None, MAX_COMMITS)
        _save(directory, path, commits)
    return History(commits)


def repository_history(
    root: str | Path, *, data_dir: str | Path | None = None, rev: str = "HEAD"
) -> History:
    """`cached_history` of `root`, kept beside its index (in `data_dir` when given)."""
    from codegraph.store import data_dir_for

    base = Path(root)
    return cached_history(base, data_dir_for(base, data_dir) / "history", rev=rev)


def _load(path: Path) -> list[Commit] | None:
    try:
        if path.is_symlink() or path.stat().st_size > MAX_LOG_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != _CACHE_VERSION:
            return None
        return [
            Commit(str(sha), str(subject), tuple(map(str, words)), tuple(map(str, paths)))
            for sha, subject, words, paths in data["commits"]
        ]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # absent or damaged: read the log again


def _save(directory: Path, path: Path, commits: Sequence[Commit]) -> None:
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob("history-*.json"):
            old.unlink(missing_ok=True)
        body = {
            "version": _CACHE_VERSION,
            "commits": [[c.sha, c.subject, list(c.words), list(c.paths)] for c in commits],
        }
        partial.write_text(json.dumps(body, separators=(",", ":")), encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        # A cache that cannot be written costs time, not correctness; leave no half file.
        log.debug("history cache not written: %s", exc)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
