"""What a sandboxed command sees: a scrubbed environment and a cached per-repository venv.

Nothing is inherited from the caller's environment: every variable is built from an
allowlist, so API keys, tokens and cloud credentials never reach a test. Dependencies are
installed once per (dependency files, Python version, install options) in a separate setup
step that has the network; test runs reuse the finished virtualenv read-only, offline.

The venv lives outside the workspace, so the workspace's own code must win on import:
test runs put the workspace root (and its `src/` for src-layouts) first on `PYTHONPATH`,
ahead of the copy installed in the venv. The install still matters for dependencies,
entry points and package metadata (`importlib.metadata.version`).
"""

from __future__ import annotations

import fcntl
import fnmatch
import hashlib
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from executor.errors import SandboxError
from executor.model import Limits, RunResult
from executor.sandbox.base import Sandbox

SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
DEPENDENCY_FILES = ("pyproject.toml", "setup.py", "setup.cfg", "tox.ini")
DEPENDENCY_GLOBS = ("requirements*.txt", "requirements/*.txt")
GENERATED = "patchwright-generated"
MAX_GENERATED = 64
_NOT_SOURCE = {".git", ".patchwright", "build", "dist", "__pycache__", ".tox", "node_modules"}
MAX_DEPENDENCY_FILE_BYTES = 16 * 1024 * 1024
SETUP_LIMITS = Limits(memory_mb=8192, cpu_seconds=3600, wall_seconds=1800.0, processes=512)
_SECRET = re.compile(
    r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH(?!OR)|COOKIE|SESSION)"
    r"|^(AWS|AZURE|GCP|GOOGLE|GITHUB|GH|GITLAB|OPENAI|ANTHROPIC|HF|DOCKER|SSH|GPG|NPM|PYPI)_",
    re.IGNORECASE,
)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_MARKER = "patchwright-env.json"
_BUILD_SOURCE = "patchwright-build-source"
# Part of every key: venvs of an older layout (built elsewhere, then moved, so their
# scripts' shebangs are wrong) are never reused.
_LAYOUT = b"venv built in place\0"


@dataclass(frozen=True, slots=True)
class EnvSpec:
    """How to build a repository's virtualenv (all of it is part of the cache key)."""

    install_project: bool = True  # `pip install <repo>` (non-editable; see module docstring)
    extras: tuple[str, ...] = ()  # the project's extras: ("test",) installs `<repo>[test]`
    requirements: tuple[str, ...] = ()  # requirement files inside the repository, `-r` each
    packages: tuple[str, ...] = ("pytest",)  # extra requirements, e.g. "pytest==7.4.4"
    pip_args: tuple[str, ...] = ()  # e.g. ("--no-index", "--find-links", "/wheels")
    variables: tuple[tuple[str, str], ...] = ()  # for setup and test runs alike
    python: str = ""  # interpreter that creates the venv; "" = the one running patchwright


@dataclass(frozen=True, slots=True)
class Environment:
    """An interpreter ready for test runs: what goes first on PATH and what to bind."""

    key: str  # cache key of the venv, "host" for patchwright's own interpreter
    bin_dir: Path
    ro_binds: tuple[Path, ...]
    variables: tuple[tuple[str, str], ...] = ()
    cached: bool = False  # True when a finished venv was reused
    setup: tuple[RunResult, ...] = ()  # the commands that built it (empty when cached)
    generated: Path | None = None  # modules the build wrote into the tree (see overlay)


