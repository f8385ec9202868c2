from __future__ import annotations

from pathlib import Path

from codegraph.find_tables import message_table, normalize, tail_table
from codegraph.index import build_index
from codegraph.tokens import lexicon
from tests.conftest import MakeRepo

SOURCE = """def check(n):
    if n < 0:
        raise ValueError("no number is assigned for %s: %s" % (n, n))
    log("Value {value!r} is out of range for this field", value=n)
    return "short one"


class Printer:
    def _print_SeqFormula(self, e):
        return "..."

    def _eval_is_zero(self):
        return None
"""


def test_messages_lose_their_placeholders_and_keep_their_owner(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    index = build_index(make_repo({"m.py": SOURCE}), data_dir=tmp_path / "data")

    table = message_table(index, lexicon(index), 4)

    assert table == {
        "no number is assigned for": ["m.py::check"],
        "is out of range for this field": ["m.py::check"],
    }
    assert normalize("Value  'x' is OUT of range!") == "value x is out of range"


def test_names_are_found_by_their_tails(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = build_index(make_repo({"m.py": SOURCE}), data_dir=tmp_path / "data")

    tails = tail_table(index, lexicon(index))

    assert tails["SeqFormula"] == ["m.py::Printer._print_SeqFormula"]
    assert tails["is_zero"] == tails["zero"] == ["m.py::Printer._eval_is_zero"]
    assert "print_SeqFormula" not in tails  # a name is not its own tail
    assert "eval_is_zero" not in tails and "is" not in tails
