"""`patchwright verify --patch FILE|-`: apply a patch in a sandbox and compare the tests.

Exit 0 when the patch is verified, 1 when it is not (the evidence says why), 2 on bad
input or an environment that cannot run the tests.
"""

from __future__ import annotations

import argparse
import sys

from executor import EnvSpec, Limits, PatchError, SandboxError, render_evidence, verify
from executor.patching import MAX_PATCH_BYTES
from service.commands._common import emit_json, repo_root

HELP = "apply a patch in a sandbox and run the tests"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--patch", required=True, help="unified diff file, or - for stdin")
    parser.add_argument("--repo", help="repository (default: the current directory)")
    parser.add_argument("--rev", default="HEAD", help="revision the patch applies to (HEAD)")
    parser.add_argument("--tests", nargs="+", metavar="ID", help="test ids to run")
    parser.add_argument("--wider", action="store_true", help="then the whole suite")
    parser.add_argument("--backend", choices=("bwrap", "docker", "local"))
    parser.add_argument(
        "--allow-unsafe-local", action="store_true", help="permit --backend local (NO isolation)"
    )
    parser.add_argument("--runner", choices=("pytest", "gotest", "cargo", "npm"))
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per test run")
    parser.add_argument("--memory-mb", type=int, default=4096, help="address space per run")
    parser.add_argument(
        "--setup",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="build (or reuse) the repository's virtualenv; --no-setup uses patchwright's",
    )
    parser.add_argument(
        "-r", "--requirement", action="append", default=[], metavar="FILE",
        help="requirement file in the repository to install (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--package", action="append", metavar="REQ",
        help="extra package to install (repeatable; default: pytest)",
    )  # fmt: skip
    parser.add_argument(
        "--no-install-project", action="store_true", help="install dependencies only"
    )
    parser.add_argument(
        "--extra", action="append", default=[], metavar="NAME",
        help="the project's extra to install with it, e.g. test (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--set-env", action="append", default=[], metavar="NAME=VALUE",
        help="variable for setup and test runs (repeatable; secrets are refused)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="the evidence as JSON")


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.timeout <= 86_400:
        raise SandboxError("--timeout must be between 1 and 86400 seconds")
    if not 64 <= args.memory_mb <= 1_048_576:
        raise SandboxError("--memory-mb must be between 64 and 1048576")
    if args.backend == "local" and not args.allow_unsafe_local:
        raise SandboxError("--backend local runs without isolation; add --allow-unsafe-local")
    evidence = verify(
        repo_root(args.repo),
        _read_patch(args.patch),
        rev=args.rev,
        tests=args.tests,
        backend=args.backend,
        allow_local=args.allow_unsafe_local,
        limits=Limits(
            memory_mb=args.memory_mb, wall_seconds=args.timeout, cpu_seconds=int(args.timeout)
        ),
        setup=_spec(args) if args.setup else None,
        wider=args.wider,
        runner=args.runner,
    )
    if args.json:
        emit_json(evidence.to_dict())
    else:
        print(render_evidence(evidence))
    return 0 if evidence.verified else 1


def _spec(args: argparse.Namespace) -> EnvSpec:
    variables = []
    for item in args.set_env:
        name, sep, value = item.partition("=")
        if not sep:
            raise SandboxError(f"--set-env wants NAME=VALUE, got {item[:60]!r}")
        variables.append((name, value))
    return EnvSpec(
        install_project=not args.no_install_project,
        extras=tuple(args.extra),
        requirements=tuple(args.requirement),
        packages=tuple(args.package if args.package is not None else ["pytest"]),
        variables=tuple(variables),
    )


def _read_patch(source: str) -> str:
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_PATCH_BYTES + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(MAX_PATCH_BYTES + 1)
    except OSError as exc:
        raise PatchError(f"cannot read patch {source}: {exc.strerror}") from exc
    if len(data) > MAX_PATCH_BYTES:
        raise PatchError(f"patch is larger than {MAX_PATCH_BYTES // 1024 // 1024} MB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PatchError(f"patch is not UTF-8 text (byte {exc.start})") from exc
