"""Check new or changed lines against a profile.

A line is flagged when it deviates from an *enforced* convention, or, in an edit, from
a committed convention that nothing else in its file breaks. Only changed lines are
looked at; a new file is looked at whole.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path, PurePosixPath

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchSet

from style.conventions import FILE_LEVEL, SITUATIONAL, deviation, enforceable, value_phrase
from style.errors import StyleError
from style.fixes import optional_fixes, parse_quietly, quote_fixes
from style.imports import import_fixes
from style.items import Item
from style.model import NEUTRAL, Convention, Finding, Fix, StyleProfile
from style.naming import convert
from style.observe import scan_source
from style.paths import language_of

MAX_DIFF_CHARS = 20_000_000


def check_source(
    profile: StyleProfile,
    path: str,
    source: str,
    *,
    changed_lines: Collection[int] | None = None,
) -> list[Finding]:
    """Findings for `path`: the whole file when `changed_lines` is None (a new file),
    otherwise only on those 1-based lines. Sorted by line, then convention."""
    if language_of(path) is None or not profile.governs(path):
        return []
    found = scan_source(path, source)
    fixes = _Fixes(profile, path, source)
    local = _local_consistency(profile, path, found.items, changed_lines)
    findings: dict[tuple[int, str], Finding] = {}
    for item in found.items:
        if changed_lines is not None and (
            item.convention in FILE_LEVEL or not _touches(item, changed_lines)
        ):
            continue
        convention = _convention_for(profile, item.convention, path)
        if convention is None or _conforms(convention, item):
            continue
        if not (_enforced(convention) or item.convention in local):
            continue
        line = _report_line(item, changed_lines)
        key = (line, item.convention)
        if key in findings:
            continue
        fix = fixes.get(convention, item.value, item.line)
        findings[key] = Finding(
            path=path,
            line=line,
            convention=item.convention,
            message=_message(convention, item.value, item.name),
            evidence=_evidence(convention, local=item.convention in local),
            fix=fix,
            expected=convention.value,
            found=item.value,
        )
    limit = profile.get("line_length", path)
    if _enforced(limit) and limit is not None and limit.value.isdigit() and path.endswith(".py"):
        for line, length in found.line_lengths:
            if length > int(limit.value) and (changed_lines is None or line in changed_lines):
                findings[(line, "line_length")] = Finding(
                    path=path,
                    line=line,
                    convention="line_length",
                    message=f"line is {length} characters; the limit is {limit.value}",
                    evidence=_evidence(limit),
                    expected=limit.value,
                    found=str(length),
                )
    return [findings[key] for key in sorted(findings)]


def check_diff(
    profile: StyleProfile,
    root: Path,
    diff_text: str,
    *,
    read: Callable[[str], str] | None = None,
) -> list[Finding]:
    """Findings on the added and changed lines of a unified diff; new files are checked
    whole. The post-image is read from `root` (the working tree) unless `read` is given."""
    if len(diff_text) > MAX_DIFF_CHARS:
        raise StyleError(f"diff is larger than {MAX_DIFF_CHARS} characters")
    try:
        patch = PatchSet(diff_text)
    except UnidiffParseError as exc:
        raise StyleError(f"cannot parse the diff: {exc}") from exc
    reader = read or (lambda rel: _read_under(root, rel))
    findings: list[Finding] = []
    for patched in patch:
        if patched.is_removed_file:
            continue
        path = _safe_path(patched.path)
        if language_of(path) is None:
            continue
        source = reader(path)
        if patched.is_added_file:
            findings.extend(check_source(profile, path, source))
            continue
        added = {
            line.target_line_no
            for hunk in patched
            for line in hunk
            if line.is_added and line.target_line_no is not None
        }
        if added:
            findings.extend(check_source(profile, path, source, changed_lines=added))
    return sorted(findings, key=lambda f: (f.path, f.line, f.convention))


def _local_consistency(
    profile: StyleProfile, path: str, items: Sequence[Item], changed: Collection[int] | None
) -> set[str]:
    """Committed conventions that this file's unchanged lines never break.

    A repository can be consistent without every file being clean (a few `%` strings
    in an f-string codebase); an edit that brings the first deviation into a file that
    otherwise keeps the repository's rule is still news, while an edit that follows
    what its own file already does is not. Only for edits: a new file has no
    unchanged lines to compare with.
    """
    if changed is None:
        return set()
    broken: set[str] = set()
    for item in items:
        if item.convention in FILE_LEVEL or _touches(item, changed):
            continue
        convention = _convention_for(profile, item.convention, path)
        if convention is not None and not _conforms(convention, item):
            broken.add(item.convention)
    return {
        name
        for name in {i.convention for i in items}
        if name not in broken
        and name not in FILE_LEVEL
        and name not in SITUATIONAL
        and _committed(profile, name, path)
    }


def _committed(profile: StyleProfile, name: str, path: str) -> bool:
    convention = _convention_for(profile, name, path)
    return (
        convention is not None
        and not convention.abstained
        and convention.value in enforceable(convention.name)
    )


def _conforms(convention: Convention, item: Item) -> bool:
    if item.value == convention.value or (item.name and item.name in convention.exceptions):
        return True
    # a plain docstring fits any sectioned style
    return NEUTRAL.get(item.convention) == item.value


def _convention_for(profile: StyleProfile, name: str, path: str) -> Convention | None:
    convention = profile.get(name, path)
    if name.endswith("naming.method") and (convention is None or convention.abstained):
        # Too few classes to learn method names alone: methods follow the function rule
        # unless the few seen disagree with it.
        function = profile.get(name.replace("method", "function"), path)
        if convention is None or (
            convention.support == convention.total
            and function is not None
            and convention.value == function.value
        ):
            return function
    return convention


def _report_line(item: Item, changed: Collection[int] | None) -> int:
    """The occurrence's line, or the first changed line of a multi-line construct
    (review comments can only be placed on lines of the diff)."""
    if changed is None or item.line in changed:
        return item.line
    return min(line for line in range(item.line, item.end + 1) if line in changed)


def _touches(item: Item, changed: Collection[int]) -> bool:
    if item.line in changed:
        return True
    return item.end > item.line and any(
        line in changed for line in range(item.line + 1, item.end + 1)
    )


def _safe_path(raw: str) -> str:
    path = raw  # unidiff already dropped git's a/ and b/ prefixes
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or "\x00" in path or not path:
        raise StyleError(f"diff names a path outside the repository: {raw!r}")
    return pure.as_posix()


def _read_under(root: Path, rel: str) -> str:
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        raise StyleError(f"{rel} resolves outside the repository")
    try:
        return target.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise StyleError(f"cannot read {rel}: {exc.strerror or exc}") from exc


def _enforced(convention: Convention | None) -> bool:
    return convention is not None and convention.enforced and not convention.abstained


def _message(convention: Convention, found: str, name: str) -> str:
    text = deviation(convention.name, found, convention.value, name)
    if name and "naming." in convention.name:
        suggestion = convert(name, convention.value)
        if suggestion and suggestion != name:
            text += f" (e.g. `{suggestion}`)"
    return text


def _evidence(convention: Convention, *, local: bool = False) -> str:
    where = f" in {convention.scope}" if convention.scope else ""
    if convention.declared:
        text = f"declared in {convention.source or 'the project configuration'}"
        if convention.total:
            text += f"; {convention.support} of {convention.total} files{where} follow it"
    else:
        text = (
            f"{convention.support} of {convention.total} files{where} use "
            f"{value_phrase(convention.value, convention.name)}"
        )
        if convention.name.startswith("docstring.") and convention.value == "present":
            text = f"{convention.support} of {convention.total} files{where} document them"
        elif convention.value in {"present", "full", "typed", "message", "logging"}:
            text = f"{convention.support} of {convention.total} files{where} do"
    if convention.evidence:
        text += f", e.g. {convention.evidence[0]}"
    if local and not convention.enforced:
        text += "; nothing else in this file breaks it"
    return text


class _Fixes:
    """Fix proposals for one file, computed once per kind on first need."""

    def __init__(self, profile: StyleProfile, path: str, source: str) -> None:
        self.profile = profile
        self.path = path
        self.source = source
        self.cache: dict[str, dict[int, Fix]] = {}

    def get(self, convention: Convention, found: str, line: int) -> Fix | None:
        if convention.name == "quotes" and found in {"single", "double"}:
            key = "quotes:" + convention.value
            if key not in self.cache:
                self.cache[key] = quote_fixes(self.source, convention.value)
            return self.cache[key].get(line)
        if convention.name == "optional_syntax" and (convention.value, found) == (
            "pipe",
            "Optional",
        ):
            if "optional" not in self.cache:
                python = self.profile.declared.settings.get("python", "")
                self.cache["optional"] = optional_fixes(self.source, python)
            return self.cache["optional"].get(line)
        if convention.name == "imports.relative" and found != convention.value:
            key = "imports:" + convention.value
            if key not in self.cache:
                tree = parse_quietly(self.source)
                self.cache[key] = (
                    {}
                    if tree is None
                    else import_fixes(self.source, tree, self.path, convention.value)
                )
            return self.cache[key].get(line)
        return None
