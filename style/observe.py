"""Per-file evidence: `observe_source` turns one file into `Observations` (pure)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from style import javascript, python
from style.items import Item, Scan, split_lines
from style.model import Observations
from style.paths import is_generated_source, is_migration, is_test_path, language_of

MAX_SOURCE_CHARS = 2_000_000
_EXAMPLES_PER_VALUE = 3
_SNIPPET_CHARS = 80
# conventions about the file's name or place: the example is the path itself
_ABOUT_PATH = frozenset({"naming.module", "tests.file_naming", "tests.layout"})


def scan_source(path: str, source: str) -> Scan:
    """Every item of one file; files in a language we do not read yield none."""
    language = language_of(path)
    if language is None or len(source) > MAX_SOURCE_CHARS or "\x00" in source:
        return Scan((), (), None)
    if is_generated_source(source):
        return Scan((), (), None)
    scanner = python.scan if language == "python" else javascript.scan
    found = scanner(path, source)
    if is_migration(path):
        kept = tuple(i for i in found.items if not i.convention.startswith(("naming.", "doc")))
        return Scan(kept, found.line_lengths, found.tree, found.comment_lines)
    return found


def observe_source(path: str, source: str) -> Observations:
    """What one file shows about each convention: counts per value, example lines, names."""
    found = scan_source(path, source)
    observed = summarize(path, found.items, found.line_lengths, split_lines(source))
    if found.comment_lines:
        return replace(observed, comment_lines=found.comment_lines)
    return observed


def summarize(
    path: str,
    items: tuple[Item, ...],
    line_lengths: tuple[tuple[int, int], ...],
    lines: list[str] | None = None,
) -> Observations:
    """Aggregate items into an `Observations` record."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, dict[str, str]] = defaultdict(dict)
    for item in items:
        counts[item.convention][item.value] += 1
        shown = examples[item.convention][item.value]
        if len(shown) < _EXAMPLES_PER_VALUE:
            shown.append(item.line)
        if item.name and "naming." in item.convention:
            names[item.convention][item.name] = item.value
    return Observations(
        path=path,
        language=language_of(path) or "",
        counts={c: dict(v) for c, v in counts.items()},
        examples={c: {v: tuple(lines) for v, lines in vs.items()} for c, vs in examples.items()},
        line_lengths=dict(Counter(length for _, length in line_lengths)),
        snippets={
            c: {
                v: path if c in _ABOUT_PATH else _snippet(lines, found[0])
                for v, found in vs.items()
                if found
            }
            for c, vs in examples.items()
        }
        if lines
        else {},
        names={c: dict(v) for c, v in names.items()},
        is_test=is_test_path(path),
    )


def _snippet(lines: list[str] | None, line: int) -> str:
    if not lines or not 0 < line <= len(lines):
        return ""
    text = lines[line - 1].strip()
    return text if len(text) <= _SNIPPET_CHARS else text[: _SNIPPET_CHARS - 1] + "…"
