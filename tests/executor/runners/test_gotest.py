from __future__ import annotations

from pathlib import Path

from executor.model import Outcome
from executor.runners.gotest import GoTestRunner, parse_events

# Recorded from `go test -json ./...` (go 1.22) on a module with a broken package.
EVENTS = """\
{"Action":"start","Package":"ex.io/calc"}
{"Action":"run","Package":"ex.io/calc","Test":"TestAdd"}
{"Action":"output","Package":"ex.io/calc","Test":"TestAdd","Output":"=== RUN   TestAdd\\n"}
{"Action":"pass","Package":"ex.io/calc","Test":"TestAdd","Elapsed":0.01}
{"Action":"run","Package":"ex.io/calc","Test":"TestDiv"}
{"Action":"run","Package":"ex.io/calc","Test":"TestDiv/by_zero"}
{"Action":"output","Package":"ex.io/calc","Test":"TestDiv/by_zero","Output":"want err\\n"}
{"Action":"fail","Package":"ex.io/calc","Test":"TestDiv/by_zero","Elapsed":0}
{"Action":"fail","Package":"ex.io/calc","Test":"TestDiv","Elapsed":0}
{"Action":"run","Package":"ex.io/calc","Test":"TestSlow"}
{"Action":"skip","Package":"ex.io/calc","Test":"TestSlow","Elapsed":0}
{"Action":"fail","Package":"ex.io/calc","Elapsed":0.02}
{"Action":"output","Package":"ex.io/broken","Output":"broken.go:3:1: syntax error\\n"}
{"Action":"fail","Package":"ex.io/broken","Elapsed":0}
not json at all
"""


def test_events_become_per_test_results() -> None:
    results = {r.id: r for r in parse_events(EVENTS)}
    assert {k: r.outcome for k, r in results.items()} == {
        "ex.io/broken": Outcome.ERROR,
        "ex.io/calc.TestAdd": Outcome.PASSED,
        "ex.io/calc.TestDiv": Outcome.FAILED,
        "ex.io/calc.TestDiv/by_zero": Outcome.FAILED,
        "ex.io/calc.TestSlow": Outcome.SKIPPED,
    }
    assert "want err" in results["ex.io/calc.TestDiv/by_zero"].message
    assert "syntax error" in results["ex.io/broken"].message


def test_command_selects_tests_by_package_and_name(tmp_path: Path) -> None:
    runner = GoTestRunner()
    (tmp_path / "go.mod").write_text("module example.com/m\n")
    assert runner.detect(tmp_path)
    argv = runner.command(tmp_path, ["ex.io/calc.TestDiv/by_zero"], tmp_path / "r")
    assert argv[argv.index("go") :] == [
        "go", "test", "-json", "-run", "^(TestDiv)$", "ex.io/calc",
    ]  # fmt: skip
    assert runner.command(tmp_path, [], tmp_path / "r")[-1] == "./..."
