from __future__ import annotations

from pathlib import Path

import pytest

from codegraph.errors import QueryError, RepositoryError
from codegraph.impact import (
    affected_tests,
    diff_for_rev,
    diff_staged,
    impact,
    parse_diff,
    read_diff,
    runner_id,
)
from codegraph.index import build_index
from tests.codegraph.test_find import SHOP
from tests.conftest import MakeRepo, git

ROUND_FIX = SHOP["shop/pricing.py"].replace("round(amount, 2)", "round(amount + 0.0, 2)")


def _history(make_repo: MakeRepo) -> Path:
    """The shop, then a second commit that edits `round_price`."""
    repo = make_repo(SHOP)
    (repo / "shop/pricing.py").write_text(ROUND_FIX)
    git(repo, "commit", "-q", "-am", "fix rounding")
    return repo


def test_rev_range_gives_changed_symbols_dependents_and_tests(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    repo = _history(make_repo)
    index = build_index(repo, data_dir=tmp_path / "data")
    text, source = diff_for_rev(repo, "HEAD~1..HEAD")
    result = impact(index, text, source=source)
    assert result.files == ("shop/pricing.py",)
    assert [(c.id, c.lines) for c in result.changed] == [("shop/pricing.py::round_price", (12,))]
    distances = {d.id: d.distance for d in result.dependents}
    assert distances["shop/pricing.py::apply_discount"] == 1
    assert distances["shop/cart.py::Cart.total"] == 2
    assert distances["shop/render.py::render_receipt"] == 3
    assert "tests/test_cart.py::test_total" in result.tests
    assert "tests/test_cart.py::test_add_item" not in result.tests


def test_a_diff_file_matches_the_tree_before_or_after_it(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    repo = _history(make_repo)
    diff = tmp_path / "change.diff"
    diff.write_text(git(repo, "diff", "HEAD~1", "HEAD"))
    after = build_index(repo, data_dir=tmp_path / "after")
    assert [c.id for c in impact(after, read_diff(diff)).changed] == [
        "shop/pricing.py::round_price"
    ]
    git(repo, "checkout", "-q", "HEAD~1")
    before = build_index(repo, data_dir=tmp_path / "before")
    assert affected_tests(before, read_diff(diff)) == ["tests/test_cart.py::test_total"]


def test_new_and_deleted_symbols_both_count(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo(SHOP)
    old = (
        'def round_price(amount):\n    """Round a price to cents."""\n    return round(amount, 2)\n'
    )
    new = "def to_cents(amount):\n    return int(amount * 100)\n"
    pricing = SHOP["shop/pricing.py"].replace(old, new)
    (repo / "shop/pricing.py").write_text(pricing)
    (repo / "tests/test_cart.py").unlink()
    git(repo, "add", "-A")
    index = build_index(repo, data_dir=tmp_path / "data")
    text, source = diff_staged(repo)
    result = impact(index, text, source=source)
    changed = {c.id for c in result.changed}
    assert {"shop/pricing.py::round_price", "shop/pricing.py::to_cents"} <= changed
    assert "tests/test_cart.py::test_total" in changed
    assert result.files == ("shop/pricing.py", "tests/test_cart.py")


def test_an_edited_test_is_affected(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo(SHOP)
    (repo / "tests/test_cart.py").write_text(
        SHOP["tests/test_cart.py"].replace('("a", 1)]', '("a", 1)]  # same')
    )
    index = build_index(repo, data_dir=tmp_path / "data")
    assert affected_tests(index, git(repo, "diff")) == ["tests/test_cart.py::test_add_item"]


def test_garbage_is_a_clear_error(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = build_index(make_repo(SHOP), data_dir=tmp_path / "data")
    with pytest.raises(QueryError, match="not a unified diff: no file headers"):
        impact(index, "this is not\na diff at all\n")
    with pytest.raises(QueryError, match="not a valid unified diff: Hunk is shorter"):
        parse_diff("--- a/x.py\n+++ b/x.py\n@@ -1,3 +1 @@\n-a\n")
    with pytest.raises(QueryError, match=r"outside the repository: '\.\./etc/passwd'"):
        parse_diff("--- a/../etc/passwd\n+++ b/../etc/passwd\n@@ -1 +1 @@\n-a\n+b\n")
    with pytest.raises(QueryError, match=r"does not match shop/cart\.py in either direction"):
        impact(index, "--- a/shop/cart.py\n+++ b/shop/cart.py\n@@ -1 +1 @@\n-nope\n+yes\n")
    with pytest.raises(RepositoryError, match="cannot read"):
        read_diff(tmp_path / "missing.diff")
    with pytest.raises(QueryError, match="not a revision range"):
        diff_for_rev(index.root, "--output=/tmp/x..HEAD")


def test_an_empty_range_touches_nothing(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo(SHOP)
    index = build_index(repo, data_dir=tmp_path / "data")
    text, source = diff_for_rev(repo, "HEAD..HEAD")
    result = impact(index, text, source=source)
    assert (result.files, result.changed, result.dependents, result.tests) == ((), (), (), ())


def test_runner_ids_are_pytest_node_ids() -> None:
    assert runner_id("tests/t.py::TestA.test_b") == "tests/t.py::TestA::test_b"
    assert runner_id("tests/t.py::test_c") == "tests/t.py::test_c"
    assert runner_id("tests/t.py") == "tests/t.py"


def test_a_library_helper_named_like_a_test_is_not_a_test(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    repo = make_repo(
        {
            "pkg/core.py": "def ping():\n    return 1\n",
            "pkg/testing/util.py": (
                "from pkg.core import ping\n\n\ndef test_connection():\n    return ping()\n"
            ),
            "tests/test_core.py": (
                "from pkg.core import ping\n\n\ndef test_ping():\n    assert ping() == 1\n"
            ),
        }
    )
    (repo / "pkg/core.py").write_text("def ping():\n    return 2\n")
    git(repo, "commit", "-q", "-am", "change ping")
    index = build_index(repo, data_dir=tmp_path / "data")
    text, source = diff_for_rev(repo, "HEAD~1..HEAD")
    tests = impact(index, text, source=source).tests
    assert "tests/test_core.py::test_ping" in tests
    assert not any(t.startswith("pkg/testing/") for t in tests)
