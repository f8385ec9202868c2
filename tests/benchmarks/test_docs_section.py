"""The one writer every benchmark uses for its section of docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path

from benchmarks.docs_section import write_section

PAGE = (
    "# Benchmarks\n\nintro\n\n"
    "<!-- begin a -->\nold a\n<!-- end a -->\n\n"
    "## B\n\n<!-- begin b -->\nold b\n<!-- end b -->\n"
)


def test_only_the_named_section_changes(tmp_path: Path) -> None:
    docs = tmp_path / "benchmarks.md"
    docs.write_text(PAGE)
    write_section("b", "new b\n\n", docs)
    assert docs.read_text() == PAGE.replace("old b", "new b")
    write_section("a", "new a", docs)
    assert docs.read_text() == PAGE.replace("old b", "new b").replace("old a", "new a")


def test_a_missing_section_is_appended(tmp_path: Path) -> None:
    docs = tmp_path / "benchmarks.md"
    docs.write_text(PAGE)
    write_section("c", "c numbers", docs)
    assert docs.read_text() == PAGE + "\n<!-- begin c -->\nc numbers\n<!-- end c -->\n"
