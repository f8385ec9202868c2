from __future__ import annotations

from pathlib import Path

import pytest

from style import StyleError, check_diff, check_source, learn_profile
from style.model import StyleProfile
from tests.conftest import MakeRepo, git
from tests.style.conftest import typed_repo_files

NEW_MODULE = '''"""New module."""

from __future__ import annotations

from typing import Optional


def fetchIt(key: Optional[str]) -> str:
    """Fetch."""
    return 'x'
'''


@pytest.fixture
def typed_repo(make_repo: MakeRepo) -> Path:
    return make_repo(typed_repo_files(30, tests=30))


@pytest.fixture
def profile(typed_repo: Path) -> StyleProfile:
    return learn_profile(typed_repo)


def test_new_file_deviations_name_convention_line_and_evidence(profile: StyleProfile) -> None:
    findings = check_source(profile, "pkg/new.py", NEW_MODULE)
    assert [(f.line, f.convention) for f in findings] == [
        (8, "naming.function"),
        (8, "optional_syntax"),
        (10, "quotes"),
    ]
    naming, optional, quotes = findings
    assert naming.message == (
        "`fetchIt`: camelCase function names where the repository uses snake_case function"
        " names (e.g. `fetch_it`)"
    )
    assert quotes.evidence.startswith("30 of 30 files use double quotes, e.g. pkg/mod")
    assert quotes.fix is not None and quotes.fix.new == '    return "x"'
    assert optional.fix is not None
    assert optional.fix.new == "def fetchIt(key: str | None) -> str:"
    assert naming.fix is None


def test_only_changed_lines_are_checked(profile: StyleProfile) -> None:
    assert check_source(profile, "pkg/new.py", NEW_MODULE, changed_lines={9}) == []
    findings = check_source(profile, "pkg/new.py", NEW_MODULE, changed_lines={10})
    assert [(f.line, f.convention) for f in findings] == [(10, "quotes")]


def test_file_level_conventions_only_for_new_files(profile: StyleProfile) -> None:
    source = 'def helper_one(a: int) -> int:\n    """Help."""\n    return a\n'
    new = {f.convention for f in check_source(profile, "pkg/bare.py", source)}
    assert {"docstring.module", "future_annotations"} <= new
    assert check_source(profile, "pkg/bare.py", source, changed_lines={1, 2, 3}) == []


def test_unannotated_signature_is_reported_on_a_changed_line(profile: StyleProfile) -> None:
    source = (
        '"""M."""\n\nfrom __future__ import annotations\n\n\n'
        'def build(\n    size,\n) -> int:\n    """B."""\n    return size\n'
    )
    findings = check_source(profile, "pkg/m.py", source, changed_lines={7})
    assert [(f.line, f.convention, f.found) for f in findings] == [(7, "annotations", "partial")]


def test_tests_scope_does_not_demand_annotations(profile: StyleProfile) -> None:
    source = (
        "def make_thing(value):\n    return value\n\n\n"
        "def test_thing():\n    assert make_thing(1)\n"
    )
    assert check_source(profile, "tests/test_new.py", source) == []


def test_role_names_and_learned_exceptions_are_not_flagged(make_repo: MakeRepo) -> None:
    files = typed_repo_files(30)
    for i in range(3):
        files[f"pkg/handler{i}.py"] = (
            '"""H."""\n\nfrom __future__ import annotations\n\n\nclass Handler:\n'
            '    """H."""\n\n    def handleEvent(self) -> None:\n        """Handle."""\n'
        )
    profile = learn_profile(make_repo(files))
    source = (
        '"""V."""\n\nfrom __future__ import annotations\n\n\nclass Visitor:\n    """V."""\n\n'
        '    def visit_Name(self, node: object) -> None:\n        """Visit."""\n\n'
        '    def setUp(self) -> None:\n        """Set up."""\n\n'
        '    def handleEvent(self) -> None:\n        """Handle."""\n'
    )
    assert check_source(profile, "pkg/visitor.py", source) == []


def test_split_repository_produces_no_finding(make_repo: MakeRepo) -> None:
    files = {f"pkg/d{i}.py": f'A = "x{i}"\n' for i in range(20)}
    files.update({f"pkg/s{i}.py": f"A = 'x{i}'\n" for i in range(20)})
    profile = learn_profile(make_repo(files))
    assert check_source(profile, "pkg/new.py", "A = 'x'\nB = \"y\"\n") == []


def test_inconsistent_convention_is_not_enforced(make_repo: MakeRepo) -> None:
    files = typed_repo_files(30)
    files["pkg/odd.py"] = 'def oddOne() -> None:\n    """Odd."""\n'
    files["pkg/odd2.py"] = 'def oddTwo() -> None:\n    """Odd."""\n'
    profile = learn_profile(make_repo(files))
    naming = profile.get("naming.function")
    assert naming is not None and naming.value == "snake_case" and not naming.enforced
    assert check_source(profile, "pkg/new.py", 'def newOne() -> None:\n    """N."""\n') == []


