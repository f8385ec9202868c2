"""Learn a profile from a git revision (not the working tree), cached by tree hash.

`patchwright check --staged` judges the staged change against HEAD and `--rev A..B`
against A, so the change under review never votes on its own conventions.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from style.declared import read_declared
from style.errors import StyleError
from style.learn import profile_from_observations
from style.model import StyleProfile
from style.observe import MAX_SOURCE_CHARS, observe_source
from style.paths import is_skipped, language_of
from style.serialize import FORMAT_VERSION, profile_from_dict, profile_to_dict

CACHE_DIR = ".patchwright"
CONFIG_FILES = (
    "pyproject.toml", "setup.cfg", "tox.ini", ".flake8", ".editorconfig",
    ".pre-commit-config.yaml", ".pre-commit-config.yml", ".prettierrc", ".prettierrc.json",
    "package.json", ".eslintrc.json", ".eslintrc", "eslint.config.js", "eslint.config.mjs",
)  # fmt: skip
_TIMEOUT = 300


def git(root: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    """Run git in `root`; a failure becomes a one-line `StyleError`."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            input=input_bytes,
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StyleError(f"git {args[0]} failed: {exc}") from exc
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        flagged = [ln for ln in lines if ln.startswith(("fatal:", "error:", "warning:"))]
        message = (flagged or lines or ["failed"])[0].strip()
        raise StyleError(f"git {args[0]}: {message}")
    return done.stdout


def tree_hash(root: Path, rev: str) -> str:
    """The tree object id of `rev` (validated: a revision never starts with '-')."""
    if not rev or rev.startswith("-") or len(rev) > 256 or any(c in rev for c in "\0\n "):
        raise StyleError(f"not a usable revision: {rev!r}")
    return git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{tree}}").decode().strip()


def read_at(root: Path, rev: str, paths: list[str]) -> dict[str, str]:
    """Contents of `paths` at `rev` (one `git cat-file --batch`); missing or binary skipped."""
    paths = [p for p in paths if "\n" not in p and "\0" not in p]
    if not paths:
        return {}
    request = "".join(f"{rev}:{p}\n" for p in paths).encode("utf-8")
    raw = git(root, "cat-file", "--batch", input_bytes=request)
    contents: dict[str, str] = {}
    offset = 0
    for path in paths:
        end = raw.index(b"\n", offset)
        header = raw[offset:end].split()
        offset = end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue
        size = int(header[2])
        blob = raw[offset : offset + size]
        offset += size + 1
        if size > MAX_SOURCE_CHARS:
            continue
        try:
            contents[path] = blob.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return contents


def learn_profile_at(root: Path, rev: str = "HEAD", *, cache: bool = True) -> StyleProfile:
    """The profile of the repository as it was at `rev` (cached under `.patchwright/`)."""
    tree = tree_hash(root, rev)
    cache_file = root / CACHE_DIR / f"style-{FORMAT_VERSION}-{tree}.json"
    if cache and cache_file.is_file():
        try:
            return profile_from_dict(json.loads(cache_file.read_text(encoding="utf-8")))
        except (StyleError, ValueError, OSError):
            pass
    listed = git(root, "ls-tree", "-r", "-z", "--name-only", tree).decode("utf-8", "replace")
    paths = [p for p in listed.split("\0") if p]
    sources = [p for p in paths if language_of(p) is not None and is_skipped(p) is None]
    contents = read_at(root, tree, sources)
    observations = {path: observe_source(path, text) for path, text in contents.items()}
    configs = read_at(root, tree, [p for p in CONFIG_FILES if p in set(paths)])
    with tempfile.TemporaryDirectory(prefix="patchwright-style-") as scratch:
        for name, text in configs.items():
            (Path(scratch) / name).write_text(text, encoding="utf-8")
        declared = read_declared(Path(scratch))
    profile = profile_from_observations(observations, declared=declared)
    if cache:
        try:
            cache_file.parent.mkdir(exist_ok=True)
            ignore = cache_file.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            cache_file.write_text(json.dumps(profile_to_dict(profile)), encoding="utf-8")
        except OSError:
            pass  # a read-only checkout still gets its answer, only slower next time
    return profile
