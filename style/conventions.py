"""The vocabulary of conventions: which values the checker may enforce, and how to say them."""

from __future__ import annotations

_ALL_NAMING = frozenset({"snake_case", "camelCase", "PascalCase", "UPPER_CASE"})

# convention -> committed values whose deviations are flagged. One-directional rules list
# only the demanding side: a repository that documents everything flags a missing
# docstring, one that documents little never flags a present one.
ENFORCEABLE: dict[str, frozenset[str]] = {
    "annotations": frozenset({"full"}),
    "docstring.class": frozenset({"present"}),
    "docstring.function": frozenset({"present"}),
    "docstring.method": frozenset({"present"}),
    "docstring.module": frozenset({"present"}),
    "docstring.style": frozenset({"google", "numpy", "rest", "plain"}),
    "exceptions.bare": frozenset({"typed"}),
    "exceptions.message": frozenset({"message"}),
    "future_annotations": frozenset({"present"}),
    "imports.form": frozenset({"from"}),
    "imports.names": frozenset({"grouped", "one_per_line"}),
    "imports.relative": frozenset({"absolute", "relative"}),
    "indent": frozenset({"spaces-2", "spaces-4", "tabs"}),
    "comment_density": frozenset(),  # descriptive only
    "line_length": frozenset(),  # decided in learn._line_length
    "naming.class": _ALL_NAMING,
    "naming.constant": _ALL_NAMING,
    "naming.function": _ALL_NAMING,
    "naming.method": _ALL_NAMING,
    "naming.module": _ALL_NAMING,
    "naming.test_function": _ALL_NAMING,
    "optional_syntax": frozenset({"pipe", "Optional"}),
    "output": frozenset({"logging"}),
    "quotes": frozenset({"double", "single"}),
    "semicolons": frozenset({"always", "never"}),
    "string_format": frozenset({"fstring"}),
    "tests.file_naming": frozenset({"test_prefix", "test_suffix"}),
    "tests.framework": frozenset({"pytest", "unittest"}),
    "tests.layout": frozenset({"tests_dir", "colocated"}),
    "tests.mirroring": frozenset(),  # descriptive only
    "trailing_commas": frozenset({"trailing"}),
}


def enforceable(name: str) -> frozenset[str]:
    """The committed values of `name` whose deviations the checker may flag."""
    return ENFORCEABLE.get(name.removeprefix("js."), frozenset())


# Choices made per situation (an import form that avoids a cycle, a TestCase needed for
# its fixtures): enforced when the repository is clean, never by the local rule.
SITUATIONAL = frozenset({"imports.form", "imports.names", "imports.relative", "tests.framework"})

# Conventions about a whole file: checked only on new files, never on edited ones.
FILE_LEVEL = frozenset(
    {"docstring.module", "future_annotations", "naming.module", "tests.file_naming", "tests.layout"}
)

_PHRASES: dict[str, str] = {
    "annotations": "type annotations on function signatures: {value}",
    "comment_density": "comments on about {value} of lines (say why, not what)",
    "docstring.class": "public classes have docstrings: {value}",
    "docstring.function": "public functions have docstrings: {value}",
    "docstring.method": "public methods have docstrings: {value}",
    "docstring.module": "modules have docstrings: {value}",
    "docstring.style": "docstring style: {value}",
    "exceptions.bare": "exception handlers name the exception type: {value}",
    "exceptions.message": "raised exceptions carry a message: {value}",
    "future_annotations": "`from __future__ import annotations`: {value}",
    "imports.form": "imports of the project's own modules: {value} form",
    "imports.names": "from-imports: {value}",
    "imports.relative": "imports within the project: {value}",
    "indent": "indentation: {value}",
    "line_length": "maximum line length: {value}",
    "optional_syntax": "optional types written as: {value}",
    "output": "library code reports through: {value}",
    "quotes": "string quotes: {value}",
    "semicolons": "statement ends: {value}",
    "string_format": "string formatting: {value}",
    "tests.file_naming": "test file names: {value}",
    "tests.framework": "test framework: {value}",
    "tests.layout": "test layout: {value}",
    "tests.mirroring": "test modules: {value}",
    "trailing_commas": "trailing commas in exploded brackets: {value}",
}

