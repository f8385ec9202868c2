"""Strong signals in free text: traceback frames, file paths and code identifiers.

These are what a person pastes into an issue and what pins a location far better than
words: `File "x/y.py", line 12, in f` (CPython), `x/y.py:12: in f` (pytest), a path such
as `django/db/models/query.py`, a dotted name such as `QuerySet.filter` or a call such
as `from_file()`. Everything here is pure text processing, bounded by `MAX_SCAN_CHARS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codegraph.languages import EXTENSIONS

MAX_SCAN_CHARS = 200_000
MAX_MENTIONS = 500

_EXT = "|".join(sorted((e.lstrip(".") for e in EXTENSIONS), key=lambda e: (-len(e), e)))
_CPYTHON_FRAME = re.compile(r'File "([^"\n]{1,500})", line (\d{1,7})(?:, in ([\w<>.]{1,200}))?')
_PYTEST_FRAME = re.compile(
    rf"^[ \t>]*([\w./\\-]{{1,500}}\.(?:{_EXT})):(\d{{1,7}}):(?: in ([\w<>.]+))?", re.M
)
_PATH = re.compile(rf"(?<![\w.])((?:[\w.-]+[/\\])*[\w-]+\.(?:{_EXT}))(?![\w])")
_DOTTED = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?![\w])")
_CALLED = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\(")
_QUOTED = re.compile(r"`{1,2}([A-Za-z_][\w.]*)(?:\(\))?`{1,2}")


@dataclass(frozen=True, slots=True)
class Frame:
    """One traceback frame as written: the path may be absolute or foreign."""

    path: str
    line: int
    function: str  # "" when the frame gives none; "<module>" for module level


@dataclass(frozen=True, slots=True)
class Mentions:
    """Everything `scan` found, in order of first appearance, without duplicates."""

    frames: tuple[Frame, ...]
    paths: tuple[str, ...]
    dotted: tuple[str, ...]  # "QuerySet.filter", "astropy.io.fits"
    names: tuple[str, ...]  # single identifiers written as code: `foo`, foo(), snake_case


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))[:MAX_MENTIONS]


def _looks_like_code(name: str) -> bool:
    """`from_file`, `QuerySet`, `_x`: a word a person would not write in prose."""
    return "_" in name or any(c.isupper() for c in name[1:]) or (name.isupper() and len(name) > 1)


def scan(text: str) -> Mentions:
    """Frames, path mentions and identifier mentions in `text`."""
    text = text[:MAX_SCAN_CHARS]
    frames: list[Frame] = []
    for match in _CPYTHON_FRAME.finditer(text):
        frames.append(Frame(match.group(1), int(match.group(2)), match.group(3) or ""))
    for match in _PYTEST_FRAME.finditer(text):
        frames.append(Frame(match.group(1), int(match.group(2)), match.group(3) or ""))
    paths = [m.group(1).replace("\\", "/") for m in _PATH.finditer(text)]
    dotted = [
        m.group(1)
        for m in _DOTTED.finditer(text)
        if m.group(1).split(".")[-1].lower() not in {e.lstrip(".") for e in EXTENSIONS}
    ]
    names = [m.group(1) for m in _CALLED.finditer(text)]
    names += [m.group(1) for m in _QUOTED.finditer(text) if "." not in m.group(1)]
    names += [w for w in re.findall(r"(?<![\w.])[A-Za-z_]\w*", text) if _looks_like_code(w)]
    return Mentions(
        frames=tuple(dict.fromkeys(frames))[:MAX_MENTIONS],
        paths=_unique(paths),
        dotted=_unique(dotted),
        names=_unique(names),
    )
