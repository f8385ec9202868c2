"""The `patchwright` command: one registry of subcommands, one error handler.

Each command is a module in `service.commands` with `HELP: str`,
`add_arguments(parser) -> None` and `run(args) -> int`. Modules load only when their command
runs, so `patchwright map` never imports the docker SDK or litellm.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from codegraph.errors import PatchwrightError

# command -> (module, one-line help shown by `patchwright --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "callees": ("service.commands.callees", "what a symbol calls (--depth N)"),
    "callers": ("service.commands.callers", "who calls a symbol (--depth N)"),
    "check": ("service.commands.check", "check changed lines against the repository's style"),
    "find": ("service.commands.find", "rank files and symbols for an issue or stack trace"),
    "impact": ("service.commands.impact", "changed symbols, their dependents, affected tests"),
    "index": ("service.commands.index", "build or update the code graph of a repository"),
    "map": ("service.commands.map", "a ranked outline of the repository within a token budget"),
    "show": ("service.commands.show", "one symbol: definition, signature, edges"),
    "style": ("service.commands.style", "learn and print the repository's conventions"),
    "verify": ("service.commands.verify", "apply a patch in a sandbox and run the tests"),
}

EXIT_OK = 0
EXIT_NEGATIVE = 1  # the command worked and its answer is "no": findings, patch not verified
EXIT_ERROR = 2  # bad input or an environment problem, explained in one line
EXIT_INTERRUPTED = 130


def _load(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name][0])


def _top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="patchwright",
        description="A codebase-aware coding agent: code graph, style, sandboxed verification.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="commands:\n"
        + "\n".join(f"  {name:<9} {help_}" for name, (_, help_) in sorted(COMMANDS.items())),
    )
    parser.add_argument("command", nargs="?", help="one of the commands below")
    return parser


def build_parser(command: str) -> argparse.ArgumentParser:
    """The full parser for one command (its module is imported here)."""
    module = _load(command)
    parser = argparse.ArgumentParser(
        prog=f"patchwright {command}", description=COMMANDS[command][1]
    )
    module.add_arguments(parser)
    parser.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        _top_parser().print_help()
        return EXIT_OK if args else EXIT_ERROR
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        print(
            f"patchwright: unknown command {command!r}; try `patchwright --help`", file=sys.stderr
        )
        return EXIT_ERROR
    try:
        namespace = build_parser(command).parse_args(rest)
        code: int = namespace._run(namespace)
        return code
    except PatchwrightError as exc:
        print(f"patchwright {command}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"patchwright {command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `patchwright map | head`: the reader left; say nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
