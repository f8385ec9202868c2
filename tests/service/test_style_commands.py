from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli import main
from tests.conftest import MakeRepo, git
from tests.style.conftest import typed_repo_files

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def repo(make_repo: MakeRepo) -> Path:
    return make_repo(typed_repo_files(30, tests=3))


def test_style_json_lists_conventions_and_abstentions(repo: Path, capsys: Capture) -> None:
    assert main(["style", str(repo), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["files"] == 33
    quotes = next(c for c in data["conventions"] if c["name"] == "quotes")
    assert {k: quotes[k] for k in ("value", "scope", "declared", "enforced", "abstained")} == {
        "value": "double",
        "scope": "",
        "declared": False,
        "enforced": True,
        "abstained": False,
    }
    assert 0 < quotes["confidence"] <= 1 and quotes["support"] == 30
    assert any(c["abstained"] and c["reason"] for c in data["conventions"])


def test_style_text_and_prompt(repo: Path, capsys: Capture) -> None:
    assert main(["style", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "quotes" in out and "abstained:" in out
    assert main(["style", str(repo), "--prompt"]) == 0
    assert capsys.readouterr().out.startswith("Conventions of this repository")


def test_style_on_a_missing_path_is_one_clear_line(tmp_path: Path, capsys: Capture) -> None:
    assert main(["style", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err.strip().endswith("does not exist")


def test_check_staged_clean_change_exits_zero(repo: Path, capsys: Capture) -> None:
    (repo / "pkg/extra.py").write_text((repo / "pkg/mod1.py").read_text())
    git(repo, "add", "pkg/extra.py")
    assert main(["check", "--staged", "--repo", str(repo), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"findings": [], "fixed": []}


def test_check_staged_reports_and_fixes(repo: Path, capsys: Capture) -> None:
    target = repo / "pkg/mod2.py"
    target.write_text(target.read_text() + "\nEXTRA = 'single'\n")
    git(repo, "add", "pkg/mod2.py")
    assert main(["check", "--staged", "--repo", str(repo), "--json"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert (finding["path"], finding["convention"], finding["found"]) == (
        "pkg/mod2.py",
        "quotes",
        "single",
    )
    assert finding["fix"]["new"] == 'EXTRA = "single"'
    assert main(["check", "--staged", "--repo", str(repo), "--fix"]) == 0
    assert "fixed 1 line(s) in pkg/mod2.py" in capsys.readouterr().out
    assert target.read_text().endswith('\nEXTRA = "single"\n')


def test_check_rev_range_judges_against_the_base(repo: Path, capsys: Capture) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "pkg/new.py").write_text("def fetchIt() -> None:\n    'doc'\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "add")
    assert main(["check", "--rev", f"{base}..HEAD", "--repo", str(repo)]) == 1
    out = capsys.readouterr().out
    assert "pkg/new.py:1: naming.function: `fetchIt`" in out
    assert "evidence: 30 of 30 files" in out


def test_check_diff_file_as_sarif(repo: Path, tmp_path: Path, capsys: Capture) -> None:
    target = repo / "pkg/mod4.py"
    target.write_text(target.read_text() + "\nEXTRA = 'single'\n")
    diff = tmp_path / "change.diff"
    diff.write_text(git(repo, "diff"))
    assert main(["check", "--diff", str(diff), "--repo", str(repo), "--sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    assert log["version"] == "2.1.0"
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "quotes"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pkg/mod4.py"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--rev", "HEAD"], "--rev wants A..B"),
        (["--rev=--output=x..HEAD"], "not a usable revision"),
        (["--rev", "nope..HEAD"], "bad revision 'nope'"),
        (["--diff", "/nonexistent/file.diff"], "cannot read diff"),
    ],
)
def test_check_bad_input_exits_two(
    repo: Path, capsys: Capture, argv: list[str], message: str
) -> None:
    assert main(["check", *argv, "--repo", str(repo)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_check_requires_a_source(repo: Path, capsys: Capture) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--repo", str(repo)])
    assert "one of the arguments" in capsys.readouterr().err


def test_check_a_renamed_file_only_flags_its_new_lines(repo: Path, capsys: Capture) -> None:
    source = (repo / "pkg/mod5.py").read_text() + '\n\ndef oldName() -> None:\n    """Old."""\n'
    (repo / "pkg/mod5.py").write_text(source)
    git(repo, "commit", "-q", "-am", "one camelCase function")
    git(repo, "mv", "pkg/mod5.py", "pkg/renamed.py")
    (repo / "pkg/renamed.py").write_text((repo / "pkg/renamed.py").read_text() + "X = 'new'\n")
    git(repo, "add", "-A")
    assert main(["check", "--staged", "--repo", str(repo), "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["path"], f["convention"]) for f in findings] == [("pkg/renamed.py", "quotes")]
    assert findings[0]["line"] == len(source.splitlines()) + 1


def test_check_staged_outside_git_is_one_clear_line(tmp_path: Path, capsys: Capture) -> None:
    assert main(["check", "--staged", "--repo", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip().endswith("is not a git repository (use --diff FILE)")
