from __future__ import annotations

from pathlib import Path

from executor.model import Outcome
from executor.runners.gotest import GoTestRunner, parse_events

# Recorded from `go test -json ./...` (go 1.22) on a module with a broken package.
EVENTS = """\  # noqa: E501
{"Action":"start","Package":"example.com/m/calc"}
{"Action":"run","Package":"example.com/m/calc","Test":"TestAdd"}
{"Action":"output","Package":"example.com/m/calc","Test":"TestAdd","Output":"=== RUN   TestAdd\\n"}
{"Action":"pass","Package":"example.com/m/calc","Test":"TestAdd","Elapsed":0.01}
{"Action":"run","Package":"example.com/m/calc","Test":"TestDiv"}
{"Action":"run","Package":"example.com/m/calc","Test":"TestDiv/by_zero"}
{"Action":"output","Package":"example.com/m/calc","Test":"TestDiv/by_zero","Output":"    calc_test.go:21: want error, got nil\\n"}
{"Action":"fail","Package":"example.com/m/calc","Test":"TestDiv/by_zero","Elapsed":0}
{"Action":"fail","Package":"example.com/m/calc","Test":"TestDiv","Elapsed":0}
{"Action":"run","Package":"example.com/m/calc","Test":"TestSlow"}
{"Action":"skip","Package":"example.com/m/calc","Test":"TestSlow","Elapsed":0}
{"Action":"fail","Package":"example.com/m/calc","Elapsed":0.02}
{"Action":"output","Package":"example.com/m/broken","Output":"broken.go:3:1: syntax error\\n"}
{"Action":"fail","Package":"example.com/m/broken","Elapsed":0}
not json at all
"""


def test_events_become_per_test_results() -> None:
    results = {r.id: r for r in parse_events(EVENTS)}
    assert {k: r.outcome for k, r in results.items()} == {
        "example.com/m/broken": Outcome.ERROR,
        "example.com/m/calc.TestAdd": Outcome.PASSED,
        "example.com/m/calc.TestDiv": Outcome.FAILED,
        "example.com/m/calc.TestDiv/by_zero": Outcome.FAILED,
        "example.com/m/calc.TestSlow": Outcome.SKIPPED,
    }
    assert "want error" in results["example.com/m/calc.TestDiv/by_zero"].message
    assert "syntax error" in results["example.com/m/broken"].message


def test_command_selects_tests_by_package_and_name(tmp_path: Path) -> None:
    runner = GoTestRunner()
    (tmp_path / "go.mod").write_text("module example.com/m\n")
    assert runner.detect(tmp_path)
    argv = runner.command(tmp_path, ["example.com/m/calc.TestDiv/by_zero"], tmp_path / "r")
    assert argv[argv.index("go") :] == [
        "go", "test", "-json", "-run", "^(TestDiv)$", "example.com/m/calc",
    ]  # fmt: skip
    assert runner.command(tmp_path, [], tmp_path / "r")[-1] == "./..."
