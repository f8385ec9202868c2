from __future__ import annotations

from codegraph.literals import messages, name_tails, normalize

LINES = [
    "def check(n):",
    "    if n < 0:",
    '        raise ValueError("no number is assigned for %s: %s" % (n, n))',
    '    log("Value {value!r} is out of range for this field", value=n)',
    '    return "short one"',
    'TOP = "a module level message of many words"',
]
OWNER: list[str | None] = ["m.py::check"] * 5 + [None]


def test_messages_lose_their_placeholders_and_keep_their_owner() -> None:
    assert list(messages(LINES, OWNER)) == [
        ("no number is assigned for", "m.py::check"),
        ("is out of range for this field", "m.py::check"),
    ]
    assert normalize("Value  'x' is OUT of range!") == "value x is out of range"


def test_names_are_found_by_their_tails() -> None:
    tails = name_tails(
        {"_print_SeqFormula": ["m.py::P._print_SeqFormula"], "_eval_is_zero": ["m.py::P.z"]}
    )

    assert tails == {
        "SeqFormula": ["m.py::P._print_SeqFormula"],
        "is_zero": ["m.py::P.z"],
        "zero": ["m.py::P.z"],
    }
