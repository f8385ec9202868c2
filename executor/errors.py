"""Executor errors, a branch of the project's one tree (`codegraph.errors`).

```text
PatchwrightError
└── ExecutorError
    ├── WorkspaceError     cannot copy the repository at that revision, disk full, ...
    ├── PatchError         patch does not apply, escapes the tree, writes through a symlink
    ├── SandboxError       backend missing or refused, setup failed
    └── RunnerError        no test runner detected, toolchain missing, unreadable report
```
A test command that fails, times out or hits a limit is *not* an error: it is a result.
"""

from __future__ import annotations

from codegraph import PatchwrightError


class ExecutorError(PatchwrightError):
    """Something the executor could not do; the message says what to change."""


class WorkspaceError(ExecutorError):
    pass


class PatchError(ExecutorError):
    pass


class SandboxError(ExecutorError):
    pass


class RunnerError(ExecutorError):
    pass
