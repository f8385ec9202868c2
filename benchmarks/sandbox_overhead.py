"""Sandbox overhead: per-start cost of `true`, and a real test suite bare vs in bwrap.

Per start: `true` run many times through plain `subprocess.run`, through the `local`
backend (rlimits, output capture) and through the `bwrap` backend; medians compared.
Workspaces: creating one of a Django-sized repository, the way `create_workspace` does
it and the way a self-contained copy would. Suite: the `attrs` sdist's own tests
(pytest, hypothesis, pympler, cloudpickle installed into a venv under
`benchmarks/.work/sandbox/`), run bare and in bwrap alternately in the same process;
the sandbox gets the venv as a read-only bind. Targets: <= 20 ms per start, <= 10 % on
the suite.

    nice -n 10 .venv/bin/python -m benchmarks.sandbox_overhead [--starts N] [--rounds N] [--write]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import docs_section
from executor.model import Limits, RunResult
from executor.sandbox.bwrap import BwrapSandbox
from executor.sandbox.local import LocalSandbox
from executor.workspace import create_workspace

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".work"
SDIST = WORK / "sdists" / "attrs-26.1.0.tar.gz"
HERE = WORK / "sandbox"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "sandbox"
TEST_DEPS = ["pytest", "hypothesis", "pympler", "cloudpickle"]
SUITE_LIMITS = Limits(memory_mb=4096, cpu_seconds=1800, wall_seconds=1800.0, processes=512)
# Fails bare as well with this Python (3.11.7); not a sandbox effect.
KNOWN_FAILING = ["tests/test_converters.py::TestPipe::test_wrapped_annotation"]
# bubblewrap's own cost on this machine, without patchwright: the same namespaces.
RAW_BWRAP = [
    "bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr",
    "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin",
    "/bin", "--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
    "--", "/usr/bin/true",
]  # fmt: skip
ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HYPOTHESIS_NO_PLUGINS": "1"}


def median_ms(run: Callable[[], object], times: int) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def per_start(times: int, workdir: Path) -> dict[str, float]:
    bwrap, local = BwrapSandbox(), LocalSandbox()
    limits = Limits()
    with open(os.devnull, "w") as quiet:
        stderr, sys.stderr = sys.stderr, quiet  # the local backend warns on every run
        try:
            return {
                "subprocess.run": median_ms(lambda: subprocess.run(["true"], check=True), times),
                "local backend": median_ms(lambda: local.run(["true"], workdir, limits), times),
                "bwrap binary alone": median_ms(lambda: subprocess.run(RAW_BWRAP), times),
                "bwrap backend": median_ms(lambda: bwrap.run(["true"], workdir, limits), times),
            }
        finally:
            sys.stderr = stderr


def prepare_suite() -> tuple[Path, Path]:
    """The attrs source tree and a venv with its test dependencies (built once)."""
    if not SDIST.is_file():
        WORK.joinpath("sdists").mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
             "attrs==26.1.0", "-d", str(SDIST.parent)],
            check=True,
        )  # fmt: skip
    source = HERE / "attrs-26.1.0"
    if not source.is_dir():
        HERE.mkdir(parents=True, exist_ok=True)
        with tarfile.open(SDIST) as archive:
            archive.extractall(HERE, filter="data")
    venv = HERE / "venv"
    if not (venv / "ready").is_file():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, *TEST_DEPS, str(source)], check=True)
        (venv / "ready").write_text("ok\n")
    return source, venv


def suite(rounds: int) -> dict[str, list[float]]:
    source, venv = prepare_suite()
    argv = [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "tests", *(f"--deselect={test}" for test in KNOWN_FAILING)]  # fmt: skip
    bwrap, local = BwrapSandbox(), LocalSandbox()
    times: dict[str, list[float]] = {"bare": [], "bwrap": []}

    def run_bare() -> RunResult:
        with open(os.devnull, "w") as quiet:
            stderr, sys.stderr = sys.stderr, quiet
            try:
                return local.run(argv, source, SUITE_LIMITS, env=ENV)
            finally:
                sys.stderr = stderr

    def run_boxed() -> RunResult:
        return bwrap.run(argv, source, SUITE_LIMITS, env=ENV, ro_binds=[venv])

    for round_ in range(rounds):
        # Alternate which goes first, so neither always gets the warmer caches.
        if round_ % 2 == 0:
            bare, boxed = run_bare(), run_boxed()
        else:
            boxed, bare = run_boxed(), run_bare()
        for name, result in (("bare", bare), ("bwrap", boxed)):
            if result.exit_code != 0:
                tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
                raise SystemExit(f"{name} run failed ({result.exit_code}): {tail}")
            times[name].append(result.duration)
        print(f"round: bare {bare.duration:.2f} s, bwrap {boxed.duration:.2f} s", flush=True)
        print(f"  {bare.stdout.strip().splitlines()[-1]}", flush=True)
    return times


def django_repo() -> Path:
    """A git repository of the Django sdist (about 6,900 files), committed once."""
    repo = HERE / "django-repo"
    if (repo / ".git").is_dir():
        return repo
    sdists = sorted((WORK / "sdists").glob("django-5.2*.tar.gz"))
    if not sdists:
        raise SystemExit("no Django sdist under benchmarks/.work/sdists (pip download django)")
    HERE.mkdir(parents=True, exist_ok=True)
    staging = HERE / "django-staging"
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(sdists[-1]) as archive:
        archive.extractall(staging, filter="data")
    (source,) = staging.iterdir()
    git = ["git", "-c", "user.name=b", "-c", "user.email=b@b", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q", str(source)], check=True)
    subprocess.run([*git, "add", "-A"], cwd=source, check=True)
    subprocess.run([*git, "commit", "-qm", "django"], cwd=source, check=True)
    source.rename(repo)
    shutil.rmtree(staging)
    return repo


def workspace_creation(times: int) -> dict[str, float]:
    """Median seconds to make a workspace of Django: ours vs archive + init + commit."""
    repo = django_repo()
    root = HERE / "workspaces"

    def ours() -> None:
        create_workspace(repo, root=root).cleanup()

    def archive() -> None:
        target = root / "archive"
        target.mkdir(parents=True)
        tar = subprocess.Popen(["git", "archive", "HEAD"], cwd=repo, stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(target)], stdin=tar.stdout, check=True)
        tar.wait()
        git = ["git", "-c", "user.name=b", "-c", "user.email=b@b"]
        subprocess.run([*git, "init", "-q"], cwd=target, check=True)
        subprocess.run([*git, "add", "-A"], cwd=target, check=True)
        subprocess.run([*git, "commit", "-qm", "base"], cwd=target, check=True)
        shutil.rmtree(target)

    files = len(subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True,
                               text=True, check=True).stdout.splitlines())  # fmt: skip
    return {
        "files": float(files),
        "alternates + read-tree (ours)": median_ms(ours, times) / 1000,
        "git archive \\| tar, git init + add + commit": median_ms(archive, times) / 1000,
    }


def render(
    starts: dict[str, float],
    count: int,
    times: dict[str, list[float]],
    workspaces: dict[str, float],
) -> str:
    bare, boxed = min(times["bare"]), min(times["bwrap"])
    overhead = (boxed - bare) / bare * 100
    start_cost = starts["bwrap backend"] - starts["subprocess.run"]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        "Command: `nice -n 10 .venv/bin/python -m benchmarks.sandbox_overhead --write`",
        "",
        f"Load average (1, 5, 15 min) when the report was written: {load} on "
        f"{os.cpu_count()} cores.",
        "",
        f"Per start (`true`, median of {count} runs):",
        "",
        "| how | median ms |",
        "| --- | ---: |",
        *(f"| {name} | {value:.1f} |" for name, value in starts.items()),
        "",
        f"bwrap start overhead over a bare `subprocess.run`: **{start_cost:.1f} ms** "
        "(target <= 20 ms); it includes creating the user namespace (an `unshare` helper). "
        "`bwrap binary alone` is bubblewrap with the same namespaces and no patchwright "
        "around it: the floor on this machine at this load.",
        "",
        f"Real suite: `attrs` 26.1.0 sdist tests (`pytest -q tests`), {len(times['bare'])} "
        "round(s), bare and bwrap alternating (which goes first alternates too), best of "
        "rounds. Inside bwrap `/tmp` is a tmpfs, which can make tests that write temporary "
        "files faster than bare on a busy disk:",
        "",
        "| run | seconds (each round) | best |",
        "| --- | --- | ---: |",
        f"| bare (local backend) | {', '.join(f'{t:.2f}' for t in times['bare'])} | {bare:.2f} |",
        f"| bwrap | {', '.join(f'{t:.2f}' for t in times['bwrap'])} | {boxed:.2f} |",
        "",
        f"Total overhead: **{overhead:+.1f} %** (target <= 10 %).",
        "",
        f"Workspace creation, Django 5.2 sdist as a git repository ({workspaces['files']:.0f} "
        "files), median of 3:",
        "",
        "| method | seconds |",
        "| --- | ---: |",
        *(f"| {name} | {value:.2f} |" for name, value in workspaces.items() if name != "files"),
    ]
    return "\n".join(lines)


def write_section(body: str) -> None:
    docs_section.write_section(SECTION, body, DOCS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=200, help="runs of `true` per method")
    parser.add_argument("--rounds", type=int, default=2, help="suite runs per method")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    workdir = HERE / "empty"
    workdir.mkdir(parents=True, exist_ok=True)
    starts = per_start(args.starts, workdir)
    for name, value in starts.items():
        print(f"{name}: {value:.1f} ms", flush=True)
    workspaces = workspace_creation(3)
    for name, value in workspaces.items():
        print(f"{name}: {value:.2f}", flush=True)
    body = render(starts, args.starts, suite(args.rounds), workspaces)
    print(body)
    if args.write:
        write_section(body)


if __name__ == "__main__":
    main()
