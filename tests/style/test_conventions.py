from __future__ import annotations

from style.conventions import describe, deviation, enforceable, value_phrase


def test_describe_reads_as_a_rule() -> None:
    assert describe("quotes", "double") == "string quotes: double"
    assert describe("naming.test_function", "snake_case") == "test function names: snake_case"
    assert describe("js.quotes", "single") == "JS/TS string quotes: single"
    assert describe("trailing_commas", "none") == "trailing commas in exploded brackets: never"
    assert describe("annotations", "none") == "type annotations on function signatures: none"


def test_deviation_messages() -> None:
    assert deviation("quotes", "single", "double") == (
        "single quotes where the repository uses double quotes"
    )
    assert deviation("docstring.function", "missing", "present", "f") == (
        "`f`: public function without a docstring; the repository documents its functions"
    )
    assert deviation("output", "print", "logging") == (
        "`print` in library code; the repository reports through `logging`"
    )
    assert value_phrase("spaces-2", "js.indent") == "2 spaces indentation"


def test_one_directional_rules() -> None:
    assert enforceable("docstring.function") == {"present"}
    assert enforceable("annotations") == {"full"}
    assert enforceable("js.quotes") == {"double", "single"}
    assert enforceable("comment_density") == frozenset()
    assert enforceable("unknown") == frozenset()
