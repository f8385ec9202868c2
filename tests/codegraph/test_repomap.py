from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from codegraph.errors import QueryError
from codegraph.index import build_index
from codegraph.repomap import _focus_nodes, _pagerank, _rank_weights, _walk, count_tokens, repo_map
from tests.codegraph.test_find import SHOP, shop_index
from tests.conftest import MakeRepo

_SCRIPT = """
import sys
from codegraph.index import build_index
from codegraph.repomap import repo_map
index = build_index(sys.argv[1], data_dir=sys.argv[2])
sys.stdout.write(repo_map(index, tokens=int(sys.argv[3])))
sys.stdout.write("---\\n")
sys.stdout.write(repo_map(index, focus=["shop/render.py"], tokens=int(sys.argv[3])))
"""


def test_the_tokenizer_is_cl100k() -> None:
    assert count_tokens("def apply_discount(amount): …") == 6


def test_the_map_is_an_outline_with_elided_bodies(make_repo: MakeRepo, tmp_path: Path) -> None:
    text = repo_map(shop_index(make_repo, tmp_path), tokens=4000)
    assert "shop/pricing.py:\n    def apply_discount(amount): …\n" in text
    assert "shop/cart.py:\n    class Cart:\n        def __init__(self): …\n" in text
    assert "return" not in text


@pytest.mark.parametrize("budget", [20, 30, 60, 120, 4000])
def test_the_budget_is_never_exceeded(make_repo: MakeRepo, tmp_path: Path, budget: int) -> None:
    index = shop_index(make_repo, tmp_path)
    text = repo_map(index, tokens=budget)
    assert text
    assert count_tokens(text) <= budget
    lines = text.splitlines()
    assert lines[0].endswith(".py:")


def test_a_larger_budget_shows_more(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = shop_index(make_repo, tmp_path)
    small, large = repo_map(index, tokens=40), repo_map(index, tokens=4000)
    assert len(small.splitlines()) < len(large.splitlines())
    everything = {line.strip() for line in large.splitlines()}
    assert {line.strip() for line in small.splitlines()} <= everything


def test_a_budget_below_one_line_gives_nothing(make_repo: MakeRepo, tmp_path: Path) -> None:
    assert repo_map(shop_index(make_repo, tmp_path), tokens=2) == ""


def test_focus_changes_the_ranking(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = shop_index(make_repo, tmp_path)
    plain = repo_map(index, tokens=30)
    focused = repo_map(index, focus=["shop/render.py"], tokens=30)
    assert focused.splitlines()[0] == "shop/render.py:"
    assert plain != focused
    symbol = repo_map(index, focus=["round_price"], tokens=30)
    assert symbol.splitlines()[0] == "shop/pricing.py:"


def test_unknown_focus_and_bad_budgets_are_errors(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = shop_index(make_repo, tmp_path)
    with pytest.raises(QueryError, match=r"no symbol named 'nowhere\.py'"):
        repo_map(index, focus=["nowhere.py"])
    with pytest.raises(QueryError, match="between 1 and"):
        repo_map(index, tokens=0)


def test_output_is_identical_across_hash_seeds(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo(SHOP)
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT, str(repo), str(tmp_path / f"data{seed}"), "80"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].count(".py:") >= 2


def test_ranks_are_networkx_pagerank_exactly(make_repo: MakeRepo, tmp_path: Path) -> None:
    # The walk iterates over a cached matrix instead of calling networkx per request;
    # the floats must still be networkx's, or maps would change with the implementation.
    index = shop_index(make_repo, tmp_path)
    walk, graph = _walk(index), nx.DiGraph()
    graph.add_nodes_from(sorted(index.symbols))  # as networkx users would build it
    graph.add_weighted_edges_from((s, t, w) for (s, t), w in sorted(_rank_weights(index).items()))
    for focused in ([], ["shop/render.py::render_receipt"], _focus_nodes(index, ["shop/"])):
        personalization = dict.fromkeys(focused, 1.0) or None
        expected = nx.pagerank(
            graph, alpha=0.85, personalization=personalization, weight="weight", tol=1e-8
        )
        ranks = _pagerank(walk, focused).tolist()
        assert dict(zip(walk.nodes, ranks, strict=True)) == expected


def test_an_index_without_symbols_maps_to_nothing(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = build_index(make_repo({"README.md": "no code\n"}), data_dir=tmp_path / "data")
    assert repo_map(index) == ""
