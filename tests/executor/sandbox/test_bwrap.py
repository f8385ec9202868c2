"""The bubblewrap backend, run for real."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from executor.errors import SandboxError
from executor.model import Limits
from executor.sandbox.bwrap import BwrapSandbox, bwrap_argv, python_home

FAST = Limits(wall_seconds=20.0, cpu_seconds=10, memory_mb=1024, processes=64)


@pytest.fixture(scope="module")
def bwrap() -> BwrapSandbox:
    sandbox = BwrapSandbox()
    assert sandbox.available(), "bubblewrap must work here: apt-get install bubblewrap"
    return sandbox


def test_argv_isolates_everything_but_the_workdir(tmp_path: Path) -> None:
    argv = bwrap_argv(
        "/usr/bin/bwrap",
        ["pytest", "-q"],
        tmp_path,
        {"PATH": "/usr/bin"},
        network=False,
        ro_binds=[Path("/opt/venv")],
        userns_fd=7,
        status_fd=8,
    )
    assert argv[:5] == ["/usr/bin/bwrap", "--userns", "7", "--json-status-fd", "8"]
    for flag in ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net"]:
        assert flag in argv
    assert {"--die-with-parent", "--new-session", "--clearenv"} <= set(argv)
    assert argv[-3:] == ["--", "pytest", "-q"]
    binds = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--bind"]
    assert binds == [str(tmp_path)]
    ro = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--ro-bind"]
    assert {"/usr", "/etc", "/opt/venv"} <= set(ro)
    assert str(Path.home()) not in ro
    assert argv[argv.index("--tmpfs") + 1] == "/tmp"
    assert argv[argv.index("--remount-ro") + 1] == "/"
    assert argv[argv.index("--chdir") + 1] == str(tmp_path)


def test_network_flag_keeps_the_network_namespace(tmp_path: Path) -> None:
    argv = bwrap_argv(
        "bwrap", ["true"], tmp_path, {}, network=True, ro_binds=[], userns_fd=3, status_fd=4
    )
    assert "--unshare-net" not in argv


def test_the_running_python_is_bound_when_outside_usr() -> None:
    home = python_home()
    base = Path(sys.base_prefix).resolve()
    assert home == (None if base == Path("/usr") else base)


def test_bad_environment_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="environment"):
        bwrap_argv("b", ["true"], tmp_path, {"A=B": "x"}, network=False, ro_binds=[],
                   userns_fd=3, status_fd=4)  # fmt: skip


def test_runs_in_the_workdir_and_writes_there(bwrap: BwrapSandbox, tmp_path: Path) -> None:
    result = bwrap.run(["sh", "-c", "pwd; echo made > out.txt; id -u; echo $HOME"], tmp_path, FAST)
    assert result.ok, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == str(tmp_path)
    assert lines[1] == ("65534" if os.geteuid() == 0 else str(os.getuid()))
    assert lines[2] == str(tmp_path)
    assert (tmp_path / "out.txt").read_text() == "made\n"
    assert result.backend == "bwrap"


def test_only_the_given_environment_is_visible(bwrap: BwrapSandbox, tmp_path: Path) -> None:
    result = bwrap.run(["env"], tmp_path, FAST, env={"PATH": "/usr/bin:/bin", "ONLY": "me"})
    assert sorted(result.stdout.split()) == ["ONLY=me", "PATH=/usr/bin:/bin", f"PWD={tmp_path}"]


def test_exit_codes_and_signals(bwrap: BwrapSandbox, tmp_path: Path) -> None:
    assert bwrap.run(["sh", "-c", "exit 3"], tmp_path, FAST).exit_code == 3
    killed = bwrap.run(["sh", "-c", "kill -XCPU $$"], tmp_path, FAST)
    assert (killed.exit_code, killed.limit_hit) == (-24, "cpu")


def test_wall_timeout(bwrap: BwrapSandbox, tmp_path: Path) -> None:
    limits = Limits(wall_seconds=0.5)
    result = bwrap.run(["sleep", "30"], tmp_path, limits)
    assert result.timed_out and result.limit_hit == "wall" and not result.ok
    assert result.duration < 5


def test_output_is_capped(bwrap: BwrapSandbox, tmp_path: Path) -> None:
    limits = Limits(output_bytes=1000)
    result = bwrap.run(["sh", "-c", "yes | head -c 100000; echo err >&2"], tmp_path, limits)
    assert len(result.stdout) == 1000 and result.truncated
    assert result.stderr == "err\n"


def test_python_runs_from_a_read_only_venv(bwrap: BwrapSandbox, tmp_path: Path) -> None:
    code = "import sys, pytest; open('/usr/x', 'w')"
    result = bwrap.run([sys.executable, "-c", code], tmp_path, FAST, ro_binds=[Path(sys.prefix)])
    assert "Read-only file system" in result.stderr
    write_venv = bwrap.run(
        [sys.executable, "-c", f"open({sys.prefix + '/planted'!r}, 'w')"],
        tmp_path, FAST, ro_binds=[Path(sys.prefix)],
    )  # fmt: skip
    assert write_venv.exit_code == 1
    assert not Path(sys.prefix, "planted").exists()


def test_git_dir_is_read_only_inside(bwrap: BwrapSandbox, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    result = bwrap.run(["sh", "-c", "echo x > .git/config"], tmp_path, FAST)
    assert result.exit_code != 0
    assert not (tmp_path / ".git" / "config").exists()


def test_setup_errors_are_sandbox_errors(bwrap: BwrapSandbox, tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="does not exist"):
        bwrap.run(["true"], tmp_path / "missing", FAST)
    with pytest.raises(SandboxError, match="does not exist"):
        bwrap.run(["true"], tmp_path, FAST, ro_binds=[tmp_path / "nope"])
    with pytest.raises(SandboxError, match="absolute"):
        bwrap.run(["true"], tmp_path, FAST, ro_binds=[Path("rel")])
    with pytest.raises(SandboxError, match="empty command"):
        bwrap.run([], tmp_path, FAST)
    missing = bwrap.run(["/no/such/program"], tmp_path, FAST)
    assert missing.exit_code == 127 and "No such file" in missing.stderr


def test_missing_binary_is_unavailable(tmp_path: Path) -> None:
    sandbox = BwrapSandbox(binary="no-such-bwrap")
    assert not sandbox.available()
    with pytest.raises(SandboxError, match="apt-get install bubblewrap"):
        sandbox.run(["true"], tmp_path, FAST)


def test_the_tree_is_lent_for_the_run_and_given_back(bwrap: BwrapSandbox, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "mine.txt").write_text("x")
    os.chown(tree / "mine.txt", 1234, 1234)
    result = bwrap.run(["sh", "-c", "stat -c %u . mine.txt; echo n > new.txt"], tree, FAST)
    inside = "65534" if os.geteuid() == 0 else str(os.getuid())
    assert result.stdout.split() == [inside, inside]
    assert (tree / "mine.txt").stat().st_uid == 1234
    assert tree.stat().st_uid == (tree / "new.txt").stat().st_uid == os.getuid()


def test_concurrent_runs_keep_their_own_output(bwrap: BwrapSandbox, tmp_path: Path) -> None:
    def one(n: int) -> str:
        workdir = tmp_path / str(n)
        workdir.mkdir()
        env = {"PATH": "/usr/bin:/bin", "N": str(n)}
        return bwrap.run(["sh", "-c", "sleep 0.2; echo $N"], workdir, FAST, env=env).stdout

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(one, range(4))) == ["0\n", "1\n", "2\n", "3\n"]


def test_files_made_in_one_run_are_readable_in_the_next(
    bwrap: BwrapSandbox, tmp_path: Path
) -> None:
    old_umask = os.umask(0o077)
    try:
        made = bwrap.run(["sh", "-c", "mkdir -p venv/lib && echo ok > venv/lib/m"], tmp_path, FAST)
    finally:
        os.umask(old_umask)
    assert made.ok, made.stderr
    other = tmp_path / "other"
    other.mkdir()
    read = bwrap.run(
        ["cat", str(tmp_path / "venv/lib/m")], other, FAST, ro_binds=[tmp_path / "venv"]
    )
    assert read.stdout == "ok\n", read.stderr


def test_a_setup_failure_inside_bwrap_is_a_sandbox_error(
    bwrap: BwrapSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A bind source that vanishes between the check and bwrap's mount (a race) is
    # simulated by skipping the check.
    monkeypatch.setattr("executor.sandbox.bwrap._existing_dir_or_file", lambda path: path)
    with pytest.raises(SandboxError, match="could not build the sandbox: bwrap: Can't find"):
        bwrap.run(["true"], tmp_path, FAST, ro_binds=[tmp_path / "vanished"])
