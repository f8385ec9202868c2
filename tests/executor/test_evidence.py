from __future__ import annotations

import json

import pytest

from executor.evidence import (
    Change,
    CommandRecord,
    Evidence,
    TestChange,
    classify,
    counts,
    render_evidence,
)
from executor.model import Limits, Outcome, RunResult

P, F, E, S = Outcome.PASSED, Outcome.FAILED, Outcome.ERROR, Outcome.SKIPPED


@pytest.mark.parametrize(
    ("before", "after", "change"),
    [
        (F, P, Change.FIXED),
        (E, P, Change.FIXED),
        (S, P, Change.FIXED),
        (P, P, Change.KEPT),
        (P, F, Change.REGRESSED),
        (P, E, Change.REGRESSED),
        (P, S, Change.LOST),
        (F, F, Change.STILL_FAILING),
        (E, F, Change.STILL_FAILING),
        (None, P, Change.NEW_PASS),
        (None, E, Change.NEW_FAIL),
        (S, S, Change.SKIPPED),
        (None, S, Change.SKIPPED),
        (P, None, Change.MISSING),
        (None, None, Change.MISSING),
    ],
)
def test_classify(before: Outcome | None, after: Outcome | None, change: Change) -> None:
    assert classify(before, after) is change


def evidence() -> Evidence:
    result = RunResult(("python", "-m", "pytest"), "bwrap", 1, "x" * 5000, "", 1.23456)
    rows = (
        TestChange("b::t", P, P, Change.KEPT, target=False),
        TestChange("z::t", F, P, Change.FIXED, target=True),
        TestChange("a::t", P, F, Change.REGRESSED, target=True, message="assert 1 == 2"),
    )
    return Evidence(
        verified=False, reason="regression: a::t pass->fail", repo="/r", revision="f" * 40,
        patch_sha256="0" * 64, patched_files=("m.py",), backend="bwrap", isolated=True,
        runner="pytest", environment="host", limits=Limits(),
        commands=(CommandRecord.of("patched", result),), tests=rows,
        started="2026-01-01T00:00:00+00:00", finished="2026-01-01T00:00:02+00:00",
    )  # fmt: skip


def test_to_dict_is_json_with_targets_first_then_ids() -> None:
    data = evidence().to_dict()
    assert json.loads(json.dumps(data)) == data
    assert [row["id"] for row in data["tests"]] == ["a::t", "z::t", "b::t"]
    assert data["counts"] == {"fail->pass": 1, "pass->pass": 1, "pass->fail": 1}
    assert data["limits"]["memory_mb"] == Limits().memory_mb
    (command,) = data["commands"]
    assert command["duration"] == 1.235 and command["argv"] == ["python", "-m", "pytest"]
    assert command["stdout_tail"].startswith("…") and len(command["stdout_tail"]) == 4001


def test_render_says_the_verdict_first_and_lists_every_row() -> None:
    text = render_evidence(evidence())
    lines = text.splitlines()
    assert lines[0] == "NOT VERIFIED: regression: a::t pass->fail"
    assert "backend bwrap  runner pytest" in lines[1]
    assert [line.split()[0] for line in lines[-3:]] == ["a::t", "z::t", "b::t"]
    assert counts(evidence().tests)["pass->fail"] == 1