def data_dir() -> Path:
    """`$PATCHWRIGHT_DATA_DIR`, else `~/.cache/patchwright`."""
    configured = os.environ.get("PATCHWRIGHT_DATA_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".cache/patchwright"


def is_secret(name: str) -> bool:
    """True for variable names that look like credentials (never passed to a sandbox)."""
    return bool(_SECRET.search(name))


def scrubbed_env(
    workdir: Path, environment: Environment | None = None, *, python_path: bool = True
) -> dict[str, str]:
    """The complete environment of a sandboxed command, built from an allowlist."""
    home = private_dir(workdir) / "home"
    bin_dir = f"{environment.bin_dir}:" if environment else ""
    env = {
        "PATH": bin_dir + SYSTEM_PATH,
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TMPDIR": "/tmp",
        "CI": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONNOUSERSITE": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
    }
    if python_path:
        roots = [workdir / "src", workdir] if (workdir / "src").is_dir() else [workdir]
        env["PYTHONPATH"] = ":".join(str(root) for root in roots)
    for name, value in environment.variables if environment else ():
        env[name] = value
    return env


def private_dir(workdir: Path) -> Path:
    """`<workdir>/.patchwright` (reports, HOME) as a real directory, never a symlink.

    The tree is hostile: a committed or test-made symlink here would make the host write
    or read outside the workspace, so one is removed and a directory made in its place.
    """
    private = workdir / ".patchwright"
    for path in (private, private / "home"):
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            path.unlink()
        path.mkdir(exist_ok=True)
    return private


def host_environment() -> Environment:
    """patchwright's own interpreter (and what it has installed), for `--no-setup` runs."""
    prefix = Path(sys.prefix).resolve()
    binds = tuple(dict.fromkeys([prefix, Path(sys.base_prefix).resolve()]))
    return Environment("host", Path(sys.prefix) / "bin", binds)


def toolchain_environment(binary: str) -> Environment:
    """The environment for a non-Python runner: its toolchain first on PATH and, when it
    lives outside `/usr` (rustup's `~/.cargo`, a Go tarball), bound read-only.

    Only what a toolchain runs from is bound: of cargo's home `bin/`, `registry/` and
    `git/` (never `credentials.toml` or `config.toml`), of rustup's home its settings and
    toolchains; never a home directory or one of its ancestors.
    """
    found = shutil.which(binary)
    if found is None:
        return Environment("", Path("/usr/bin"), ())
    bin_dir = Path(found).parent
    binds: list[Path] = []
    # The sandbox has no network: fail at once, not after cargo's retries and backoff.
    variables: list[tuple[str, str]] = list(_OFFLINE.get(binary, ()))
    if binary == "cargo":
        for name, default, parts in _RUST_HOMES:
            home = Path(os.environ.get(name) or Path.home() / default)
            if home.is_dir():
                binds += [home.resolve() / part for part in parts if (home / part).exists()]
                variables.append((name, str(home.resolve())))
    if not bin_dir.is_relative_to("/usr") and not any(bin_dir.is_relative_to(b) for b in binds):
        # A toolchain's root (`/opt/go` for `/opt/go/bin`), else its bin directory alone.
        binds.append(bin_dir.parent if _bindable(bin_dir.parent) else bin_dir)
    safe = [path for path in dict.fromkeys(binds) if _bindable(path)]
    return Environment(binary, bin_dir, tuple(safe), tuple(variables))


_OFFLINE = {"cargo": (("CARGO_NET_OFFLINE", "true"),), "go": (("GOPROXY", "off"),)}
_RUST_HOMES = (
    ("CARGO_HOME", ".cargo", ("bin", "registry", "git")),
    ("RUSTUP_HOME", ".rustup", ("settings.toml", "toolchains", "update-hashes")),
)


def _bindable(path: Path) -> bool:
    """False for `/`, a home directory (the caller's or $HOME) and their ancestors."""
    path = path.resolve()
    homes = {Path.home().resolve(), Path(pwd.getpwuid(os.getuid()).pw_dir).resolve()}
    return path != Path("/") and not any(home.is_relative_to(path) for home in homes)


def env_key(root: Path, spec: EnvSpec) -> str:
    """Hash of the dependency files, the interpreter's version and the install options."""
    digest = hashlib.sha256(_LAYOUT)
    python = _interpreter(spec)
    digest.update(_python_version(python).encode())
    digest.update(json.dumps(asdict(spec), sort_keys=True).encode())
    for path in _dependency_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        with path.open("rb") as handle:
            digest.update(hashlib.sha256(handle.read(MAX_DEPENDENCY_FILE_BYTES)).digest())
    return digest.hexdigest()[:24]


def prepare_environment(
    root: Path,
    spec: EnvSpec,
    sandbox: Sandbox,
    *,
    limits: Limits = SETUP_LIMITS,
    cache_dir: Path | None = None,
) -> Environment:
    """The repository's venv, built once (network on) and reused by every later run.

    A venv is built in place (its scripts' shebangs name their final path) under a lock
    file that serialises builders of the same key; the marker file is written last, so a
    directory without it is a builder's remains and is built again. Raises `SandboxError`
    with the failing command's last output line when an install step fails.
    """
    _check_spec(spec)
    key = env_key(root, spec)
    envs = (cache_dir or data_dir()) / "envs"
    envs.mkdir(parents=True, exist_ok=True)
    final = envs / key
    python = _interpreter(spec)
    binds = (final, _prefix(python))
    generated = final / GENERATED
    if (final / _MARKER).is_file():
        return Environment(key, final / "bin", binds, spec.variables, True, (), generated)
    with locked(envs / f"{key}.lock"):
        if (final / _MARKER).is_file():  # another builder finished while we waited
            return Environment(key, final / "bin", binds, spec.variables, True, (), generated)
        _remove_stale_builds(envs)
        shutil.rmtree(final, ignore_errors=True)
        try:
            results = _build(root, spec, sandbox, limits, final, python)
            (final / _MARKER).write_text(json.dumps(asdict(spec), sort_keys=True))
        except BaseException:
            shutil.rmtree(final, ignore_errors=True)
            raise
    return Environment(key, final / "bin", binds, spec.variables, False, results, generated)


def _remove_stale_builds(envs: Path) -> None:
    """Staging directories (`.build-<key>-<pid>`, older versions) of builders now dead."""
    for path in envs.glob(".build-*"):
        pid = path.name.rpartition("-")[2]
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid != os.getpid()  # our own pid: a leftover of an earlier build in this process


def _build(
    root: Path, spec: EnvSpec, sandbox: Sandbox, limits: Limits, venv: Path, python: Path
) -> tuple[RunResult, ...]:
    """Create `venv` and install into it from a copy of the tree at `venv/_BUILD_SOURCE`,
    the install's current directory, so requirement files that say `-e .` or `-r
    other.txt` resolve as in the repository. The copy is removed afterwards."""
    source = venv / _BUILD_SOURCE
    venv.mkdir()
    # Links stay links: following one could copy a host secret into a networked sandbox.
    shutil.copytree(
        root, source, symlinks=True, ignore=shutil.ignore_patterns(".git", ".patchwright")
    )
    env = scrubbed_env(venv, python_path=False)
    env.update(spec.variables)
    install = [str(venv / "bin" / "python"), "-m", "pip", "install", *spec.pip_args]
    for requirement in spec.requirements:
        install += ["-r", requirement]
    extras = f"[{','.join(spec.extras)}]" if spec.extras else ""
    install += [*spec.packages, *([f".{extras}"] if spec.install_project else [])]
    steps = [[str(python), "-m", "venv", str(venv)]]
    if spec.requirements or spec.packages or spec.install_project:
        steps.append(install)
    results = []
    for argv in steps:
        # The venv is the sandbox's writable directory; the install runs in the copy.
        in_source = ["/bin/sh", "-c", 'cd "$0" && exec "$@"', str(source), *argv]
        result = sandbox.run(
            in_source, venv, limits, env=env, network=True, ro_binds=(_prefix(python),)
        )
        results.append(replace(result, argv=tuple(argv)))
        if not result.ok:
            tail = (result.stderr.strip() or result.stdout.strip() or "no output").splitlines()
            what = "timed out" if result.timed_out else f"exited {result.exit_code}"
            raise SandboxError(
                f"environment setup failed: `{' '.join(argv[:4])} …` {what}: {tail[-1][:300]}"
            )
    _keep_generated(root, source, venv / GENERATED)
    shutil.rmtree(source)
    shutil.rmtree(venv / ".patchwright", ignore_errors=True)  # the setup's HOME
    return tuple(results)


def _keep_generated(root: Path, staging: Path, target: Path) -> None:
    """Keep the Python modules the build wrote into the tree (setuptools_scm's
    `_version.py`): the workspace, imported first, lacks them and would not import."""
    kept = 0
    for top, dirs, files in os.walk(staging):
        dirs[:] = [d for d in dirs if d not in _NOT_SOURCE and not d.endswith(".egg-info")]
        for name in sorted(files):
            path = Path(top, name)
            rel = path.relative_to(staging)
            if not name.endswith(".py") or path.is_symlink() or (root / rel).exists():
                continue
            if kept >= MAX_GENERATED or path.stat().st_size > 1_000_000:
                return
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / rel)
            kept += 1


