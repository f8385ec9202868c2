"""Command line of the style benchmark."""

from __future__ import annotations

import pytest

from benchmarks.style_eval import DEFAULT_MAX_HELDOUT, _note, _reproducing, parse_args


def test_defaults_and_options() -> None:
    args = parse_args([])
    assert (args.projects, args.max_files, args.max_heldout, args.seed) == (
        None,
        None,
        DEFAULT_MAX_HELDOUT,
        0,
    )
    assert args.write_docs is None
    args = parse_args(["--projects", "httpx,rich", "--max-files", "20", "--no-write-docs"])
    assert (args.projects, args.max_files, args.write_docs) == ("httpx,rich", 20, False)


@pytest.mark.parametrize("option", ["--max-files", "--max-heldout"])
def test_negative_limits_are_refused(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args([option, "-1"])
    assert "must not be negative" in capsys.readouterr().err


def test_note_reads_cap_and_seed_from_the_recorded_command() -> None:
    payload = {"projects": [{}, {}], "seconds": 61.4, "command": _reproducing([])}
    assert _note(payload) == (
        f"2 projects, held-out files per project capped at {DEFAULT_MAX_HELDOUT} (sampled"
        " with seed 0); the run took 61 s on a shared 2-core machine."
    )
    payload["command"] = _reproducing(["--max-heldout", "0", "--seed", "3"])
    assert "capped at none (sampled with seed 3)" in _note(payload)


def test_reproducing_command_drops_output_only_options() -> None:
    assert _reproducing(["--no-write-docs", "--projects", "a b"]) == (
        "nice -n 10 .venv/bin/python -m benchmarks.style_eval --projects 'a b'"
    )
