from __future__ import annotations

import json
from pathlib import Path

import pytest

from executor import PatchError, verify
from service.cli import main
from tests.executor.test_verify import FILES, FIX, FIX_AND_BREAK, TESTS


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATCHWRIGHT_DATA_DIR", str(tmp_path / "data"))


def verify_cli(repo: Path, patch: Path, *extra: str) -> int:
    return main(
        ["verify", "--patch", str(patch), "--repo", str(repo), "--backend", "bwrap",
         "--no-setup", "--tests", *TESTS, *extra]
    )  # fmt: skip


def test_json_verdict_and_exit_code(make_repo, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(FILES)
    good, bad = tmp_path / "good.diff", tmp_path / "bad.diff"
    good.write_text(FIX)
    bad.write_text(FIX_AND_BREAK)

    assert verify_cli(repo, good, "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verified"] is True
    assert [row["change"] for row in data["tests"]] == ["fail->pass", "pass->pass"]

    assert verify_cli(repo, bad, "--json") == 1
    data = json.loads(capsys.readouterr().out)
    assert data["verified"] is False
    assert data["reason"] == "regression: tests/test_calc.py::test_mul pass->fail"


def test_human_output_shows_the_verdict_and_table(make_repo, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(FILES)
    patch = tmp_path / "fix.diff"
    patch.write_text(FIX)
    assert verify_cli(repo, patch) == 0
    out = capsys.readouterr().out
    assert out.startswith("VERIFIED: 1 fail->pass, 1 pass->pass")
    assert "tests/test_calc.py::test_add  failed   passed   fail->pass" in out


def test_bad_input_is_exit_2_with_one_line(make_repo, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(FILES)
    binary = tmp_path / "binary.diff"
    binary.write_bytes(b"\xff\xfe not text")
    assert verify_cli(repo, binary) == 2
    assert "patch is not UTF-8 text" in capsys.readouterr().err
    assert verify_cli(repo, tmp_path / "absent.diff") == 2
    assert "cannot read patch" in capsys.readouterr().err
    local = ["verify", "--patch", str(binary), "--repo", str(repo), "--backend", "local"]
    assert main(local) == 2
    assert "--allow-unsafe-local" in capsys.readouterr().err
    good = tmp_path / "good.diff"
    good.write_text(FIX)
    assert verify_cli(repo, good, "--rev", "no-such-rev") == 2
    assert "unknown revision 'no-such-rev'" in capsys.readouterr().err


def test_a_patch_over_the_bound_is_refused_with_one_message(
    make_repo, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(FILES)
    big = tmp_path / "big.diff"
    big.write_text(FIX + "+" + "x" * (6 * 1024 * 1024) + "\n")
    assert verify_cli(repo, big) == 2
    assert "patch is larger than 5 MB" in capsys.readouterr().err
    # The Python API draws the same line (one bound, the patch applier's).
    with pytest.raises(PatchError, match=r"^patch is larger than 5 MB$"):
        verify(repo, big.read_text(), tests=TESTS, backend="bwrap", setup=None)
