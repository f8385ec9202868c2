from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from executor.environment import EnvSpec
from executor.evidence import Change, render_evidence
from executor.model import Limits, Outcome, RunResult, TestResult
from executor.runners import TestRun
from executor.verify import compare, verdict, verify
from tests.conftest import git
from tests.executor.test_environment import wheel

FILES = {
    "pyproject.toml": "[tool.pytest.ini_options]\n",
    "calc.py": "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n",
    "tests/test_calc.py": (
        "from calc import add, mul\n\n\n"
        "def test_add():\n    assert add(2, 3) == 5\n\n\n"
        "def test_mul():\n    assert mul(2, 3) == 6\n"
    ),
}
TESTS = ["tests/test_calc.py::test_add", "tests/test_calc.py::test_mul"]

# Context lines of a blank source line are a single space; "~" stands for it here.
FIX = """\
--- a/calc.py
+++ b/calc.py
@@ -1,5 +1,5 @@
 def add(a, b):
-    return a - b
+    return a + b
~
~
 def mul(a, b):
""".replace("~", " ")

FIX_AND_BREAK = """\
--- a/calc.py
+++ b/calc.py
@@ -1,6 +1,6 @@
 def add(a, b):
-    return a - b
+    return a + b
~
~
 def mul(a, b):
-    return a * b
+    return a ** b
""".replace("~", " ")

NOT_APPLYING = """\
--- a/calc.py
+++ b/calc.py
@@ -1,2 +1,2 @@
 def add(x, y):
-    return x - y
+    return x + y
"""


def changes(evidence) -> dict[str, Change]:  # type: ignore[no-untyped-def]
    return {row.id: row.change for row in evidence.tests}


def test_a_fixing_patch_is_verified_with_fail_to_pass(make_repo, tmp_path: Path) -> None:
    repo = make_repo(FILES)
    evidence = verify(repo, FIX, tests=TESTS, backend="bwrap", setup=None, cache_dir=tmp_path)
    assert evidence.verified, evidence.reason
    assert evidence.reason == "1 fail->pass, 1 pass->pass, 0 new passing"
    assert changes(evidence) == {TESTS[0]: Change.FIXED, TESTS[1]: Change.KEPT}
    assert (evidence.backend, evidence.isolated, evidence.runner) == ("bwrap", True, "pytest")
    assert evidence.patched_files == ("calc.py",)
    assert [c.phase for c in evidence.commands] == ["baseline", "patched"]
    assert (repo / "calc.py").read_text() == FILES["calc.py"]  # the user's tree is untouched

    data = evidence.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["verified"] is True and data["counts"] == {"fail->pass": 1, "pass->pass": 1}
    assert data["tests"][0] == {
        "id": TESTS[0], "before": "failed", "after": "passed", "change": "fail->pass",
        "target": True, "message": "",
    }  # fmt: skip
    assert render_evidence(evidence).startswith("VERIFIED: 1 fail->pass")


def test_the_baseline_is_cached_per_revision_and_test_set(make_repo, tmp_path: Path) -> None:
    repo = make_repo(FILES)
    verify(repo, FIX, tests=TESTS, backend="bwrap", setup=None, cache_dir=tmp_path)
    again = verify(repo, FIX, tests=TESTS, backend="bwrap", setup=None, cache_dir=tmp_path)
    assert again.verified
    assert [(c.phase, c.cached) for c in again.commands] == [
        ("baseline", True),
        ("patched", False),
    ]
    other = verify(repo, FIX, tests=TESTS[:1], backend="bwrap", setup=None, cache_dir=tmp_path)
    assert other.commands[0].cached is False


def test_a_regression_is_named_and_not_verified(make_repo, tmp_path: Path) -> None:
    repo = make_repo(FILES)
    evidence = verify(
        repo, FIX_AND_BREAK, tests=TESTS, backend="bwrap", setup=None, cache_dir=tmp_path
    )
    assert not evidence.verified
    assert evidence.reason == "regression: tests/test_calc.py::test_mul pass->fail"
    assert changes(evidence) == {TESTS[0]: Change.FIXED, TESTS[1]: Change.REGRESSED}
    broken = {row.id: row for row in evidence.tests}[TESTS[1]]
    assert (broken.before, broken.after) == (Outcome.PASSED, Outcome.FAILED)
    assert "assert 8 == 6" in broken.message


def test_an_empty_patch_is_not_verified(make_repo, tmp_path: Path) -> None:
    repo = make_repo(FILES)
    evidence = verify(repo, "  \n", tests=TESTS, backend="bwrap", setup=None, cache_dir=tmp_path)
    assert not evidence.verified
    assert evidence.reason == "empty patch"
    assert evidence.commands == () and evidence.tests == ()


