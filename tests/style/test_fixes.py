from __future__ import annotations

import ast

import pytest

from style import Finding, Fix, apply_fixes
from style.fixes import optional_fixes, quote_fixes


def findings_for(fixes: dict[int, Fix]) -> list[Finding]:
    return [Finding("m.py", line, "quotes", "", "", fix) for line, fix in sorted(fixes.items())]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("x = 'a'\n", 'x = "a"\n'),
        ("x = f'{a}' + r'\\d' + b'\\x00'\n", 'x = f"{a}" + r"\\d" + b"\\x00"\n'),
        ("x = ''\n", 'x = ""\n'),
        ("call('a', key='b')  # 'comment'\n", 'call("a", key="b")  # \'comment\'\n'),
        ("x = 'tab\\t' 'é'\n", 'x = "tab\\t" "é"\n'),
    ],
)
def test_quote_flip_to_double_keeps_every_value(before: str, after: str) -> None:
    fixed = apply_fixes(before, findings_for(quote_fixes(before, "double")))
    assert fixed == after
    assert ast.dump(ast.parse(fixed)) == ast.dump(ast.parse(before))


def test_quote_flip_to_single() -> None:
    before = 'x = "a"\ny = "it\'s"\n'
    fixes = quote_fixes(before, "single")
    assert list(fixes) == [1]  # a string holding the other quote is left alone
    assert apply_fixes(before, findings_for(fixes)) == "x = 'a'\ny = \"it's\"\n"


def test_quote_flip_leaves_docstrings_and_multiline_strings() -> None:
    before = "def f():\n    'doc'\n    return '''a\nb'''\n"
    assert quote_fixes(before, "double") == {}


def test_crlf_line_endings_survive() -> None:
    before = "x = 'a'\r\ny = 1\r\n"
    fixed = apply_fixes(before, findings_for(quote_fixes(before, "double")))
    assert fixed == 'x = "a"\r\ny = 1\r\n'


def test_optional_to_pipe_with_future_import() -> None:
    before = (
        "from __future__ import annotations\n"
        "from typing import Optional\n"
        "def f(a: Optional[int], b: Optional['Node'] = None) -> Optional[dict[str, int]]: ...\n"
        "Alias = Optional[int]\n"
    )
    fixes = optional_fixes(before, python="3.8")
    assert list(fixes) == [3]  # the runtime alias would break on Python 3.8
    fixed = apply_fixes(before, findings_for(fixes))
    assert fixed.splitlines()[2] == (
        "def f(a: int | None, b: Optional['Node'] = None) -> dict[str, int] | None: ..."
    )


def test_optional_to_pipe_on_modern_python_without_future_import() -> None:
    before = "import typing\nX = typing.Optional[int]\ndef f(a: Optional['Node']): ...\n"
    fixes = optional_fixes(before, python="3.11")
    assert list(fixes) == [2]  # a string forward reference is left alone
    assert apply_fixes(before, findings_for(fixes)) == (
        "import typing\nX = int | None\ndef f(a: Optional['Node']): ...\n"
    )


def test_optional_fix_refused_on_old_python_without_future_import() -> None:
    assert optional_fixes("def f(a: Optional[int]): ...\n", python="3.8") == {}


def test_optional_with_non_ascii_on_the_line() -> None:
    before = "from __future__ import annotations\ndef f(é: Optional[int]) -> None: ...\n"
    fixed = apply_fixes(before, findings_for(optional_fixes(before, python="")))
    assert fixed == "from __future__ import annotations\ndef f(é: int | None) -> None: ...\n"


def test_a_fix_that_changes_the_tree_is_refused() -> None:
    before = "x = 'a'\ny = 'b'\n"
    bad = Fix(line=1, old="x = 'a'", new='x = "A"')
    good = Fix(line=2, old="y = 'b'", new='y = "b"')
    findings = [Finding("m.py", f.line, "quotes", "", "", f) for f in (bad, good)]
    assert apply_fixes(before, findings) == "x = 'a'\ny = \"b\"\n"


def test_a_stale_fix_is_skipped() -> None:
    before = "x = 'changed since'\n"
    stale = Fix(line=1, old="x = 'a'", new='x = "a"')
    assert apply_fixes(before, [Finding("m.py", 1, "quotes", "", "", stale)]) == before
    assert apply_fixes(before, []) == before


def test_a_tree_too_deep_to_compare_refuses_the_fix() -> None:
    before = "x = " + "+".join(["a"] * 50000) + "\ny = 's'\n"
    fix = Fix(line=2, old="y = 's'", new='y = "s"')
    assert apply_fixes(before, [Finding("m.py", 2, "quotes", "", "", fix)]) == before


def test_form_feeds_do_not_shift_line_numbers() -> None:
    before = "x = 1  # page\x0cbreak\ny = 'a'\n"
    fixes = quote_fixes(before, "double")
    assert list(fixes) == [2]
    assert apply_fixes(before, findings_for(fixes)) == 'x = 1  # page\x0cbreak\ny = "a"\n'