def overlay_generated(environment: Environment, workdir: Path) -> None:
    """Copy the build's generated modules into a workspace that lacks them (never over a
    file of the tree, never through a link out of it)."""
    source = environment.generated
    if source is None or not source.is_dir():
        return
    inside = workdir.resolve()
    for path in sorted(source.rglob("*.py")):
        dest = workdir / path.relative_to(source)
        if dest.exists() or dest.is_symlink():
            continue
        ancestor = dest.parent
        while not ancestor.exists():
            ancestor = ancestor.parent
        if not ancestor.resolve().is_relative_to(inside):
            continue
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
        except OSError:
            continue  # a dangling link or a file where a directory should be


def _check_spec(spec: EnvSpec) -> None:
    for name, _ in spec.variables:
        if not _NAME.match(name):
            raise SandboxError(f"invalid environment variable name {name[:60]!r}")
        if is_secret(name):
            raise SandboxError(f"refusing to pass secret-looking variable {name} into a sandbox")
    for extra in spec.extras:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", extra):
            raise SandboxError(f"invalid extra name {extra[:60]!r}")
    for requirement in spec.requirements:
        path = Path(requirement)
        if path.is_absolute() or ".." in path.parts:
            raise SandboxError(f"requirement file {requirement!r} must be inside the repository")