def test_a_patch_that_does_not_apply_is_not_verified(make_repo, tmp_path: Path) -> None:
    repo = make_repo(FILES)
    evidence = verify(
        repo, NOT_APPLYING, tests=TESTS, backend="bwrap", setup=None, cache_dir=tmp_path
    )
    assert not evidence.verified
    assert evidence.reason.startswith("patch does not apply: ")
    assert "calc.py" in evidence.reason
    assert evidence.commands == ()


def test_a_target_that_still_fails_or_does_not_exist_blocks(make_repo, tmp_path: Path) -> None:
    repo = make_repo(FILES)
    patch = FIX.replace("return a + b", "return a * b")
    evidence = verify(repo, patch, tests=TESTS, backend="bwrap", setup=None, cache_dir=tmp_path)
    assert not evidence.verified
    assert evidence.reason == "target test not passing: tests/test_calc.py::test_add fail->fail"
    ghost = [*TESTS, "tests/test_calc.py::test_ghost"]
    evidence = verify(repo, FIX, tests=ghost, backend="bwrap", setup=None, cache_dir=tmp_path)
    assert not evidence.verified
    assert evidence.reason == "target test not found: tests/test_calc.py::test_ghost"


def test_a_module_that_fails_to_import_marks_its_tests_failing(make_repo, tmp_path: Path) -> None:
    files = {**FILES, "tests/test_new.py": "from calc import sub\n\n\ndef test_sub():\n"
             "    assert sub(3, 2) == 1\n"}  # fmt: skip
    repo = make_repo(files)
    patch = FIX + "@@ -6,0 +7,4 @@\n+\n+\n+def sub(a, b):\n+    return a - b\n"
    target = "tests/test_new.py::test_sub"
    evidence = verify(
        repo, patch, tests=[*TESTS, target], backend="bwrap", setup=None, cache_dir=tmp_path
    )
    assert evidence.verified, evidence.reason
    row = {row.id: row for row in evidence.tests}[target]
    assert (row.before, row.after, row.change) == (Outcome.ERROR, Outcome.PASSED, Change.FIXED)


def test_the_wider_suite_runs_after_the_targets_pass(make_repo, tmp_path: Path) -> None:
    files = {**FILES, "tests/test_other.py": "def test_other():\n    assert True\n"}
    repo = make_repo(files)
    evidence = verify(
        repo, FIX, tests=TESTS[:1], backend="bwrap", setup=None, wider=True, cache_dir=tmp_path
    )
    assert evidence.verified, evidence.reason
    assert [c.phase for c in evidence.commands][-2:] == ["baseline-wider", "patched-wider"]
    assert {row.id: row.target for row in evidence.tests} == {
        TESTS[0]: True,
        TESTS[1]: False,
        "tests/test_other.py::test_other": False,
    }


