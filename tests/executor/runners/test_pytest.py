from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from executor.environment import host_environment
from executor.errors import RunnerError
from executor.model import Limits, Outcome, RunResult
from executor.runners import REPORT_ID, RUNNERS, run_tests
from executor.runners.pytest import PytestRunner, node_id, summary_results
from executor.sandbox.base import Sandbox
from executor.sandbox.bwrap import BwrapSandbox

TESTS = """\
import unittest

import pytest


@pytest.mark.parametrize("x", [1, "a - b", "c::d"])
def test_param(x):
    assert x != 1


class TestGroup:
    def test_ok(self):
        pass

    @pytest.mark.skip(reason="not here")
    def test_skipped(self):
        pass

    class TestInner:
        def test_deep(self):
            pass


class Plain(unittest.TestCase):
    def test_equal(self):
        self.assertEqual(1, 2)


@pytest.mark.xfail
def test_expected_failure():
    assert False
"""


def sandbox() -> Sandbox:
    return BwrapSandbox()


def outcomes(results: Sequence[object]) -> dict[str, Outcome]:
    return {r.id: r.outcome for r in results}  # type: ignore[attr-defined]


def test_real_run_maps_every_kind_of_test_to_its_node_id(make_repo) -> None:
    repo = make_repo(
        {
            "pyproject.toml": "[tool.pytest.ini_options]\n",
            "tests/unit/test_a.py": TESTS,
            "tests/test_broken.py": "import not_a_module\n",
        }
    )
    run = run_tests(RUNNERS["pytest"], sandbox(), repo, host_environment(), (), Limits())
    assert outcomes(run.tests) == {
        "tests/test_broken.py": Outcome.ERROR,
        "tests/unit/test_a.py::Plain::test_equal": Outcome.FAILED,
        "tests/unit/test_a.py::TestGroup::TestInner::test_deep": Outcome.PASSED,
        "tests/unit/test_a.py::TestGroup::test_ok": Outcome.PASSED,
        "tests/unit/test_a.py::TestGroup::test_skipped": Outcome.SKIPPED,
        "tests/unit/test_a.py::test_expected_failure": Outcome.SKIPPED,
        "tests/unit/test_a.py::test_param[1]": Outcome.FAILED,
        "tests/unit/test_a.py::test_param[a - b]": Outcome.PASSED,
        "tests/unit/test_a.py::test_param[c::d]": Outcome.PASSED,
    }
    failed = {r.id: r for r in run.tests}["tests/unit/test_a.py::test_param[1]"]
    assert "assert 1 != 1" in failed.message
    assert "not_a_module" in {r.id: r for r in run.tests}["tests/test_broken.py"].message


def test_ids_that_name_nothing_are_reported_and_the_rest_still_run(make_repo) -> None:
    repo = make_repo({"test_x.py": "def test_a():\n    pass\n"})
    ids = ("test_x.py::test_a", "test_x.py::test_gone")
    run = run_tests(RUNNERS["pytest"], sandbox(), repo, host_environment(), ids, Limits())
    assert outcomes(run.tests) == {
        "test_x.py::test_a": Outcome.PASSED,
        "test_x.py::test_gone": Outcome.ERROR,
    }


def test_summary_lines_are_the_fallback_when_no_xml_was_written(tmp_path: Path) -> None:
    stdout = (
        "=========================== short test summary info ============================\n"
        "PASSED tests/test_a.py::test_one\n"
        "PASSED tests/test_a.py::test_p[x - y]\n"
        "SKIPPED [1] tests/test_a.py:12: no network\n"
        "XFAIL tests/test_a.py::test_known - bug 12\n"
        "ERROR tests/test_b.py - ModuleNotFoundError: No module named 'nope'\n"
        "FAILED tests/test_a.py::TestK::test_two[1-2] - assert 1 == 2\n"
        "=================== 1 failed, 2 passed, 1 error in 0.05s ===================\n"
    )
    result = RunResult(("python",), "bwrap", 1, stdout, "", 0.1)
    parsed = PytestRunner().parse(tmp_path / "absent.xml", result, root=tmp_path)
    assert [(r.id, r.outcome, r.message) for r in parsed] == [
        ("tests/test_a.py::TestK::test_two[1-2]", Outcome.FAILED, "assert 1 == 2"),
        ("tests/test_a.py::test_known", Outcome.SKIPPED, "bug 12"),
        ("tests/test_a.py::test_one", Outcome.PASSED, ""),
        ("tests/test_a.py::test_p[x - y]", Outcome.PASSED, ""),
        ("tests/test_b.py", Outcome.ERROR, "ModuleNotFoundError: No module named 'nope'"),
    ]
    assert summary_results("no summary here\nPASSED a.py::b\n") == []


