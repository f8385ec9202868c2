"""The style benchmark's markdown and its section of docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path

from benchmarks.style_eval_metrics import Tally, merge, summary
from benchmarks.style_eval_report import percent, render, write_section


def test_write_section_replaces_only_its_own_block(tmp_path: Path) -> None:
    docs = tmp_path / "docs" / "benchmarks.md"
    write_section("first\n", docs)
    assert docs.read_text() == "# Benchmarks\n\n<!-- begin style -->\nfirst\n<!-- end style -->\n"
    other = "<!-- begin graph -->\ngraph numbers\n<!-- end graph -->\n"
    docs.write_text(docs.read_text() + "\n" + other)
    write_section("second\n", docs)
    assert docs.read_text() == (
        "# Benchmarks\n\n<!-- begin style -->\nsecond\n<!-- end style -->\n\n" + other
    )


def test_render_has_a_row_per_project_and_overall() -> None:
    tally = Tally("httpx", "0.28.1", files=3, heldout=3, flagged_files=1)
    tally.observed["quotes"] = 3
    tally.committed["quotes"] = 3
    tally.correct["quotes"] = 3
    tally.injected["quotes"] = 2
    tally.detected["quotes"] = 1
    tally.example(
        "alarms",
        "quotes",
        {
            "path": "a.py",
            "line": 4,
            "convention": "quotes",
            "expected": "double",
            "found": "single",
            "text": "x = 'a'",
        },
    )
    rows = [summary(tally)]
    text = render(rows, summary(merge("overall", [tally])), command="CMD", note="NOTE")
    assert "Reproduce: `CMD`" in text
    assert (
        "| httpx 0.28.1 | 3 | 0 | 3 | 1 | 100.0 % | 100.0 % | 33.3 % | 0.0 % | 50.0 % | – | – |"
        " 0.0 % | 0.0 % |" in text
    )
    assert "| **overall** | 3 | 0 | 3 |" in text
    assert "| httpx | 1/2 (–) |" in text
    assert "- httpx `a.py:4` `quotes` (expected double, found single): `x = 'a'`" in text
    assert percent(None) == "–"