def test_without_ids_the_code_graph_chooses_the_tests(
    make_repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PATCHWRIGHT_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    repo = make_repo(FILES)
    evidence = verify(repo, FIX, backend="bwrap", setup=None, cache_dir=tmp_path / "cache")
    assert evidence.verified, evidence.reason
    row = {row.id: row for row in evidence.tests}[TESTS[0]]
    assert (row.change, row.target) == (Change.FIXED, True)
    assert "tests/test_calc.py::test_add" in evidence.commands[-1].argv
    # The index was built in the cache, of the revision, and the user's tree is untouched.
    assert git(repo, "status", "--porcelain", "--ignored") == ""
    assert not (repo / ".patchwright").exists()
    assert [p.name for p in (tmp_path / "cache" / "indexes").iterdir() if p.is_dir()] == [
        evidence.revision
    ]


def test_the_code_graph_reads_the_revision_not_the_working_tree(make_repo, tmp_path: Path) -> None:
    repo = make_repo(FILES)
    # Uncommitted: the working tree's test no longer calls add; the revision's does.
    (repo / "tests/test_calc.py").write_text("def test_add():\n    assert True\n")
    evidence = verify(repo, FIX, backend="bwrap", setup=None, cache_dir=tmp_path / "cache")
    assert evidence.verified, evidence.reason
    assert "tests/test_calc.py::test_add" in evidence.commands[-1].argv
    assert "tests/test_calc.py::test_mul" not in evidence.commands[-1].argv


def test_the_environment_is_built_from_the_unpatched_revision(make_repo, tmp_path: Path) -> None:
    repo = make_repo(
        {
            **FILES,
            "requirements.txt": "tinydep==1.0\n",
            "wheels/tinydep-1.0-py3-none-any.whl": wheel("tinydep", "1.0"),
            "wheels/tinydep-2.0-py3-none-any.whl": wheel("tinydep", "2.0"),
        }
    )
    # What a patch asks to install (and its build code) never runs with the network.
    patch = FIX + "--- a/requirements.txt\n+++ b/requirements.txt\n@@ -1 +1 @@\n"
    patch += "-tinydep==1.0\n+tinydep==2.0\n"
    spec = EnvSpec(
        install_project=False,
        requirements=("requirements.txt",),
        packages=(),
        pip_args=("--no-index", "--find-links", "wheels"),
    )
    evidence = verify(repo, patch, tests=TESTS, backend="bwrap", setup=spec, cache_dir=tmp_path)
    assert evidence.patched_files == ("calc.py", "requirements.txt")
    assert [c.phase for c in evidence.commands][:2] == ["setup", "setup"]
    venv = tmp_path / "envs" / evidence.environment
    installed = sorted(p.name for p in venv.glob("lib/python*/site-packages/tinydep-*"))
    assert installed == ["tinydep-1.0.dist-info"]
    assert evidence.notes == (
        "the patch changes requirements.txt: the environment was built from the unpatched "
        "revision (the patch's build code never runs with the network)",
    )
    assert "note: the patch changes requirements.txt" in render_evidence(evidence)


def table(
    before: dict[str, Outcome], after: dict[str, Outcome], ids: list[str]
) -> tuple[bool, str]:
    result = RunResult(("pytest",), "bwrap", 0, "", "", 1.0)
    rows = compare(
        [TestResult(i, o) for i, o in before.items()],
        [TestResult(i, o) for i, o in after.items()],
        ids,
        target=True,
    )
    run = TestRun(result, tuple(TestResult(i, o) for i, o in after.items()))
    return verdict(rows, run, whole_suite=not ids)


def test_a_target_turned_into_a_skip_is_not_verified() -> None:
    before = {"a": Outcome.FAILED, "b": Outcome.PASSED}
    after = {"a": Outcome.SKIPPED, "b": Outcome.PASSED}
    assert table(before, after, ["a", "b"]) == (False, "target test not passing: a skipped")
    after = {"a": Outcome.PASSED, "b": Outcome.PASSED}
    assert table(before, after, ["a", "b"]) == (True, "1 fail->pass, 1 pass->pass, 0 new passing")


def test_deleting_tests_that_passed_is_a_regression_over_the_whole_suite() -> None:
    before = {"a": Outcome.FAILED, "b": Outcome.PASSED, "c": Outcome.PASSED}
    assert table(before, {"c": Outcome.PASSED}, []) == (False, "regression: b missing")
    # A failing test the baseline already had stays excused over the whole suite.
    after = {"a": Outcome.FAILED, "b": Outcome.PASSED, "c": Outcome.PASSED}
    assert table(before, after, []) == (True, "0 fail->pass, 2 pass->pass, 0 new passing")


def test_the_baseline_cache_is_keyed_by_backend_and_limits(make_repo, tmp_path: Path) -> None:
    repo = make_repo(FILES)
    first = verify(repo, FIX, tests=TESTS, backend="bwrap", setup=None, cache_dir=tmp_path)
    assert first.commands[0].cached is False
    tighter = Limits(cpu_seconds=30)
    again = verify(
        repo, FIX, tests=TESTS, backend="bwrap", setup=None, cache_dir=tmp_path, limits=tighter
    )
    assert again.commands[0].cached is False


def test_a_broken_baseline_is_never_cached(make_repo, tmp_path: Path) -> None:
    # The report is unreadable: the baseline is an infrastructure failure, not an answer.
    conftest = (
        "def pytest_unconfigure(config):\n"
        "    if config.option.xmlpath:\n"
        "        open(config.option.xmlpath, 'w').write('<broken')\n"
    )
    repo = make_repo({**FILES, "conftest.py": conftest})
    for _ in range(2):
        evidence = verify(repo, FIX, tests=TESTS, backend="bwrap", setup=None, cache_dir=tmp_path)
        assert not evidence.verified
        assert evidence.commands[0].cached is False
    assert not (tmp_path / "baselines").exists()
    # Nor is one where no test ran at all.
    empty = make_repo({"pytest.ini": "[pytest]\n", "m.py": "x = 1\n"}, name="empty")
    patch = "--- a/m.py\n+++ b/m.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
    for _ in range(2):
        evidence = verify(empty, patch, backend="bwrap", setup=None, cache_dir=tmp_path)
        assert evidence.reason == "no test ran"
        assert evidence.commands[0].cached is False


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_a_runner_short_of_dependencies_says_so(make_repo, tmp_path: Path) -> None:
    manifest = '[package]\nname = "tiny"\nversion = "0.1.0"\nedition = "2021"\n'
    repo = make_repo({"Cargo.toml": manifest + '\n[dependencies]\nitoa = "1"\n',
                      "src/lib.rs": "pub fn f() -> i32 { 1 }\n"})  # fmt: skip
    patch = "--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -1 +1 @@\n-pub fn f() -> i32 { 1 }\n"
    patch += "+pub fn f() -> i32 { 2 }\n"
    evidence = verify(repo, patch, backend="bwrap", cache_dir=tmp_path)
    assert not evidence.verified
    assert evidence.notes == (
        "the cargo run seems to need dependencies that are not installed: cargo runs offline "
        "and fetches nothing (see docs/executor.md)",
    )