def test_check_diff_flags_only_added_lines(typed_repo: Path, profile: StyleProfile) -> None:
    target = typed_repo / "pkg/mod3.py"
    old = target.read_text()
    # an existing line keeps its single quotes; only the added line may be flagged
    target.write_text(old.replace('"""Module 3."""', "'''Module 3.'''") + "\nEXTRA = 'added'\n")
    git(typed_repo, "add", "-A")
    git(typed_repo, "commit", "-q", "-m", "edit")
    target.write_text(target.read_text() + "OTHER = 'more'\nFINE = \"ok\"\n")
    (typed_repo / "pkg/fresh.py").write_text(NEW_MODULE)
    git(typed_repo, "add", "-A")
    diff = git(typed_repo, "diff", "--cached")
    findings = check_diff(profile, typed_repo, diff)
    assert [(f.path, f.line, f.convention) for f in findings] == [
        ("pkg/fresh.py", 8, "naming.function"),
        ("pkg/fresh.py", 8, "optional_syntax"),
        ("pkg/fresh.py", 10, "quotes"),
        ("pkg/mod3.py", old.count("\n") + 3, "quotes"),
    ]


def test_check_diff_rejects_paths_outside_the_repository(
    typed_repo: Path, profile: StyleProfile
) -> None:
    diff = "--- a/../evil.py\n+++ b/../evil.py\n@@ -0,0 +1 @@\n+X = 'a'\n"
    with pytest.raises(StyleError, match="outside the repository"):
        check_diff(profile, typed_repo, diff)


def test_check_diff_ignores_removed_files_and_other_languages(
    typed_repo: Path, profile: StyleProfile
) -> None:
    diff = (
        "--- a/pkg/mod1.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-X = 'a'\n"
        "--- a/README.md\n+++ b/README.md\n@@ -0,0 +1 @@\n+hello 'x'\n"
    )
    assert check_diff(profile, typed_repo, diff) == []


def test_garbage_diff_is_a_style_error(typed_repo: Path, profile: StyleProfile) -> None:
    with pytest.raises(StyleError, match="cannot parse the diff"):
        check_diff(profile, typed_repo, "--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n garbage\n")


def test_line_length_limit(make_repo: MakeRepo) -> None:
    files = {f"pkg/m{i}.py": "x = '" + "a" * (70 + i % 10) + "'\n" for i in range(30)}
    profile = learn_profile(make_repo(files))
    long_line = "y = '" + "b" * 90 + "'\n"
    findings = check_source(profile, "pkg/new.py", long_line)
    assert [(f.convention, f.expected, f.found) for f in findings] == [("line_length", "88", "96")]
    assert check_source(profile, "pkg/new.py", long_line.rstrip("\n") + "  # noqa: E501\n") == []


def test_edit_that_breaks_a_locally_consistent_file_is_flagged(make_repo: MakeRepo) -> None:
    files = typed_repo_files(30)
    # two files mix in `%` formatting: the repository commits to f-strings without enforcing
    for i in range(2):
        files[f"pkg/legacy{i}.py"] = 'A = "%s" % 1\nB = f"{A}"\nC = f"{B}"\n'
    profile = learn_profile(make_repo(files))
    convention = profile.get("string_format")
    assert convention is not None and convention.value == "fstring" and not convention.enforced
    source = 'A = f"{1}"\nB = "%s" % A\nC = f"{B}"\n'
    (finding,) = check_source(profile, "pkg/mod1.py", source, changed_lines={2})
    assert (finding.line, finding.convention, finding.found) == (2, "string_format", "percent")
    assert finding.evidence.endswith("; nothing else in this file breaks it")
    # the same line in a file that already mixes styles follows local usage: no finding
    mixed = 'A = "%s" % 1\nB = "%s" % A\nC = f"{B}"\n'
    assert check_source(profile, "pkg/mod1.py", mixed, changed_lines={2}) == []
    # and a new file is judged by the enforced conventions only
    assert not [
        f for f in check_source(profile, "pkg/new.py", source) if f.convention == "string_format"
    ]


def test_javascript_quotes_and_semicolons(make_repo: MakeRepo) -> None:
    files = {
        f"web/m{i}.ts": (
            f"export const VALUE_{i} = 'x';\nfunction makeIt{i}() {{\n  return 'y';\n}}\n"
        )
        for i in range(30)
    }
    profile = learn_profile(make_repo(files))
    source = "export const OTHER = \"x\"\nfunction make_it() {\n  return 'y';\n}\n"
    found = [(f.line, f.convention, f.found) for f in check_source(profile, "web/new.ts", source)]
    assert found == [
        (1, "js.quotes", "double"),
        (1, "js.semicolons", "never"),
        (2, "js.naming.function", "snake_case"),
    ]


def test_declared_formatter_rules_are_enforced_in_a_small_clean_repository(
    make_repo: MakeRepo,
) -> None:
    files = {f"src/m{i}.ts": f"export const VALUE_{i} = 'x';\n" for i in range(6)}
    files[".prettierrc"] = '{"singleQuote": true}\n'
    profile = learn_profile(make_repo(files))
    quotes = profile.get("js.quotes")
    assert quotes is not None and quotes.declared and quotes.enforced
    (finding,) = check_source(profile, "src/new.ts", 'export const OTHER = "x";\n')
    assert finding.message == "double quotes where the repository uses single quotes"
    assert finding.evidence == "declared in .prettierrc; 6 of 6 files follow it, e.g. src/m0.ts:1"
    learned = learn_profile(
        make_repo({k: v for k, v in files.items() if k != ".prettierrc"}, name="b")
    )
    assert check_source(learned, "src/new.ts", 'export const OTHER = "x";\n') == []


def test_a_file_whose_header_says_generated_is_not_checked(profile: StyleProfile) -> None:
    generated = "# Generated by the protocol buffer compiler.  DO NOT EDIT!\n" + NEW_MODULE
    assert check_source(profile, "pkg/new_pb.py", generated) == []
    assert check_source(profile, "pkg/version.py", NEW_MODULE) != []
