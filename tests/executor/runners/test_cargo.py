from __future__ import annotations

import shutil

import pytest

from executor.environment import toolchain_environment
from executor.model import Limits, Outcome
from executor.runners import RUNNERS, detect_runner, run_tests
from executor.runners.cargo import parse_output
from executor.sandbox.bwrap import BwrapSandbox

LIBTEST_OUTPUT = """
running 4 tests
test parse::tests::reads_header ... ok
test parse::tests::rejects_empty - should panic ... ok
test net::tests::needs_network ... ignored
test parse::tests::reads_body ... FAILED

failures:

---- parse::tests::reads_body stdout ----
thread 'parse::tests::reads_body' panicked at src/parse.rs:40:9:
assertion `left == right` failed
  left: 3
 right: 4

failures:
    parse::tests::reads_body

test result: FAILED. 2 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out

running 1 test
test it_works ... ok
"""

CRATE = {
    "Cargo.toml": '[package]\nname = "tiny"\nversion = "0.1.0"\nedition = "2021"\n',
    "src/lib.rs": (
        "pub fn add(a: i32, b: i32) -> i32 { a + b }\n"
        "#[cfg(test)]\nmod tests {\n    use super::*;\n"
        "    #[test] fn adds() { assert_eq!(add(1, 2), 3); }\n"
        '    #[test] fn wrong() { assert_eq!(add(1, 2), 4, "math"); }\n'
        "    #[test] #[ignore] fn slow() {}\n}\n"
    ),
}


def test_libtest_lines_become_results_with_messages() -> None:
    results = {r.id: r for r in parse_output(LIBTEST_OUTPUT)}
    assert {k: r.outcome for k, r in results.items()} == {
        "it_works": Outcome.PASSED,
        "net::tests::needs_network": Outcome.SKIPPED,
        "parse::tests::reads_body": Outcome.FAILED,
        "parse::tests::reads_header": Outcome.PASSED,
        "parse::tests::rejects_empty": Outcome.PASSED,
    }
    assert "left: 3" in results["parse::tests::reads_body"].message


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_real_cargo_test_in_bwrap(make_repo) -> None:
    repo = make_repo(CRATE)
    runner = detect_runner(repo)
    assert runner is RUNNERS["cargo"]
    environment = toolchain_environment("cargo")
    run = run_tests(runner, BwrapSandbox(), repo, environment, (), Limits())
    assert {r.id: r.outcome for r in run.tests} == {
        "tests::adds": Outcome.PASSED,
        "tests::slow": Outcome.SKIPPED,
        "tests::wrong": Outcome.FAILED,
    }
    only = run_tests(runner, BwrapSandbox(), repo, environment, ["tests::adds"], Limits())
    assert {r.id: r.outcome for r in only.tests} == {"tests::adds": Outcome.PASSED}
