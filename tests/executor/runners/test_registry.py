from __future__ import annotations

import pytest

from executor.errors import RunnerError
from executor.runners import RUNNERS, detect_runner


def test_detects_each_kind_of_repository(make_repo) -> None:
    python = make_repo({"setup.py": "from setuptools import setup\nsetup()\n"}, name="py")
    rust = make_repo({"Cargo.toml": "[package]\nname = 'x'\n"}, name="rs")
    assert detect_runner(python) is RUNNERS["pytest"]
    assert detect_runner(rust) is RUNNERS["cargo"]
    assert RUNNERS["gotest"].detect(make_repo({"go.mod": "module m\n"}, name="go"))
    assert RUNNERS["npm"].detect(
        make_repo({"package.json": '{"scripts": {"test": "jest"}}'}, name="js")
    )


def test_nothing_detected_or_unknown_name_is_a_clear_error(make_repo) -> None:
    repo = make_repo({"README.md": "docs only\n"})
    with pytest.raises(RunnerError, match="no test runner detected"):
        detect_runner(repo)
    with pytest.raises(RunnerError, match="unknown test runner 'maven'"):
        detect_runner(repo, "maven")
