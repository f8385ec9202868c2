"""The unisolated `local` backend still enforces limits and says what it is."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from executor.errors import SandboxError
from executor.model import Limits
from executor.sandbox.local import LABEL, LocalSandbox


def test_runs_on_the_host_and_is_labelled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = LocalSandbox()
    assert local.available() and not local.isolated
    result = local.run(["sh", "-c", "pwd; echo $HOME"], tmp_path, Limits())
    assert result.stdout.splitlines() == [str(tmp_path), str(tmp_path)]
    assert result.backend == LABEL == "local (NOT ISOLATED)"
    assert "without isolation" in capsys.readouterr().err


def test_timeout_kills_the_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "survivor"
    script = f"(sleep 2; touch {marker}) & sleep 30"
    result = LocalSandbox().run(["sh", "-c", script], tmp_path, Limits(wall_seconds=0.5))
    assert result.timed_out and result.limit_hit == "wall"
    assert result.duration < 5
    time.sleep(2.5)
    assert not marker.exists()


def test_cpu_and_file_size_limits(tmp_path: Path) -> None:
    local = LocalSandbox()
    spin = local.run(["python3", "-c", "while True: pass"], tmp_path, Limits(cpu_seconds=1))
    assert (spin.exit_code, spin.limit_hit) == (-24, "cpu")
    big = local.run(
        ["sh", "-c", "head -c 3000000 /dev/zero > big"], tmp_path, Limits(file_size_mb=1)
    )
    assert big.limit_hit == "file size"
    assert (tmp_path / "big").stat().st_size == 1024 * 1024


def test_output_cap_and_invalid_limits(tmp_path: Path) -> None:
    local = LocalSandbox()
    result = local.run(["sh", "-c", "yes | head -c 50000"], tmp_path, Limits(output_bytes=10))
    assert result.stdout == "y\n" * 5 and result.truncated
    with pytest.raises(SandboxError, match="must be positive"):
        local.run(["true"], tmp_path, Limits(processes=0))
    missing = local.run(["/no/such/program"], tmp_path, Limits())
    assert missing.exit_code == 127 and "No such file" in missing.stderr


def test_a_command_that_closes_its_output_is_still_waited_for(tmp_path: Path) -> None:
    local = LocalSandbox()
    done = local.run(["sh", "-c", "exec >&- 2>&-; sleep 0.3; exit 4"], tmp_path, Limits())
    assert done.exit_code == 4 and done.duration >= 0.3 and not done.timed_out
    hung = local.run(["sh", "-c", "exec >&- 2>&-; sleep 30"], tmp_path, Limits(wall_seconds=0.5))
    assert hung.timed_out and hung.exit_code == -9 and hung.duration < 5


def test_nul_bytes_in_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="NUL"):
        LocalSandbox().run(["echo", "a\0b"], tmp_path, Limits())