_VALUES: dict[str, str] = {
    "pipe": "`X | None`",
    "Optional": "`Optional[X]`",
    "fstring": "f-strings",
    "percent": "`%` formatting",
    "format": "`str.format`",
    "spaces-4": "4 spaces",
    "spaces-2": "2 spaces",
    "tabs": "tabs",
    "test_prefix": "`test_*.py`",
    "test_suffix": "`*_test.py`",
    "tests_dir": "a separate tests directory",
    "colocated": "next to the code",
    "mirrored": "`tests/` mirrors the package (`tests/pkg/test_mod.py` for `pkg/mod.py`)",
    "named": "named after the module they test (`test_mod.py` for `mod.py`)",
    "unrelated": "not named after modules",
    "one_per_line": "one name per import statement",
    "grouped": "several names per statement",
    "typed": "always (no bare `except:`)",
    "present": "present",
    "missing": "missing",
    "full": "full",
    "message": "always",
    "no_message": "no",
}

# values whose wording depends on the convention
_SPECIFIC: dict[tuple[str, str], str] = {
    ("trailing_commas", "trailing"): "always",
    ("trailing_commas", "none"): "never",
    ("semicolons", "always"): "a semicolon after every statement",
    ("semicolons", "never"): "no semicolons",
}


def _value(name: str, value: str) -> str:
    return _SPECIFIC.get((name.removeprefix("js."), value)) or _VALUES.get(value, value)


def describe(name: str, value: str) -> str:
    """A short human phrase for one convention's value, for messages and prompts."""
    shown = _value(name, value)
    if name.startswith("js."):
        return "JS/TS " + describe(name.removeprefix("js."), value)
    if name.startswith("naming."):
        return f"{name.removeprefix('naming.').replace('_', ' ')} names: {shown}"
    template = _PHRASES.get(name, name + ": {value}")
    return template.format(value=shown)


def value_phrase(value: str, name: str = "") -> str:
    """How a value reads on its own ("double quotes", "`X | None`", "4 spaces")."""
    key = name.removeprefix("js.")
    shown = _value(name, value)
    if key in _NOUNS:
        return _NOUNS[key].format(value=shown)
    if key.startswith("naming."):
        return f"{shown} {key.removeprefix('naming.').replace('_', ' ')} names"
    return shown


_NOUNS: dict[str, str] = {
    "quotes": "{value} quotes",
    "indent": "{value} indentation",
    "semicolons": "{value}",
    "string_format": "{value}",
    "docstring.style": "{value}-style docstrings",
}


def deviation(name: str, found: str, expected: str, subject: str = "") -> str:
    """The message of a finding: what the line does and what the repository does."""
    key = name.removeprefix("js.")
    what = f"`{subject}`: " if subject else ""
    if key.startswith("docstring.") and key != "docstring.style" and found == "missing":
        kind = key.removeprefix("docstring.")
        public = "" if kind == "module" else "public "
        return f"{what}{public}{kind} without a docstring; the repository documents its {kind}s"
    if key == "annotations":
        degree = "not" if found == "none" else "partly"
        return f"{what}signature is {degree} annotated; the repository annotates every signature"
    if key == "future_annotations":
        return "module lacks `from __future__ import annotations`; the repository's modules have it"
    if key == "output":
        return "`print` in library code; the repository reports through `logging`"
    if key == "exceptions.bare":
        return "bare `except:`; the repository always names the exception type"
    if key == "exceptions.message":
        return f"{what}exception raised without a message; the repository's exceptions carry one"
    used = value_phrase(expected, name)
    return f"{what}{value_phrase(found, name)} where the repository uses {used}"
