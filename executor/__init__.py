"""Apply a patch in a throw-away workspace and run the repository's tests in a sandbox."""

from executor.environment import EnvSpec
from executor.errors import (
    ExecutorError,
    PatchError,
    RunnerError,
    SandboxError,
    WorkspaceError,
)
from executor.evidence import Change, Evidence, TestChange, render_evidence
from executor.model import Limits, Outcome, RunResult, TestResult
from executor.runners import RUNNERS, detect_runner
from executor.sandbox import BACKENDS, choose_sandbox
from executor.verify import verify
from executor.workspace import Workspace, collect_stale, create_workspace

# Plain `sorted()` order, which tests/test_public_api.py checks (ruff would put CONSTANTS first).
__all__ = [  # noqa: RUF022
    "BACKENDS",
    "Change",
    "EnvSpec",
    "Evidence",
    "ExecutorError",
    "Limits",
    "Outcome",
    "PatchError",
    "RUNNERS",
    "RunResult",
    "RunnerError",
    "SandboxError",
    "TestChange",
    "TestResult",
    "Workspace",
    "WorkspaceError",
    "choose_sandbox",
    "collect_stale",
    "create_workspace",
    "detect_runner",
    "render_evidence",
    "verify",
]
