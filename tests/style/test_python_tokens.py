from __future__ import annotations

from style.python_tokens import EXEMPT_LONG, quote_value, string_quote


def test_string_parts() -> None:
    assert string_quote("rb'x'") == ("rb", "'", "x")
    assert string_quote('"""doc"""') is None
    assert quote_value("f'{a}'") == "single"
    assert quote_value('"x"') == "double"
    assert quote_value('"it\'s"') is None
    assert quote_value("'say \"hi\"'") is None


def test_long_line_exemptions() -> None:
    assert EXEMPT_LONG.search("x = 1  # noqa: E501")
    assert EXEMPT_LONG.search("# see HTTPS://example.com")
    assert EXEMPT_LONG.search("y = f()  # type: ignore[arg-type]")
    assert not EXEMPT_LONG.search("ignore_errors = True")
