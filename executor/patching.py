"""Validate an untrusted unified diff, then apply it with `git apply`, all or nothing.

Before git sees the patch every path it names is checked: relative, no `..`, nothing
under `.git/`, no existing symlink on the way, and any symlink the patch creates points
inside the tree (or symlinks are refused outright). git then checks the whole patch and
applies it atomically, so a patch that does not apply cleanly changes nothing.
"""

from __future__ import annotations

import itertools
import os
import posixpath
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from executor.errors import PatchError

MAX_PATCH_BYTES = 5 * 1024 * 1024
MAX_PATH_CHARS = 4096
SYMLINK_MODE = "120000"
_GIT_TIMEOUT = 120
_HUNK = re.compile(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


@dataclass(frozen=True, slots=True)
class FileChange:
    """What one file section of a patch declares, before git reads it."""

    old_path: str | None  # None: the file is created
    new_path: str | None  # None: the file is deleted
    new_mode: str | None = None
    symlink_target: str | None = None


def git_env() -> dict[str, str]:
    """git without the user's global or system config: no hooks, filters or aliases."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": "/nonexistent",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_TERMINAL_PROMPT": "0",
        "LC_ALL": "C",
        "GIT_AUTHOR_NAME": "patchwright",
        "GIT_AUTHOR_EMAIL": "patchwright@localhost",
        "GIT_COMMITTER_NAME": "patchwright",
        "GIT_COMMITTER_EMAIL": "patchwright@localhost",
        "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
    }


def parse_patch(text: str) -> list[FileChange]:
    """The file sections of a git-style or plain unified diff, in order."""
    if "\0" in text:
        raise PatchError("patch contains a NUL byte; binary patches are not accepted")
    if len(text.encode("utf-8", "surrogateescape")) > MAX_PATCH_BYTES:
        raise PatchError(f"patch is larger than {MAX_PATCH_BYTES // (1024 * 1024)} MB")
    changes: list[FileChange] = []
    section: dict[str, str | None] | None = None
    target_lines: list[str] = []
    old_left = new_left = 0
    for line in text.split("\n"):
        if old_left > 0 or new_left > 0:
            # Inside a hunk the counts decide, so a removed line "-- x" is not a header.
            if line.startswith("\\"):
                continue
            tag = line[:1]
            if tag in (" ", ""):
                old_left, new_left = old_left - 1, new_left - 1
            elif tag == "-":
                old_left -= 1
            elif tag == "+":
                new_left -= 1
                target_lines.append(line[1:])
            else:
                raise PatchError(f"corrupt patch: unexpected line in a hunk: {line[:80]!r}")
        elif line.startswith("diff --git "):
            _close(section, target_lines, changes)
            section, target_lines = _git_header(line[len("diff --git ") :]), []
        elif line.startswith("--- ") and (section is None or "minus" in section):
            _close(section, target_lines, changes)
            section, target_lines = {"minus": _strip(line[4:], "a/")}, []
        elif section is None:
            continue
        elif line.startswith("@@"):
            old_left, new_left = _hunk_counts(line)
        else:
            _header_line(section, line)
    _close(section, target_lines, changes)
    return changes


def _hunk_counts(line: str) -> tuple[int, int]:
    match = _HUNK.match(line)
    if match is None:
        raise PatchError(f"corrupt patch: bad hunk header {line[:80]!r}")
    old, new = match.group(1), match.group(2)
    return (int(old) if old is not None else 1), (int(new) if new is not None else 1)


def _git_header(rest: str) -> dict[str, str | None]:
    if rest.startswith('"'):
        old, _, tail = _quoted(rest)
        new = _unquote(tail.strip()) if tail.strip().startswith('"') else tail.strip()
        return {"git_old": _strip(old, "a/"), "git_new": _strip(new, "b/")}
    half = (len(rest) - 1) // 2
    if len(rest) % 2 == 1 and rest[half] == " " and rest[2:half] == rest[half + 3 :]:
        return {"git_old": rest[2:half], "git_new": rest[half + 3 :]}
    old, _, new = rest.partition(" b/")
    return {"git_old": _strip(old, "a/"), "git_new": new}


def _header_line(section: dict[str, str | None], line: str) -> None:
    if line.startswith("GIT binary patch") or (
        line.startswith("Binary files ") and line.endswith(" differ")
    ):
        raise PatchError("binary patches are not accepted")
    for prefix, key in (
        ("--- ", "minus"),
        ("+++ ", "plus"),
        ("rename from ", "from"),
        ("copy from ", "from"),
        ("rename to ", "to"),
        ("copy to ", "to"),
        ("new file mode ", "created"),
        ("new mode ", "mode"),
        ("deleted file mode ", "deleted"),
    ):
        if line.startswith(prefix):
            value = line[len(prefix) :]
            if key in ("minus", "plus"):
                section[key] = _strip(value, "a/" if key == "minus" else "b/")
            elif key in ("from", "to"):
                section[key] = _unquote(value) if value.startswith('"') else value
            else:
                section[key] = value.strip()
            return


def _close(
    section: dict[str, str | None] | None, target_lines: list[str], out: list[FileChange]
) -> None:
    if section is None:
        return
    if section.get("from"):
        old = section["from"]
    elif "minus" in section:
        old = section["minus"]
    else:
        old = None if "created" in section else section.get("git_old")
    if section.get("to"):
        new = section["to"]
    elif "plus" in section:
        new = section["plus"]
    else:
        new = None if "deleted" in section else section.get("git_new")
    mode = section.get("created") or section.get("mode")
    target = "\n".join(target_lines) if mode == SYMLINK_MODE else None
    out.append(FileChange(old_path=old, new_path=new, new_mode=mode, symlink_target=target))


def _strip(value: str, prefix: str) -> str | None:
    value = value.split("\t")[0] if not value.startswith('"') else _unquote(value)
    if value == "/dev/null":
        return None
    return value[len(prefix) :] if value.startswith(prefix) else value


def _quoted(text: str) -> tuple[str, int, str]:
    """Split a C-quoted string off the front of `text`: (unquoted, length, rest)."""
    index = 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == '"':
            return _unquote(text[: index + 1]), index + 1, text[index + 1 :]
        index += 1
    raise PatchError(f"unterminated quoted path in patch header: {text[:80]!r}")


def _unquote(text: str) -> str:
    body = text.strip()
    if not (len(body) >= 2 and body[0] == '"' and body[-1] == '"'):
        return body
    raw = bytearray()
    index, body = 0, body[1:-1]
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            nxt = body[index + 1]
            digits = body[index + 1 : index + 4]
            if len(digits) == 3 and all(d in "01234567" for d in digits):
                raw.append(int(digits, 8) & 0xFF)
                index += 4
                continue
            raw += _ESCAPES.get(nxt, nxt).encode()
            index += 2
            continue
        raw += char.encode()
        index += 1
    return raw.decode("utf-8", "surrogateescape")


def check_changes(tree: Path, changes: list[FileChange], *, allow_symlinks: bool = True) -> None:
    """Raise `PatchError` naming the first path that could escape `tree`."""
    for change in changes:
        for path in (change.old_path, change.new_path):
            if path is not None:
                check_path(tree, path)
        if change.new_mode == SYMLINK_MODE and change.new_path is not None:
            _check_symlink(change.new_path, change.symlink_target or "", allow_symlinks)


def check_path(tree: Path, path: str) -> None:
    """One relative path: inside the tree, outside `.git`, not through a symlink."""
    if not path or len(path) > MAX_PATH_CHARS or "\0" in path:
        raise PatchError(f"patch names an invalid path: {path[:80]!r}")
    if path.startswith("/") or posixpath.isabs(path) or path.startswith("~"):
        raise PatchError(f"patch names an absolute path: {path}")
    parts = path.replace("\\", "/").split("/")
    if ".." in parts:
        raise PatchError(f"patch path leaves the tree through '..': {path}")
    if any(part.casefold() == ".git" for part in parts):
        raise PatchError(f"patch writes into .git: {path}")
    current = tree
    for part in parts[:-1]:
        current = current / part
        if current.is_symlink():
            raise PatchError(f"patch path {path} goes through the symlink {part}")


def _check_symlink(path: str, target: str, allow_symlinks: bool) -> None:
    if not allow_symlinks:
        raise PatchError(f"patch creates a symlink and symlinks are refused: {path}")
    if not target or target.startswith("/") or "\0" in target:
        raise PatchError(f"patch creates a symlink pointing outside the tree: {path} -> {target}")
    parts = target.split("/")
    leading = len(parts) - len(list(itertools.dropwhile(lambda part: part == "..", parts)))
    # ".." after a name would resolve relative to wherever that name points: refuse it.
    later_parent = ".." in parts[leading:]
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    escapes = resolved == ".." or resolved.startswith("../")
    if later_parent or escapes or any(p.casefold() == ".git" for p in resolved.split("/")):
        raise PatchError(f"patch creates a symlink pointing outside the tree: {path} -> {target}")


def apply_patch(tree: Path, patch: str, *, allow_symlinks: bool = True) -> list[str]:
    """Check then apply `patch` in the git work tree `tree`; returns the touched paths."""
    if not patch.strip():
        return []
    changes = parse_patch(patch)
    if not changes:
        raise PatchError("patch holds no file changes (expected a unified diff)")
    check_changes(tree, changes, allow_symlinks=allow_symlinks)
    # git's own reading of the paths is checked too, in case it differs from ours.
    numstat = _git_apply(tree, patch, "--numstat", "-z").split("\0")
    paths = {entry.split("\t", 2)[2] for entry in numstat if entry.count("\t") >= 2}
    paths.discard("")
    for path in paths:
        check_path(tree, path)
    for change in changes:
        paths.update(p for p in (change.old_path, change.new_path) if p is not None)
    _check_git_symlinks(tree, patch, changes)
    _git_apply(tree, patch, "--check")
    _git_apply(tree, patch)
    return sorted(paths)


def _check_git_symlinks(tree: Path, patch: str, changes: list[FileChange]) -> None:
    """Every symlink git would create must be one whose target was checked above."""
    checked = {c.new_path for c in changes if c.new_mode == SYMLINK_MODE}
    for line in _git_apply(tree, patch, "--summary").splitlines():
        _, marker, path = line.partition(f" {SYMLINK_MODE} ")
        if marker and _unquote(path) not in checked:
            raise PatchError(f"patch creates a symlink that could not be checked: {path}")


def _git_apply(tree: Path, patch: str, *options: str) -> str:
    argv = ["git", "-c", f"safe.directory={tree}", "apply", "--whitespace=nowarn", *options]
    try:
        done = subprocess.run(
            argv,
            cwd=tree,
            input=patch.encode("utf-8", "surrogateescape"),
            env=git_env(),
            capture_output=True,
            timeout=_GIT_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PatchError(f"git apply could not run: {exc}") from exc
    if done.returncode != 0:
        raise PatchError(describe_failure(done.stderr.decode("utf-8", "replace")))
    return done.stdout.decode("utf-8", "surrogateescape")


def describe_failure(stderr: str) -> str:
    """git apply's first complaint as one line, naming the file and hunk."""
    errors = [line[len("error: ") :] for line in stderr.splitlines() if line.startswith("error:")]
    if not errors:
        return f"patch does not apply: {stderr.strip()[:200] or 'git apply failed'}"
    first = errors[0]
    if first.startswith("patch failed: "):
        where = first[len("patch failed: ") :]
        name, _, line = where.rpartition(":")
        return f"patch does not apply to {name} (hunk at line {line})"
    return f"patch does not apply: {first[:200]}"