def test_junit_names_map_back_through_the_files_that_exist(tmp_path: Path) -> None:
    (tmp_path / "pkg.v2" / "tests").mkdir(parents=True)
    (tmp_path / "pkg.v2" / "tests" / "test_m.py").write_text("")
    (tmp_path / "test_top.py").write_text("")
    assert node_id("test_top", "test_f[a.b]", tmp_path) == "test_top.py::test_f[a.b]"
    assert (
        node_id("test_top.TestA.TestB", "test_g", tmp_path) == "test_top.py::TestA::TestB::test_g"
    )
    assert node_id("pkg.v2.tests.test_m.T", "t", tmp_path) == "pkg.v2/tests/test_m.py::T::t"
    assert node_id("", "test_top", tmp_path) == "test_top.py"
    assert node_id("gone.mod", "t", tmp_path) == "gone.mod::t"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pytest.ini": "[pytest]\n"}, True),
        ({"tox.ini": "[tox]\nenvlist = py311\n"}, True),
        ({"setup.cfg": "[tool:pytest]\n"}, True),
        ({"pyproject.toml": "[project]\nname = 'x'\n"}, True),
        ({"pyproject.toml": "[tool.black]\n"}, False),
        ({"tests/test_x.py": "def test_a(): pass\n"}, True),
        ({"go.mod": "module example.com/m\n"}, False),
        ({"README.md": "hello\n"}, False),
    ],
)
def test_detect(tmp_path: Path, files: Mapping[str, str], expected: bool) -> None:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    assert PytestRunner().detect(tmp_path) is expected


def test_command_asks_for_junit_and_keeps_going_past_collection_errors(tmp_path: Path) -> None:
    argv = PytestRunner().command(tmp_path, ["t.py::a"], tmp_path / "r.xml")
    assert argv[:3] == ["python", "-m", "pytest"]
    assert "--continue-on-collection-errors" in argv
    assert f"--junitxml={tmp_path / 'r.xml'}" in argv
    assert argv[-1] == "t.py::a"


SWAP_REPORT = """\
import atexit, os, sys


def _swap():
    for arg in sys.argv:
        if arg.startswith("--junitxml="):
            path = arg.split("=", 1)[1]
            if os.path.lexists(path):
                os.remove(path)
            os.symlink("/etc/passwd", path)


atexit.register(_swap)
"""


def test_a_report_swapped_for_a_symlink_is_refused(make_repo) -> None:
    repo = make_repo({"conftest.py": SWAP_REPORT, "test_x.py": "def test_a():\n    pass\n"})
    run = run_tests(RUNNERS["pytest"], sandbox(), repo, host_environment(), (), Limits())
    (only,) = run.tests
    assert (only.id, only.outcome) == (REPORT_ID, Outcome.ERROR)
    assert "cannot read test report" in only.message
    assert "root:" not in only.message


def test_a_committed_patchwright_symlink_is_not_followed(make_repo, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = make_repo({"test_x.py": "def test_a():\n    pass\n"})
    (repo / ".patchwright").symlink_to(outside)
    run = run_tests(RUNNERS["pytest"], sandbox(), repo, host_environment(), (), Limits())
    assert outcomes(run.tests) == {"test_x.py::test_a": Outcome.PASSED}
    assert list(outside.iterdir()) == []
    assert (repo / ".patchwright").is_dir() and not (repo / ".patchwright").is_symlink()


def test_an_id_in_a_module_that_fails_to_import_gets_the_import_error(make_repo) -> None:
    repo = make_repo(
        {
            "test_ok.py": "def test_a():\n    pass\n",
            "test_new.py": "from nowhere import thing\n\n\ndef test_b():\n    pass\n",
        }
    )
    ids = ("test_ok.py::test_a", "test_new.py::test_b")
    run = run_tests(RUNNERS["pytest"], sandbox(), repo, host_environment(), ids, Limits())
    results = {r.id: r for r in run.tests}
    assert results["test_ok.py::test_a"].outcome is Outcome.PASSED
    assert results["test_new.py::test_b"].outcome is Outcome.ERROR
    assert "nowhere" in results["test_new.py::test_b"].message


def test_a_rootdir_outside_the_workspace_is_never_used(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.py").write_text("")
    workspace = tmp_path / "ws"
    (workspace / "sub").mkdir(parents=True)
    (workspace / "sub" / "evil.py").write_text("")
    report = tmp_path / "report.xml"
    report.write_text(
        '<testsuites><testsuite name="pytest"><testcase classname="evil" name="test_x"/>'
        "</testsuite></testsuites>"
    )
    for printed, expected in [
        (outside, "evil::test_x"),
        (workspace / "sub/../../outside", "evil::test_x"),
        (workspace / "sub", "evil.py::test_x"),
    ]:
        result = RunResult(("pytest",), "bwrap", 0, f"rootdir: {printed}\n", "", 1.0)
        found = PytestRunner().parse(report, result, root=workspace)
        assert [t.id for t in found] == [expected], printed


def test_huge_or_special_config_files_are_bounded(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\n" + "# pad\n" * 300_000)
    with pytest.raises(RunnerError, match=r"^pyproject.toml is larger than 1 MB$"):
        PytestRunner().detect(tmp_path)
    (tmp_path / "pyproject.toml").unlink()
    os.mkfifo(tmp_path / "pyproject.toml")  # a read would block forever
    (tmp_path / "setup.cfg").symlink_to("/dev/zero")  # a read would never end
    assert not PytestRunner().detect(tmp_path)
    (tmp_path / "setup.cfg").unlink()
    (tmp_path / "setup.cfg").write_text("[tool:pytest]\n")
    assert PytestRunner().detect(tmp_path)
