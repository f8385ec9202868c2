from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from codegraph.repomap import count_tokens
from service.cli import main
from tests.codegraph.test_find import SHOP
from tests.conftest import MakeRepo, git


@pytest.fixture
def shop(make_repo: MakeRepo, tmp_path: Path) -> list[str]:
    """`--repo` and `--data-dir` arguments for the shop repository."""
    return ["--repo", str(make_repo(SHOP)), "--data-dir", str(tmp_path / "data")]


def _json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_find_builds_the_index_first_and_says_so(
    shop: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["find", "round_price() has too many decimals", "--json", *shop]) == 0
    captured = capsys.readouterr()
    assert "no index of" in captured.err and "building it" in captured.err
    result = json.loads(captured.out)
    assert result["symbols"][0]["id"] == "shop/pricing.py::round_price"
    assert result["files"][0]["path"] == "shop/pricing.py"
    assert main(["find", "round_price", "--json", *shop]) == 0
    assert capsys.readouterr().err == ""


def test_find_stores_its_lexicon_beside_the_index_and_answers_the_same(
    shop: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = ["find", "The receipt header lines", "--json", *shop]
    assert main(query) == 0
    first = capsys.readouterr().out
    stored = tmp_path / "data" / "lexicon.npz"
    assert stored.is_file()
    os.utime(stored, (1_000_000_000, 1_000_000_000))

    assert main(query) == 0
    assert capsys.readouterr().out == first
    assert stored.stat().st_mtime == 1_000_000_000
    stored.write_bytes(stored.read_bytes()[:100])
    assert main(query) == 0
    assert capsys.readouterr().out == first
    assert stored.stat().st_size > 100


def test_find_reads_stdin_and_prints_reasons(
    shop: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"The receipt header is wrong\n"))
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["find", "-", "--limit", "2", *shop]) == 0
    out = capsys.readouterr().out
    assert "shop/render.py::render_receipt:5" in out
    assert 'lexical: "receipt"' in out


def test_find_with_no_match_is_a_negative_answer(
    shop: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["find", "zebra quokka", "--json", *shop]) == 1
    assert _json(capsys) == {"files": [], "symbols": []}


def test_find_ranks_files_past_commits_changed_unless_told_not_to(
    make_repo: MakeRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(SHOP)
    (root / "shop" / "pricing.py").write_text(
        (root / "shop" / "pricing.py").read_text().replace("0.1", "0.15")
    )
    git(root, "commit", "-q", "-am", "Seasonal sale: bigger reduction during winter")
    args = ["--repo", str(root), "--data-dir", str(tmp_path / "data"), "--json"]

    assert main(["find", "The winter reduction is wrong", *args]) == 0
    top = _json(capsys)["files"][0]  # type: ignore[index]
    assert top["path"] == "shop/pricing.py"
    assert "history: Seasonal sale: bigger reduction during winter" in top["reasons"]
    assert list((tmp_path / "data" / "history").glob("history-*.json"))

    assert main(["find", "The winter reduction is wrong", "--no-history", *args]) == 1
    assert _json(capsys) == {"files": [], "symbols": []}


def test_show_callers_and_callees(shop: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "apply_discount", "--json", *shop]) == 0
    shown = _json(capsys)
    assert isinstance(shown, dict)
    assert shown["id"] == "shop/pricing.py::apply_discount"
    assert {"kind": "calls", "lines": [7], "symbol": "shop/pricing.py::round_price"} in shown[
        "outgoing"
    ]
    assert main(["callers", "round_price", "--depth", "2", "--json", *shop]) == 0
    assert [(r["id"], r["depth"]) for r in _json(capsys)] == [  # type: ignore[attr-defined]
        ("shop/pricing.py::apply_discount", 1),
        ("shop/cart.py::Cart.total", 2),
    ]
    assert main(["callees", "Cart.total", *shop]) == 0
    assert "shop/pricing.py::apply_discount  line 17" in capsys.readouterr().out
    assert main(["callers", "empty_receipt", *shop]) == 1


def test_an_unknown_symbol_is_one_clear_line(
    shop: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "nothing_here", *shop]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "patchwright show: no symbol named 'nothing_here'"


def test_impact_from_a_rev_and_a_diff_file(
    shop: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo = Path(shop[1])
    pricing = repo / "shop/pricing.py"
    pricing.write_text(pricing.read_text().replace("round(amount, 2)", "round(amount, 3)"))
    git(repo, "commit", "-q", "-am", "three decimals")
    assert main(["impact", "--rev", "HEAD~1..HEAD", "--json", *shop]) == 0
    result = _json(capsys)
    assert isinstance(result, dict)
    assert [c["id"] for c in result["changed"]] == ["shop/pricing.py::round_price"]
    assert result["tests"] == ["tests/test_cart.py::test_total"]
    diff = tmp_path / "x.diff"
    diff.write_text("garbage\n")
    assert main(["impact", "--diff", str(diff), *shop]) == 2
    assert "not a unified diff" in capsys.readouterr().err


def test_map_stays_within_its_budget(shop: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["map", "--tokens", "40", "--focus", "shop/cart.py", *shop]) == 0
    out = capsys.readouterr().out
    assert out.startswith("shop/cart.py:\n")
    assert count_tokens(out) <= 40
    assert main(["map", "--tokens", "40", "--json", *shop]) == 0
    result = _json(capsys)
    assert isinstance(result, dict) and result["tokens"] <= 40
