"""Import form fixes: `from .x import y` <-> `from pkg.x import y` for the project's own code.

Only the module part of a `from ... import` line changes; the names imported and the
rest of the statement (parentheses, continuation lines, comments) stay as written.
"""

from __future__ import annotations

import ast
import re

from style.items import split_lines
from style.model import Fix

_FROM = re.compile(r"^(\s*from\s+)([.\w]+)(\s+import\b)")
MAX_LEVEL = 3


def package_parts(path: str) -> list[str] | None:
    """The dotted package a file lives in, as parts (`src/` and `lib/` layouts stripped)."""
    parts = path.split("/")[:-1]
    if parts and parts[0] in {"src", "lib"} and len(parts) > 1:
        parts = parts[1:]
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return parts


def absolute_module(path: str, level: int, module: str | None) -> str | None:
    """What `from <level dots><module> import` in `path` refers to, as an absolute name."""
    if level == 0:
        return module
    parts = package_parts(path)
    if parts is None or level > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def relative_module(path: str, module: str) -> str | None:
    """`module` written relative to `path`'s package, or None when not inside it."""
    parts = package_parts(path)
    target = module.split(".")
    if parts is None or target[0] != parts[0]:
        return None
    common = 0
    while common < min(len(parts), len(target)) and parts[common] == target[common]:
        common += 1
    level = len(parts) - common + 1
    if level > MAX_LEVEL:
        return None
    return "." * level + ".".join(target[common:])


def import_fixes(source: str, tree: ast.Module, path: str, target: str) -> dict[int, Fix]:
    """Per line, the `from` import rewritten to `target` ("absolute" or "relative")."""
    lines = split_lines(source)
    fixes: dict[int, Fix] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.module == "__future__":
            continue
        if not 0 < node.lineno <= len(lines):
            continue
        absolute = absolute_module(path, node.level, node.module)
        if absolute is None:
            continue
        if target == "absolute" and node.level > 0:
            replacement: str | None = absolute
        elif target == "relative" and node.level == 0:
            replacement = relative_module(path, absolute)
        else:
            continue
        text = lines[node.lineno - 1]
        match = _FROM.match(text)
        if replacement is None or match is None:
            continue
        new = match.group(1) + replacement + match.group(3) + text[match.end() :]
        fixes[node.lineno] = Fix(line=node.lineno, old=text, new=new)
    return fixes
