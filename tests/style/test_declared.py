from __future__ import annotations

from pathlib import Path

from style import read_declared
from style.model import StyleProfile
from style.paths import is_excluded


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_ruff_format_and_mypy_in_pyproject(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "pyproject.toml": """
[project]
requires-python = ">=3.9"
[tool.ruff]
line-length = 100
target-version = "py311"
extend-exclude = ["gen/"]
[tool.ruff.format]
quote-style = "single"
[tool.mypy]
strict = true
[tool.pytest.ini_options]
addopts = "-q"
"""
        },
    )
    declared = read_declared(root)
    assert declared.values == {
        "annotations": "full",
        "indent": "spaces-4",
        "line_length": "100",
        "quotes": "single",
        "trailing_commas": "trailing",
    }
    assert declared.formatter == "ruff-format"
    assert declared.exclude == ("gen/",)
    assert declared.tools == ("mypy", "pytest", "ruff", "ruff-format")
    assert declared.settings["python"] == "3.11"
    assert declared.sources["quotes"] == "pyproject.toml"


def test_black_settles_formatting(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": "[tool.black]\nline-length = 120\n"})
    declared = read_declared(root)
    assert declared.formatter == "black"
    assert declared.values["quotes"] == "double"
    assert declared.values["line_length"] == "120"


def test_black_exclude_regex_keeps_its_files_out_of_the_profile(tmp_path: Path) -> None:
    toml = """[tool.black]
extend-exclude = '''
/(
    tests/data/
  | profiling/
)
'''
"""
    declared = read_declared(write(tmp_path, {"pyproject.toml": toml}))
    assert len(declared.exclude) == 1 and declared.exclude[0].startswith("re:/(")
    assert is_excluded("profiling/list_huge.py", declared.exclude)
    assert not is_excluded("src/black/linegen.py", declared.exclude)
    profile = StyleProfile(conventions=(), declared=declared)
    assert not profile.governs("profiling/list_huge.py")
    assert profile.governs("src/black/linegen.py")


def test_black_without_string_normalization_declares_no_quotes(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": "[tool.black]\nskip-string-normalization = true\n"})
    declared = read_declared(root)
    assert "quotes" not in declared.values
    assert declared.values["line_length"] == "88"


def test_pre_commit_hooks_declare_a_formatter(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            ".pre-commit-config.yaml": """repos:
-   repo: https://github.com/psf/black
    rev: 24.1.0
    hooks:
    -   id: black
-   repo: https://github.com/pycqa/isort
    hooks:
      - id: isort
"""
        },
    )
    declared = read_declared(root)
    assert declared.formatter == "black"
    assert {"black", "isort"} <= set(declared.tools)
    assert declared.sources["quotes"] == ".pre-commit-config.yaml"


def test_setup_cfg_flake8_tox_and_isort(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "setup.cfg": "[flake8]\nmax-line-length = 99\nexclude = build,docs/conf.py\n"
            "[isort]\nforce_single_line = true\n",
            "tox.ini": "[pytest]\naddopts = -q\n",
        },
    )
    declared = read_declared(root)
    assert declared.values["line_length"] == "99"
    assert declared.values["imports.names"] == "one_per_line"
    assert declared.exclude == ("build", "docs/conf.py")
    assert {"flake8", "isort", "pytest"} <= set(declared.tools)


def test_editorconfig_indentation(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {".editorconfig": "root = true\n[*]\nindent_size = 4\n[*.{js,ts}]\nindent_size = 2\n"},
    )
    declared = read_declared(root)
    assert declared.values["indent"] == "spaces-4"
    assert declared.values["js.indent"] == "spaces-2"


def test_prettier_and_eslint(tmp_path: Path) -> None:
    root = write(tmp_path, {".prettierrc": '{"singleQuote": true, "semi": false}'})
    declared = read_declared(root)
    assert declared.values["js.quotes"] == "single"
    assert declared.values["js.semicolons"] == "never"
    assert declared.values["js.indent"] == "spaces-2"
    other = tmp_path / "other"
    other.mkdir()
    write(
        other,
        {".eslintrc.json": '{"rules": {"quotes": ["error", "double"], "indent": ["error", 4]}}'},
    )
    eslint = read_declared(other)
    assert eslint.values["js.quotes"] == "double"
    assert eslint.values["js.indent"] == "spaces-4"


def test_malformed_configuration_is_ignored(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "pyproject.toml": "[tool.ruff\nline-length = ",
            "setup.cfg": "not an ini file [",
            ".prettierrc": "{oops",
        },
    )
    declared = read_declared(root)
    assert "line_length" not in declared.values
    assert declared.values.get("js.quotes") == "double"  # prettier's default still applies


def test_nothing_declared(tmp_path: Path) -> None:
    declared = read_declared(tmp_path)
    assert declared.values == {} and declared.tools == () and declared.formatter is None