def is_dependency_file(rel: str) -> bool:
    """True for a repository-relative path that keys (and builds) the virtualenv."""
    return rel in DEPENDENCY_FILES or any(fnmatch.fnmatchcase(rel, p) for p in DEPENDENCY_GLOBS)


def _dependency_files(root: Path) -> list[Path]:
    """Regular files only: a symlink could point at a host file or at /dev/zero."""
    found = [root / name for name in DEPENDENCY_FILES]
    for pattern in DEPENDENCY_GLOBS:
        found += sorted(root.glob(pattern))
    return [path for path in found if path.is_file() and not path.is_symlink()]


def _interpreter(spec: EnvSpec) -> Path:
    if spec.python:
        found = shutil.which(spec.python)
        if found is None:
            raise SandboxError(f"Python interpreter {spec.python!r} not found")
        return Path(found).resolve()
    return Path(getattr(sys, "_base_executable", sys.executable)).resolve()


def _prefix(python: Path) -> Path:
    return python.parent.parent


def _python_version(python: Path) -> str:
    if python == Path(getattr(sys, "_base_executable", sys.executable)).resolve():
        return sys.version
    done = subprocess.run(
        [str(python), "-c", "import sys; print(sys.version)"],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": SYSTEM_PATH},
        check=False,
    )
    if done.returncode != 0:
        raise SandboxError(f"cannot run the Python interpreter {python}")
    return done.stdout.strip()


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on `path` (created if missing) for the `with` body."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
