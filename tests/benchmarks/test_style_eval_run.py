"""Leave-one-out evaluation on a small, perfectly consistent project."""

from __future__ import annotations

from pathlib import Path

from benchmarks.style_eval_metrics import summary
from benchmarks.style_eval_run import (
    INJECTORS,
    choose_heldout,
    evaluate_project,
    excluded,
    window,
)
from tests.conftest import MakeRepo

MODULE = '''"""Module {n}."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def handle_{n}(name: str, count: int) -> str:
    """Handle a request.

    Args:
        name: Who asks.
        count: How often.
    """
    logger.info("handling %s", name)
    label = "request"
    return f"{{label}} {{name}}-{{count}}"
'''

TEST_MODULE = '''"""Tests {n}."""

from __future__ import annotations

from pkg.mod{n} import handle_{n}


def test_handle_{n}() -> None:
    assert handle_{n}("a", 1) == "request a-1"
'''


def _project(make_repo: MakeRepo) -> tuple[Path, dict[str, str]]:
    texts = {f"pkg/mod{n}.py": MODULE.format(n=n) for n in range(40)}
    texts.update({f"tests/test_mod{n}.py": TEST_MODULE.format(n=n) for n in range(40)})
    return make_repo(texts), texts


def test_consistent_project_scores_perfectly(make_repo: MakeRepo) -> None:
    root, texts = _project(make_repo)
    tally = evaluate_project("fixture", "0", root, texts, max_heldout=None, seed=0)
    row = summary(tally)
    assert (row["files"], row["heldout"]) == (80, 80)
    assert row["accuracy"] == 1.0
    assert row["per_convention"]["quotes"]["committed"] == 80
    assert row["false_alarm_rate"] == 0.0
    assert row["window_false_alarm_rate"] == 0.0
    assert tally.injected["quotes"] == 80
    assert tally.detected["quotes"] == 80
    assert tally.detected["strip_annotations"] == tally.injected["strip_annotations"] == 40
    assert tally.detected["print_for_logger"] == tally.injected["print_for_logger"] == 40
    assert tally.detected["percent_format"] == tally.injected["percent_format"] == 40
    assert tally.alarms == []
    assert row["baseline"]["false_alarm_rate"] == 0.0


def test_heldout_cap_learns_from_all_files_but_scores_a_sample(make_repo: MakeRepo) -> None:
    root, texts = _project(make_repo)
    tally = evaluate_project("fixture", "0", root, texts, max_heldout=5, seed=1)
    assert (tally.files, tally.heldout) == (80, 5)


def test_files_the_profiler_does_not_govern_are_not_held_out(make_repo: MakeRepo) -> None:
    root, texts = _project(make_repo)
    texts = {**texts, "pkg/_vendor/six.py": "x = 'single'\n", "tests/data/case.py": "y = 1\n"}
    tally = evaluate_project("fixture", "0", root, texts, max_heldout=None, seed=0)
    assert (tally.files, tally.heldout) == (82, 80)
    assert sum(tally.skipped.values()) == 2


def test_window_and_sampling_are_deterministic() -> None:
    source = "x = 1\n" * 100
    lines = window("a.py", source, seed=0)
    assert len(lines) == 20
    assert max(lines) - min(lines) == 19
    assert lines == window("a.py", source, seed=0)
    assert window("b.py", "x = 1\n" * 5, seed=0) == frozenset(range(1, 6))
    paths = [f"m{n}.py" for n in range(30)]
    assert choose_heldout(paths, 5, 2) == choose_heldout(list(reversed(paths)), 5, 2)
    assert choose_heldout(paths, None, 0) == sorted(paths)


def test_every_injector_names_the_convention_it_breaks() -> None:
    assert len({spec.name for spec in INJECTORS}) == len(INJECTORS) >= 6
    for spec in INJECTORS:
        assert spec.key in spec.detects
        assert spec.plans


def test_exclusion_matches_the_profilers_including_black_regexes() -> None:
    patterns = ("gen/", "re:/(\n  tests/data/\n  | profiling/\n)")
    assert excluded(patterns, "profiling/mixed.py")
    assert excluded(patterns, "gen/a.py")
    assert not excluded(patterns, "src/black/linegen.py")
    assert not excluded((), "src/black/linegen.py")
