"""Helpers shared by the CLI commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from codegraph.errors import RepositoryError


def emit_json(payload: Any) -> None:
    """Machine output: one JSON document on stdout, keys sorted so output is stable."""
    json.dump(payload, sys.stdout, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")


def repo_root(path: str | None) -> Path:
    """The directory a command works on; a clear error when it is not one."""
    root = Path(path or ".").expanduser()
    if not root.exists():
        raise RepositoryError(f"{root} does not exist")
    if not root.is_dir():
        raise RepositoryError(f"{root} is not a directory")
    return root.resolve()


def is_terminal() -> bool:
    """Progress bars and colour only when a person is watching."""
    return sys.stderr.isatty()
