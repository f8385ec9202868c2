"""The real projects the style benchmark learns from: pinned sdists, cached, unpacked.

Sdists come from PyPI through `pip download` (pinned versions, no dependencies, no
wheels) into `benchmarks/.work/sdists/`; they are unpacked once with tarfile's `data`
filter, so a hostile archive cannot write outside its directory or plant links.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work"
SDISTS = WORK / "sdists"
SOURCES = WORK / "style-src"
MAX_FILE_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class Project:
    """A pinned source distribution and what it is in the benchmark for."""

    name: str
    version: str
    why: str


PROJECTS: tuple[Project, ...] = (
    Project("httpx", "0.28.1", "double quotes, full typing, pytest"),
    Project("starlette", "1.10.0", "typed, pytest, few docstrings"),
    Project("attrs", "26.1.0", "reST docstrings in places, pytest classes"),
    Project("click", "8.5.1", "reST :param: docstrings, typed"),
    Project("flask", "3.1.3", "reST docstrings, typed, pytest"),
    Project("requests", "2.34.2", "reST docstrings, untyped, % formatting"),
    Project("rich", "15.0.0", "Google docstrings, typed"),
    Project("black", "26.10.1", "black-formatted, typed, f-strings"),
    Project("pre-commit", "4.7.0", "tiny modules, typed, no docstrings, pytest"),
    Project("libcst", "1.9.0", "typed, unittest-style test classes"),
    Project("pydantic", "2.14.3", "Google docstrings, typed, single quotes"),
    Project("django", "5.2.8", "untyped, unittest tests, % and .format"),
    Project("networkx", "3.4.2", "NumPy docstrings, untyped, pytest"),
)


def by_name(names: str | None) -> list[Project]:
    """The projects named in a comma-separated list (all when None); unknown names fail."""
    if not names:
        return list(PROJECTS)
    known = {p.name: p for p in PROJECTS}
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise SystemExit(f"unknown project(s): {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[n] for n in wanted]


def _archive(project: Project) -> Path | None:
    stems = {project.name, project.name.replace("-", "_"), project.name.lower()}
    for stem in stems:
        for suffix in (".tar.gz", ".zip"):
            candidate = SDISTS / f"{stem}-{project.version}{suffix}"
            if candidate.is_file():
                return candidate
    return None


def fetch(project: Project) -> Path:
    """The project's sdist, downloaded once with pip into the cache directory."""
    found = _archive(project)
    if found is not None:
        return found
    SDISTS.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
    command += ["--no-binary", ":all:", "-d", str(SDISTS), f"{project.name}=={project.version}"]
    subprocess.run(command, check=True, timeout=900)
    found = _archive(project)
    if found is None:
        raise SystemExit(f"pip downloaded no sdist for {project.name}=={project.version}")
    return found


def unpack(project: Project) -> Path:
    """The unpacked source tree of the project (its single top-level directory)."""
    target = SOURCES / f"{project.name}-{project.version}"
    if not (target / ".complete").exists():
        archive = fetch(project)
        target.mkdir(parents=True, exist_ok=True)
        if archive.suffix == ".zip":
            with zipfile.ZipFile(archive) as bundle:
                for member in bundle.namelist():
                    if member.startswith("/") or ".." in Path(member).parts:
                        raise SystemExit(f"{archive.name}: unsafe member {member!r}")
                bundle.extractall(target)
        else:
            with tarfile.open(archive) as bundle:
                bundle.extractall(target, filter="data")
        (target / ".complete").write_text("")
    roots = [p for p in target.iterdir() if p.is_dir()]
    return roots[0] if len(roots) == 1 else target


def python_files(root: Path, *, max_files: int | None = None, seed: int = 0) -> dict[str, str]:
    """Relative POSIX path -> text of every readable Python file under `root`.

    Files over `MAX_FILE_BYTES`, symlinks and files that are not UTF-8 are left out;
    `max_files` keeps a deterministic random sample of that size.
    """
    texts: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or path.is_symlink():
            continue
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            continue
        try:
            texts[relative.as_posix()] = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
    if max_files is not None and len(texts) > max_files:
        keep = sorted(random.Random(seed).sample(sorted(texts), max_files))
        texts = {path: texts[path] for path in keep}
    return texts
