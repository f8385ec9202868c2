from __future__ import annotations

from style import DeclaredConfig, observe_source, profile_from_observations
from tests.style.conftest import TYPED_MODULE, typed_repo_files


def learn(files: dict[str, str], declared: DeclaredConfig | None = None):  # type: ignore[no-untyped-def]
    observations = {path: observe_source(path, text) for path, text in files.items()}
    return profile_from_observations(observations, declared=declared)


def test_consistent_repository_commits_and_enforces(typed_files: dict[str, str]) -> None:
    profile = learn(typed_files)
    quotes = profile.get("quotes")
    assert quotes is not None
    assert (quotes.value, quotes.abstained, quotes.enforced) == ("double", False, True)
    assert (quotes.support, quotes.total) == (30, 30)
    assert quotes.evidence[0] == "pkg/mod0.py:1" or quotes.evidence[0].startswith("pkg/mod0.py:")
    assert quotes.example
    for name, value in [
        ("annotations", "full"),
        ("docstring.function", "present"),
        ("docstring.method", "present"),
        ("future_annotations", "present"),
        ("naming.class", "PascalCase"),
        ("naming.function", "snake_case"),
        ("optional_syntax", "pipe"),
        ("string_format", "fstring"),
        ("output", "logging"),
        ("exceptions.message", "message"),
    ]:
        convention = profile.get(name)
        assert convention is not None, name
        assert (convention.value, convention.abstained, convention.enforced) == (value, False, True)


def test_split_repository_abstains_with_a_reason() -> None:
    files = {f"pkg/d{i}.py": f'A = "x{i}"\nB = "y"\n' for i in range(15)}
    files.update({f"pkg/s{i}.py": f"A = 'x{i}'\nB = 'y'\n" for i in range(15)})
    quotes = learn(files).get("quotes")
    assert quotes is not None and quotes.abstained and not quotes.enforced
    assert quotes.reason.startswith("not consistent: 15 of 30 files prefer")


def test_too_few_files_abstain() -> None:
    quotes = learn({f"m{i}.py": 'A = "x"\n' for i in range(4)}).get("quotes")
    assert quotes is not None and quotes.abstained
    assert quotes.reason == "too few files with an opinion (4 < 8)"


def test_one_big_file_cannot_outvote_many_small_ones() -> None:
    files = {f"pkg/m{i}.py": 'A = "x"\n' for i in range(40)}
    files["pkg/big.py"] = "".join(f"A{i} = 'x'\n" for i in range(5000))
    quotes = learn(files).get("quotes")
    assert quotes is not None and quotes.value == "double" and not quotes.abstained
    assert (quotes.support, quotes.total) == (40, 41)
    assert not quotes.enforced  # one file in 41 deviates: flagging would be noise


def test_tests_directory_gets_its_own_scope() -> None:
    files = typed_repo_files(30, tests=30)
    profile = learn(files)
    repo = profile.get("annotations", "pkg/mod1.py")
    tests = profile.get("annotations", "tests/test_mod1.py")
    assert repo is not None and tests is not None
    assert (repo.scope, repo.value, repo.enforced) == ("", "full", True)
    assert tests.scope == "tests/" and tests.value == "none"
    assert profile.get("annotations") is repo


def test_small_directory_that_agrees_is_not_a_scope(typed_files: dict[str, str]) -> None:
    files = dict(typed_files)
    files.update({f"pkg/sub/m{i}.py": TYPED_MODULE.format(i=100 + i) for i in range(9)})
    profile = learn(files)
    assert [c.scope for c in profile.conventions if c.name == "quotes"] == [""]


def test_one_directional_docstrings_never_demand_fewer() -> None:
    files = {f"pkg/m{i}.py": f"def f{i}_x():\n    return {i}\n" for i in range(30)}
    convention = learn(files).get("docstring.function")
    assert convention is not None and convention.value == "missing"
    assert not convention.abstained and not convention.enforced


def test_recurring_non_conforming_names_are_learned_exceptions(typed_files: dict[str, str]) -> None:
    files = dict(typed_files)
    for i in range(3):
        files[f"pkg/handler{i}.py"] = "class H:\n    def handleEvent(self) -> None:\n        pass\n"
    method = learn(files).get("naming.method")
    assert method is not None and method.value == "snake_case"
    assert method.exceptions == ("handleEvent",)


def test_declared_configuration_overrides_learned() -> None:
    files = {f"pkg/m{i}.py": f"A = 'x{i}'\n" for i in range(30)}
    declared = DeclaredConfig(values={"quotes": "double"}, sources={"quotes": "pyproject.toml"})
    quotes = learn(files, declared).get("quotes")
    assert quotes is not None
    assert (quotes.value, quotes.declared, quotes.source) == ("double", True, "pyproject.toml")
    assert not quotes.enforced  # declared but the code does not follow it: no noise


def test_declared_exclusions_and_vendored_files_do_not_vote() -> None:
    files = {f"pkg/m{i}.py": 'A = "x"\n' for i in range(30)}
    files.update({f"pkg/_vendor/v{i}.py": "A = 'x'\n" for i in range(30)})
    files.update({f"gen/g{i}.py": "A = 'x'\n" for i in range(30)})
    profile = learn(files, DeclaredConfig(exclude=("gen/",)))
    quotes = profile.get("quotes")
    assert quotes is not None and (quotes.support, quotes.total) == (30, 30)
    assert profile.files == 30


def test_line_length_is_a_common_limit() -> None:
    files = {f"m{i}.py": "x = 1\n" + "y = '" + "a" * (75 + i % 5) + "'\n" for i in range(30)}
    limit = learn(files).get("line_length")
    assert limit is not None and limit.value == "88" and limit.enforced
    ragged = {f"m{i}.py": "y = '" + "a" * (60 + 7 * i) + "'\n" for i in range(30)}
    assert learn(ragged).get("line_length").abstained  # type: ignore[union-attr]


def test_comment_density_is_described_never_enforced() -> None:
    body = "".join(f"x{n} = {n}\n" for n in range(19)) + "# why the next line matters\ny = 1\n"
    density = learn({f"pkg/m{i}.py": body for i in range(10)}).get("comment_density")
    assert density is not None
    assert (density.value, density.abstained, density.enforced) == ("5%", False, False)
    assert learn({"pkg/m.py": body}).get("comment_density").abstained  # type: ignore[union-attr]


def test_profile_does_not_govern_skipped_or_excluded_paths(typed_files: dict[str, str]) -> None:
    profile = learn(typed_files, DeclaredConfig(exclude=("gen/",)))
    assert profile.get("quotes", "pkg/new.py") is not None
    assert profile.governs("pkg/new.py")
    for path in ("gen/out.py", "tests/data/case.py", "pkg/_vendor/six.py", "docs/conf.py"):
        assert not profile.governs(path)
        assert profile.get("quotes", path) is None


def test_per_file_choices_take_a_wider_margin_than_formatting() -> None:
    files = {}
    for i in range(100):
        documented = i < 93
        doc = '"""Module."""\n' if documented else ""
        quote = '"' if documented else "'"
        files[f"pkg/m{i}.py"] = f"{doc}A = {quote}x{quote}\n\n\ndef f{i}_x():\n    return A\n"
    profile = learn(files)
    quotes = profile.get("quotes")
    module_docs = profile.get("docstring.module")
    assert quotes is not None and not quotes.abstained and quotes.value == "double"
    assert module_docs is not None and module_docs.abstained
    assert (module_docs.support, module_docs.total) == (93, 100)
    assert "lower bound 0.88 < 0.9" in module_docs.reason
