"""Name shapes and the role names that follow someone else's convention.

`classify` sorts a name into a shape; names whose shape is ambiguous (`run` is both
snake_case and camelCase) are not evidence and classify as None.
"""

from __future__ import annotations

import re

_UPPER = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$|^[A-Z][A-Z0-9]+$")
_PASCAL = re.compile(r"^[A-Z][a-z0-9]+([A-Z][a-z0-9]*)*$|^[A-Z][a-zA-Z0-9]*[a-z][a-zA-Z0-9]*$")
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
_CAMEL = re.compile(r"^[a-z][a-z0-9]*([A-Z][a-z0-9]*)+$")
_LOWER = re.compile(r"^[a-z][a-z0-9]*$")

# Names fixed by a framework or protocol rather than by the author: unittest hooks and
# assertions, ast/LibCST visitors, http.server handlers, logging handlers, PEP 8 exemptions.
_ROLE = re.compile(
    r"^(setUp|tearDown)(Class|Module|TestData)?$|^assert[A-Z]|^(visit|leave|depart|generic_visit)"
    r"(_|$)|^do_[A-Z]+$|^(runTest|shortDescription|addCleanup|doCleanups|countTestCases)$"
    r"|^(maxDiff|longMessage)$|^(startTest|stopTest|addError|addFailure|addSuccess)"
)


def classify(name: str) -> str | None:
    """ "snake_case", "camelCase", "PascalCase" or "UPPER_CASE"; None when ambiguous."""
    name = re.sub(r"__+", "_", name.strip("_"))
    if len(name) < 2 or not name[0].isalpha():
        return None
    if _UPPER.match(name):
        # One all-caps word (`URL`, `MAX`) is an acronym or a constant: no evidence.
        return "UPPER_CASE" if "_" in name else None
    if _SNAKE.match(name):
        return "snake_case"
    if _CAMEL.match(name):
        return "camelCase"
    if _PASCAL.match(name):
        return "PascalCase"
    if _LOWER.match(name):
        return None
    return "mixed"


def is_role_name(name: str) -> bool:
    """Whether a method name is dictated by a framework (`setUp`, `visit_Name`, ...)."""
    return bool(_ROLE.match(name))


def convert(name: str, shape: str) -> str | None:
    """`name` re-spelled in `shape`, when both shapes are known; for fix suggestions."""
    words = _words(name)
    if not words:
        return None
    lead = name[: len(name) - len(name.lstrip("_"))]
    if shape == "snake_case":
        return lead + "_".join(w.lower() for w in words)
    if shape == "UPPER_CASE":
        return lead + "_".join(w.upper() for w in words)
    if shape == "camelCase":
        return lead + words[0].lower() + "".join(w.capitalize() for w in words[1:])
    if shape == "PascalCase":
        return lead + "".join(w.capitalize() for w in words)
    return None


def _words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name.strip("_"))
    return [w for w in spaced.split("_") if w]
