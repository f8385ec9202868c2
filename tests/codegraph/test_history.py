from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegraph.errors import HistoryError
from codegraph.find import find
from codegraph.history import (
    MAX_PATHS,
    cached_history,
    head_commit,
    parse_log,
    read_history,
)
from codegraph.index import build_index
from tests.conftest import MakeRepo, git, write_files

FILES = {
    "geo/__init__.py": "",
    "geo/shapes.py": "def area(w, h):\n    return w * h\n",
    "geo/units.py": "def convert(value, unit):\n    return value\n",
    "geo/render.py": "def draw(shape):\n    return str(shape)\n",
}


def _commit(root: Path, message: str, files: dict[str, str]) -> None:
    write_files(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def _repo(make_repo: MakeRepo) -> Path:
    root = make_repo(FILES)
    _commit(
        root,
        "Fix rounding of metres when converting imperial lengths",
        {"geo/units.py": "def convert(value, unit):\n    return round(value, 3)\n"},
    )
    _commit(root, "Draw shapes with outlines", {"geo/render.py": "def draw(s):\n    return s\n"})
    return root


def test_history_ranks_the_files_of_commits_whose_messages_match(make_repo: MakeRepo) -> None:
    history = read_history(_repo(make_repo))

    assert len(history) == 3  # "initial" changes files too
    evidence = history.files(["metr", "convert", "imperial"])
    assert [e.path for e in evidence] == ["geo/units.py"]
    assert evidence[0].subject == "Fix rounding of metres when converting imperial lengths"
    assert history.files(["unrelated", "words"]) == []
    assert history.files([]) == []


def test_find_uses_history_to_rank_a_file_the_code_does_not_name(make_repo: MakeRepo) -> None:
    root = _repo(make_repo)
    index = build_index(root)
    text = "Imperial lengths come out with too many digits"

    without = find(index, text, limit=5)
    with_history = find(index, text, limit=5, history=read_history(root))

    assert "geo/units.py" not in [h.path for h in without.files]
    top = with_history.files[0]
    assert top.path == "geo/units.py"
    assert "history: Fix rounding of metres when converting imperial lengths" in top.reasons


def test_history_stops_at_the_revision_asked_for(make_repo: MakeRepo) -> None:
    root = _repo(make_repo)
    first = git(root, "rev-list", "--max-parents=0", "HEAD").strip()

    history = read_history(root, rev=first)

    assert len(history) == 1
    assert history.files(["metr", "imperial"]) == []


def test_sweeping_commits_and_merges_are_left_out() -> None:
    many = "\n".join(f"f{i}.py" for i in range(MAX_PATHS + 1))
    log = (
        "\x1eaaa\x1fFix one\x1fbody words\x1f\n\na.py\nb.py\n"
        f"\x1ebbb\x1fReformat everything\x1f\x1f\n\n{many}\n"
        "\x1eccc\x1fNo files\x1f\x1f\n"
        "\x1ebroken record"
    )

    commits = parse_log(log)

    assert [(c.sha, c.subject, c.paths) for c in commits] == [("aaa", "Fix one", ("a.py", "b.py"))]
    assert "body" in commits[0].words


def test_bad_repositories_and_revisions_are_history_errors(
    tmp_path: Path, make_repo: MakeRepo
) -> None:
    with pytest.raises(HistoryError, match="no commit"):
        read_history(tmp_path)
    root = _repo(make_repo)
    with pytest.raises(HistoryError, match="no commit 'nope'"):
        read_history(root, rev="nope")
    with pytest.raises(HistoryError, match="not a revision"):
        head_commit(root, rev="--all")


def test_cached_history_is_read_once_per_commit_and_survives_damage(
    tmp_path: Path, make_repo: MakeRepo
) -> None:
    root = _repo(make_repo)
    cache = tmp_path / "cache"

    first = cached_history(root, cache)
    files = list(cache.glob("history-*.json"))
    assert [f.name for f in files] == [f"history-{head_commit(root)}.json"]
    saved = json.loads(files[0].read_text())
    assert len(saved["commits"]) == len(first)

    files[0].write_text("{not json")
    assert len(cached_history(root, cache)) == len(first)  # damaged: read again

    _commit(root, "Speed up area", {"geo/shapes.py": "def area(w, h):\n    return h * w\n"})
    again = cached_history(root, cache)
    assert len(again) == len(first) + 1
    assert [f.name for f in cache.glob("history-*.json")] == [
        f"history-{head_commit(root)}.json"
    ]  # the stale cache is gone


def test_a_cache_that_cannot_be_written_costs_only_time(
    tmp_path: Path, make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(make_repo)
    cache = tmp_path / "cache"

    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("codegraph.history.os.replace", full_disk)
    history = cached_history(root, cache)
    assert len(history) == len(read_history(root))
    assert list(cache.iterdir()) == []  # the half-written file is gone too
