"""What the project declares in its own configuration files.

A declared formatter settles formatting questions: black and ruff-format mean double
quotes (unless configured otherwise), 4-space indentation, a magic trailing comma and
their line length. Files are read defensively: a config that does not parse is ignored
(the profile then learns from the code), never a crash.
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from style.model import DeclaredConfig
from style.paths import MAX_EXCLUDE_REGEX_CHARS

MAX_CONFIG_BYTES = 1_000_000
_HOOK_ID = re.compile(r"^\s*-?\s*id:\s*['\"]?([\w.-]+)", re.M)
_ESLINT_RULE = re.compile(r"['\"]?(quotes|semi|indent)['\"]?\s*:\s*\[\s*['\"]?\w+['\"]?\s*,\s*"
                          r"['\"]?(single|double|always|never|tab|\d+)")  # fmt: skip


class _Builder:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.sources: dict[str, str] = {}
        self.settings: dict[str, str] = {}
        self.tools: set[str] = set()
        self.exclude: list[str] = []
        self.formatter: str | None = None

    def declare(self, name: str, value: str, source: str, *, override: bool = True) -> None:
        if override or name not in self.values:
            self.values[name] = value
            self.sources[name] = source

    def build(self) -> DeclaredConfig:
        return DeclaredConfig(
            values=dict(sorted(self.values.items())),
            sources=dict(sorted(self.sources.items())),
            tools=tuple(sorted(self.tools)),
            formatter=self.formatter,
            exclude=tuple(self.exclude),
            settings=dict(sorted(self.settings.items())),
        )


def _read(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_CONFIG_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def read_declared(root: Path) -> DeclaredConfig:
    """Declared conventions from pyproject.toml, setup.cfg, tox.ini, .flake8,
    .editorconfig, .pre-commit-config.yaml, .prettierrc and ESLint configs at `root`."""
    builder = _Builder()
    hooks = _pre_commit_hooks(root)
    builder.tools.update(hooks)
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        _ini(builder, root, name)
    _pyproject(builder, root, hooks)
    _editorconfig(builder, root)
    _prettier(builder, root, hooks)
    _eslint(builder, root)
    return builder.build()


def _pre_commit_hooks(root: Path) -> set[str]:
    text = _read(root / ".pre-commit-config.yaml") or _read(root / ".pre-commit-config.yml")
    return set(_HOOK_ID.findall(text)) if text else set()


def _table(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    current: Any = data
    for key in keys:
        current = current.get(key) if isinstance(current, dict) else None
    return current if isinstance(current, dict) else {}


def _pyproject(builder: _Builder, root: Path, hooks: set[str]) -> None:
    text = _read(root / "pyproject.toml")
    data: dict[str, Any] = {}
    if text is not None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            data = {}
    source = "pyproject.toml"
    requires = _table(data, "project").get("requires-python")
    if isinstance(requires, str):
        match = re.search(r">=?\s*(3\.\d+)", requires)
        if match:
            builder.settings["python"] = match.group(1)
    tools = _table(data, "tool")
    ruff = _table(data, "tool", "ruff")
    black = _table(data, "tool", "black")
    if "ruff" in tools:
        builder.tools.add("ruff")
        _ruff(builder, ruff, source)
    ruff_format = bool(_table(ruff, "format")) or "ruff-format" in hooks
    if "black" in tools or "black" in hooks:
        builder.tools.add("black")
        origin = source if "black" in tools else ".pre-commit-config.yaml"
        _formatter(builder, "black", black, origin)
        for key in ("exclude", "extend-exclude", "force-exclude"):
            regex = black.get(key)
            if isinstance(regex, str) and regex.strip() and len(regex) < MAX_EXCLUDE_REGEX_CHARS:
                builder.exclude.append("re:" + regex.strip())
    elif ruff_format:
        builder.tools.add("ruff-format")
        origin = source if "format" in ruff else ".pre-commit-config.yaml"
        _formatter(builder, "ruff-format", ruff, origin)
    isort = _table(data, "tool", "isort")
    if "isort" in tools:
        builder.tools.add("isort")
        profile = isort.get("profile")
        if isinstance(profile, str):
            builder.settings["isort_profile"] = profile
        if isort.get("force_single_line") is True:
            builder.declare("imports.names", "one_per_line", source)
    mypy = _table(data, "tool", "mypy")
    if "mypy" in tools:
        builder.tools.add("mypy")
        if mypy.get("strict") is True or mypy.get("disallow_untyped_defs") is True:
            builder.declare("annotations", "full", source)
            builder.settings["mypy"] = "strict"
    if "ini_options" in _table(data, "tool", "pytest"):
        builder.tools.add("pytest")


def _ruff(builder: _Builder, ruff: dict[str, Any], source: str) -> None:
    length = ruff.get("line-length")
    if isinstance(length, int) and 40 <= length <= 400:
        builder.declare("line_length", str(length), source)
    target = ruff.get("target-version")
    if isinstance(target, str) and re.fullmatch(r"py3\d+", target):
        builder.settings["python"] = f"3.{target[3:]}"
    for key in ("exclude", "extend-exclude"):
        patterns = ruff.get(key)
        if isinstance(patterns, list):
            builder.exclude.extend(p for p in patterns if isinstance(p, str) and len(p) < 300)


def _formatter(builder: _Builder, name: str, table: dict[str, Any], source: str) -> None:
    builder.formatter = name
    settings = _table(table, "format") if name == "ruff-format" else table
    if name == "black":
        quotes_free = table.get("skip-string-normalization") is True
        magic = table.get("skip-magic-trailing-comma") is not True
        length = table.get("line-length", 88)
    else:
        style = settings.get("quote-style", "double")
        quotes_free = style not in {"double", "single"}
        magic = settings.get("skip-magic-trailing-comma") is not True
        length = table.get("line-length", 88)
    if not quotes_free:
        quote = "single" if settings.get("quote-style") == "single" else "double"
        builder.declare("quotes", quote, source)
    if settings.get("indent-style") == "tab":
        builder.declare("indent", "tabs", source)
    else:
        builder.declare("indent", f"spaces-{table.get('indent-width', 4)}", source)
    if magic:
        builder.declare("trailing_commas", "trailing", source)
    if isinstance(length, int) and 40 <= length <= 400:
        builder.declare("line_length", str(length), source)


def _ini(builder: _Builder, root: Path, name: str) -> None:
    text = _read(root / name)
    if text is None:
        return
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return
    if parser.has_section("flake8"):
        builder.tools.add("flake8")
        length = parser.get("flake8", "max-line-length", fallback="") or parser.get(
            "flake8", "max_line_length", fallback=""
        )
        if length.strip().isdigit() and 40 <= int(length) <= 400:
            builder.declare("line_length", length.strip(), name, override=False)
        excluded = parser.get("flake8", "exclude", fallback="")
        builder.exclude.extend(p.strip() for p in re.split(r"[,\n]", excluded) if p.strip())
    if parser.has_section("isort"):
        builder.tools.add("isort")
        if parser.get("isort", "force_single_line", fallback="").lower() == "true":
            builder.declare("imports.names", "one_per_line", name)
    if parser.has_section("tool:pytest") or (name == "tox.ini" and parser.has_section("pytest")):
        builder.tools.add("pytest")
    if parser.has_section("mypy") and parser.get("mypy", "strict", fallback="") == "True":
        builder.declare("annotations", "full", name, override=False)


def _editorconfig(builder: _Builder, root: Path) -> None:
    text = _read(root / ".editorconfig")
    if text is None:
        return
    section = ""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].split(";", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        key, _, value = (part.strip().lower() for part in line.partition("="))
        python = section in {"*", "*.py"} or (section.startswith("*.{") and "py" in section)
        js = section in {"*", "*.js", "*.ts"} or (section.startswith("*.{") and "js" in section)
        for prefix, applies in (("", python), ("js.", js)):
            if not applies:
                continue
            specific = section != "*"
            if key == "indent_style" and value == "tab":
                builder.declare(prefix + "indent", "tabs", ".editorconfig", override=specific)
            elif key == "indent_size" and value in {"2", "4", "8"}:
                builder.declare(
                    prefix + "indent", f"spaces-{value}", ".editorconfig", override=specific
                )
            elif key == "max_line_length" and value.isdigit() and not prefix:
                builder.declare("line_length", value, ".editorconfig", override=False)


def _prettier(builder: _Builder, root: Path, hooks: set[str]) -> None:
    config: dict[str, Any] | None = None
    source = ""
    for name in (".prettierrc", ".prettierrc.json"):
        text = _read(root / name)
        if text is not None:
            config, source = _json_object(text), name
            break
    if config is None:
        package = _json_object(_read(root / "package.json") or "")
        if isinstance(package.get("prettier"), dict):
            config, source = package["prettier"], "package.json"
    if config is None and "prettier" not in hooks:
        return
    config = config or {}
    source = source or ".pre-commit-config.yaml"
    builder.tools.add("prettier")
    builder.declare(
        "js.quotes", "single" if config.get("singleQuote") is True else "double", source
    )
    builder.declare("js.semicolons", "never" if config.get("semi") is False else "always", source)
    width = config.get("tabWidth", 2)
    indent = "tabs" if config.get("useTabs") is True else f"spaces-{width}"
    builder.declare("js.indent", indent, source)


def _eslint(builder: _Builder, root: Path) -> None:
    for name in (".eslintrc.json", ".eslintrc", "eslint.config.js", "eslint.config.mjs"):
        text = _read(root / name)
        if text is None:
            continue
        builder.tools.add("eslint")
        for rule, value in _ESLINT_RULE.findall(text):
            if rule == "quotes" and value in {"single", "double"}:
                builder.declare("js.quotes", value, name, override=False)
            elif rule == "semi" and value in {"always", "never"}:
                builder.declare("js.semicolons", value, name, override=False)
            elif rule == "indent":
                indent = "tabs" if value == "tab" else f"spaces-{value}"
                builder.declare("js.indent", indent, name, override=False)
        return


def _json_object(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
