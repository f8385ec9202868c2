"""`patchwright check (--staged | --rev A..B | --diff FILE)`: changed lines vs the repo's style.

The profile comes from the base revision (HEAD for --staged and --diff, A for --rev), so
the change under review never votes on its own conventions. Exit 0 when nothing
deviates, 1 when findings remain, 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from service.commands._common import emit_json, repo_root
from style import (
    Finding,
    StyleError,
    StyleProfile,
    apply_fixes,
    check_diff,
    finding_dict,
    findings_to_sarif,
    learn_profile,
    learn_profile_at,
)
from style.revision import git, read_at

HELP = "check changed lines against the repository's style"
MAX_DIFF_BYTES = 20_000_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--staged", action="store_true", help="the staged change (vs HEAD)")
    source.add_argument("--rev", metavar="A..B", help="the change between two revisions")
    source.add_argument("--diff", metavar="FILE", help="a unified diff file ('-' for stdin)")
    parser.add_argument("--repo", default=".", help="repository root (default: .)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="an object with a findings list")
    output.add_argument("--sarif", action="store_true", help="SARIF 2.1.0")
    parser.add_argument(
        "--fix", action="store_true", help="apply mechanical fixes to the working-tree files"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="learn the profile afresh (no .patchwright/)"
    )


def run(args: argparse.Namespace) -> int:
    root = repo_root(args.repo)
    diff_text, profile, read = _inputs(args, root)
    findings = check_diff(profile, root, diff_text, read=read)
    fixed: dict[str, int] = {}
    if args.fix:
        findings, fixed = _fix(root, findings)
    if args.sarif:
        emit_json(findings_to_sarif(findings))
    elif args.json:
        emit_json(
            {
                "findings": [finding_dict(f) for f in findings],
                "fixed": [{"path": p, "lines": n} for p, n in sorted(fixed.items())],
            }
        )
    else:
        _print(findings, fixed)
    return 1 if findings else 0


def _inputs(
    args: argparse.Namespace, root: Path
) -> tuple[str, StyleProfile, Callable[[str], str] | None]:
    cache = not args.no_cache
    if (args.staged or args.rev) and not _is_git(root):
        raise StyleError(f"{root} is not a git repository (use --diff FILE)")
    if args.staged:
        diff = git(root, "diff", "--cached", "--no-color", "--no-ext-diff")
        return _decode(diff), _base_profile(root, "HEAD", cache), _reader(root, "")
    if args.rev:
        base, sep, head = args.rev.partition("..")
        if not sep or not base or not head or head.startswith("."):
            raise StyleError(f"--rev wants A..B, got {args.rev!r}")
        for rev in (base, head):
            if rev.startswith("-"):
                raise StyleError(f"not a usable revision: {rev!r}")
        diff = git(root, "diff", "--no-color", "--no-ext-diff", base, head, "--")
        return _decode(diff), learn_profile_at(root, base, cache=cache), _reader(root, head)
    return _read_diff(args.diff), _base_profile(root, "HEAD", cache), None


def _is_git(root: Path) -> bool:
    try:
        return git(root, "rev-parse", "--is-inside-work-tree").strip() == b"true"
    except StyleError:
        return False


def _base_profile(root: Path, rev: str, cache: bool) -> StyleProfile:
    try:
        return learn_profile_at(root, rev, cache=cache)
    except StyleError:
        return learn_profile(root)  # no commits yet, or not a git repository


def _reader(root: Path, rev: str) -> Callable[[str], str]:
    """Post-image reader: the index (rev "") or a commit."""

    def read(path: str) -> str:
        found = read_at(root, rev, [path])
        if path not in found:
            raise StyleError(f"cannot read {path} at {rev or 'the index'}")
        return found[path]

    return read


def _read_diff(name: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read(MAX_DIFF_BYTES + 1)
    else:
        try:
            with open(name, "rb") as handle:
                data = handle.read(MAX_DIFF_BYTES + 1)
        except OSError as exc:
            raise StyleError(f"cannot read diff {name}: {exc.strerror or exc}") from exc
    if len(data) > MAX_DIFF_BYTES:
        raise StyleError(f"diff is larger than {MAX_DIFF_BYTES} bytes")
    return _decode(data)


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _fix(root: Path, findings: list[Finding]) -> tuple[list[Finding], dict[str, int]]:
    """Apply fixes to working-tree files; returns the findings left and lines fixed per file."""
    remaining: list[Finding] = []
    fixed: dict[str, int] = {}
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    base = root.resolve()
    for path, group in sorted(by_path.items()):
        target = (base / path).resolve()
        fixable = [f for f in group if f.fix is not None]
        if not fixable or not target.is_relative_to(base) or not target.is_file():
            remaining.extend(group)
            continue
        before = target.read_text(encoding="utf-8")
        after = apply_fixes(before, fixable)
        changed = {
            f.fix.line
            for f in fixable
            if f.fix is not None and _line(after, f.fix.line) == f.fix.new != f.fix.old
        }
        if after != before:
            target.write_text(after, encoding="utf-8")
            fixed[path] = len(changed)
        remaining.extend(f for f in group if f.fix is None or f.fix.line not in changed)
    return remaining, fixed


def _line(source: str, number: int) -> str:
    lines = source.splitlines()
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _print(findings: list[Finding], fixed: dict[str, int]) -> None:
    for path, count in sorted(fixed.items()):
        print(f"fixed {count} line(s) in {path}")
    for f in findings:
        hint = "  [fixable with --fix]" if f.fix is not None else ""
        print(f"{f.path}:{f.line}: {f.convention}: {f.message}{hint}")
        print(f"    evidence: {f.evidence}")
    if not findings:
        print("no style deviations on the changed lines")
