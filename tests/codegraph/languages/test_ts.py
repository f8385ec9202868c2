from __future__ import annotations

import pytest

from codegraph.errors import ParseError
from codegraph.index import build_index
from codegraph.languages import _ts, get_language
from tests.conftest import MakeRepo

DEEP = 3000  # minutes of query time before the limit existed; real code never nests this far


def test_nesting_depth_counts_the_deepest_bracket() -> None:
    assert _ts.nesting_depth(b"(" * 1500 + b"[{}]" + b")" * 1500) == 1502
    # Many brackets, shallow: measured, and shallow.
    assert _ts.nesting_depth(b"f(a[1], {2: 3})\n" * 2000) == 2
    # Too few brackets to reach the limit: not even measured.
    assert _ts.nesting_depth(b"(" * 10) == 0


@pytest.mark.parametrize(
    ("language", "source"),
    [
        ("python", "x = " + "f(" * DEEP + "1" + ")" * DEEP + "\n"),
        ("javascript", "let x = " + "[" * DEEP + "]" * DEEP + ";\n"),
    ],
)
def test_hostile_nesting_is_a_parse_error(language: str, source: str) -> None:
    with pytest.raises(ParseError, match=f"nested {DEEP} levels deep"):
        get_language(language).extract("deep.x", source.encode())


def test_the_index_skips_a_hostile_file_and_keeps_the_rest(make_repo: MakeRepo) -> None:
    repo = make_repo(
        {
            # One bracket per line: not "minified", just hostile.
            "deep.py": "x = " + "f(\n" * DEEP + "1" + ")\n" * DEEP,
            "ok.py": "def g():\n    return 1\n",
        }
    )
    index = build_index(repo, jobs=1)
    assert "ok.py::g" in index.symbols, index.skipped
    reasons = {skip.path: skip.reason for skip in index.skipped}
    assert "deep.py" in reasons
    assert f"nested {DEEP} levels deep" in reasons["deep.py"]
