"""Hostile commands and patches against the real bubblewrap sandbox.

Each test runs something that tries to reach the host, then checks from the host that
nothing was reached and that no process carrying the test's marker is still alive.
"""

from __future__ import annotations

import os
import socket
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from executor.environment import host_environment, toolchain_environment
from executor.errors import PatchError
from executor.model import Limits, RunResult
from executor.runners import NOT_FOUND, RUNNERS, run_tests
from executor.sandbox.bwrap import BwrapSandbox
from executor.workspace import Workspace, create_workspace
from tests.conftest import MakeRepo, git

SMALL = Limits(
    memory_mb=512,
    cpu_seconds=5,
    wall_seconds=10.0,
    file_size_mb=50,
    open_files=256,
    processes=32,
    output_bytes=1_000_000,
)
PYTHON_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


@pytest.fixture(scope="module")
def bwrap() -> BwrapSandbox:
    sandbox = BwrapSandbox()
    assert sandbox.available(), "the security suite needs bubblewrap: apt-get install bubblewrap"
    return sandbox


@pytest.fixture
def marker() -> Iterator[str]:
    tag = f"pwmark{uuid.uuid4().hex[:12]}"
    yield tag
    assert still_running(tag) == [], f"processes marked {tag} outlived their sandbox"


@pytest.fixture
def workspace(make_repo: MakeRepo, tmp_path: Path) -> Iterator[Workspace]:
    repo = make_repo({"m.py": "x = 1\n"})
    os.symlink("/etc", repo / "etc_link")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "with a symlink")
    with create_workspace(repo, root=tmp_path / "ws") as ws:
        yield ws


def still_running(marker: str) -> list[int]:
    """Host pids whose command line carries `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def python(
    bwrap: BwrapSandbox, ws: Workspace, code: str, marker: str, limits: Limits = SMALL
) -> RunResult:
    return bwrap.run(
        [sys.executable, "-c", f"# {marker}\n{code}"],
        ws.path,
        limits,
        env=PYTHON_ENV,
        ro_binds=[Path(sys.prefix)],
    )


def test_no_network_to_the_host_or_dns(
    bwrap: BwrapSandbox, workspace: Workspace, marker: str
) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    port = server.getsockname()[1]
    code = (
        "import socket\n"
        f"for attempt in (lambda: socket.create_connection(('127.0.0.1', {port}), timeout=2),\n"
        "                lambda: socket.getaddrinfo('pypi.org', 443)):\n"
        "    try:\n"
        "        attempt(); print('REACHED')\n"
        "    except OSError as exc:\n"
        "        print('blocked', type(exc).__name__)\n"
    )
    try:
        result = python(bwrap, workspace, code, marker)
        with pytest.raises(BlockingIOError):
            server.accept()
    finally:
        server.close()
    assert result.stdout.split("\n")[:2] == ["blocked ConnectionRefusedError", "blocked gaierror"]


def test_writes_outside_the_workspace_do_not_reach_the_host(
    bwrap: BwrapSandbox, workspace: Workspace, marker: str
) -> None:
    targets = [Path.home() / marker, Path("/etc") / marker, Path("/tmp") / marker]
    targets.append(Path(sys.prefix) / marker)
    code = "for path in %r:\n" % [str(t) for t in targets]
    code += "    try:\n        open(path, 'w').write('x'); print('wrote', path)\n"
    code += "    except OSError as exc:\n        print('refused', path, exc.strerror)\n"
    code += "open('inside.txt', 'w').write('ok')\n"
    result = python(bwrap, workspace, code, marker)
    assert result.ok, result.stderr
    for target in targets:
        assert not target.exists(), f"{target} appeared on the host"
    refused = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("refused")]
    # Host home, /etc and the bound venv refuse; /tmp is the sandbox's own private tmpfs.
    assert refused == [str(t) for t in targets if t.parent != Path("/tmp")]
    assert (workspace.path / "inside.txt").read_text() == "ok"


def test_host_secrets_are_not_visible(
    bwrap: BwrapSandbox, workspace: Workspace, marker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_file = Path.home() / ".patchwright-test-secret"
    secret = f"s3cret-{marker}"
    monkeypatch.setenv("PATCHWRIGHT_TEST_SECRET", secret)
    secret_file.write_text(secret)
    host_environ = f"/proc/{os.getpid()}/environ"
    try:
        code = (
            "import os\n"
            "print(sorted(os.environ))\n"
            f"for path in ({str(secret_file)!r}, {host_environ!r}, '/proc/1/environ'):\n"
            "    try:\n        print(open(path, 'rb').read())\n"
            "    except OSError as exc:\n        print('refused', exc.strerror)\n"
        )
        for env in (None, PYTHON_ENV):
            result = bwrap.run(
                [sys.executable, "-c", code], workspace.path, SMALL, env=env,
                ro_binds=[Path(sys.prefix)],
            )  # fmt: skip
            assert result.exit_code == 0, result.stderr
            assert secret not in result.stdout + result.stderr
            assert "PATCHWRIGHT_TEST_SECRET" not in result.stdout
    finally:
        secret_file.unlink()


def test_fork_bomb_is_bounded(bwrap: BwrapSandbox, workspace: Workspace, marker: str) -> None:
    count = (
        "import os, time\nmade = 0\n"
        "for _ in range(120):\n"
        "    try:\n        pid = os.fork()\n    except OSError:\n        continue\n"
        "    if pid == 0:\n        time.sleep(2); os._exit(0)\n"
        "    made += 1\nprint(made)\n"
    )
    counted = python(bwrap, workspace, count, marker)
    assert counted.ok, counted.stderr
    assert int(counted.stdout) < SMALL.processes
    bomb = (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    )
    result = python(bwrap, workspace, bomb, marker, Limits(processes=32, wall_seconds=2))
    assert result.timed_out and result.duration < 8


def test_memory_bomb_hits_the_address_space_limit(
    bwrap: BwrapSandbox, workspace: Workspace, marker: str
) -> None:
    result = python(bwrap, workspace, "x = bytearray(2 * 1024**3)", marker)
    assert result.exit_code == 1 and result.limit_hit == "memory"


def test_cpu_loop_hits_cpu_then_wall_limit(
    bwrap: BwrapSandbox, workspace: Workspace, marker: str
) -> None:
    spin = "while True: pass"
    cpu = python(bwrap, workspace, spin, marker, Limits(cpu_seconds=1, wall_seconds=10))
    assert (cpu.exit_code, cpu.limit_hit) == (-24, "cpu")
    wall = python(bwrap, workspace, spin, marker, Limits(cpu_seconds=60, wall_seconds=1))
    assert wall.timed_out and wall.limit_hit == "wall" and wall.duration < 5


def test_a_gigabyte_of_output_is_capped(
    bwrap: BwrapSandbox, workspace: Workspace, marker: str
) -> None:
    result = bwrap.run(
        ["sh", "-c", f"head -c 1073741824 /dev/zero | tr '\\0' y; : {marker}"],
        workspace.path,
        Limits(output_bytes=1_000_000, wall_seconds=60),
    )
    assert result.exit_code == 0 and result.truncated
    assert len(result.stdout) == 1_000_000 and set(result.stdout) == {"y"}
    assert result.duration < 30


def test_a_daemonized_child_dies_with_the_sandbox(
    bwrap: BwrapSandbox, workspace: Workspace, marker: str
) -> None:
    code = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        f"        os.execvp('sh', ['sh', '-c', 'sleep 300; : {marker}'])\n"
        "    os._exit(0)\n"
        "time.sleep(0.3)\nprint('parent done')\n"
    )
    result = python(bwrap, workspace, code, marker)
    assert result.stdout == "parent done\n"
    assert still_running(marker) == []


def test_a_patch_with_parent_paths_is_rejected(workspace: Workspace) -> None:
    patch = "--- a/../escape.txt\n+++ b/../escape.txt\n@@ -0,0 +1 @@\n+pwned\n"
    with pytest.raises(PatchError, match=r"'\.\.'"):
        workspace.apply(patch)
    assert not (workspace.path.parent / "escape.txt").exists()


def test_symlinks_to_etc_cannot_be_planted_or_written_through(
    bwrap: BwrapSandbox, workspace: Workspace, marker: str
) -> None:
    plant = (
        "diff --git a/evil b/evil\nnew file mode 120000\n--- /dev/null\n+++ b/evil\n"
        "@@ -0,0 +1 @@\n+/etc\n\\ No newline at end of file\n"
        f"diff --git a/evil/{marker} b/evil/{marker}\nnew file mode 100644\n--- /dev/null\n"
        f"+++ b/evil/{marker}\n@@ -0,0 +1 @@\n+pwned\n"
    )
    with pytest.raises(PatchError, match="symlink pointing outside"):
        workspace.apply(plant)
    through = (
        f"diff --git a/etc_link/{marker} b/etc_link/{marker}\nnew file mode 100644\n"
        f"--- /dev/null\n+++ b/etc_link/{marker}\n@@ -0,0 +1 @@\n+pwned\n"
    )
    with pytest.raises(PatchError, match="symlink etc_link"):
        workspace.apply(through)
    result = bwrap.run(
        ["sh", "-c", f"echo pwned > etc_link/{marker}; echo pwned >> etc_link/hostname"],
        workspace.path,
        SMALL,
    )
    assert result.exit_code != 0
    assert "Read-only file system" in result.stderr
    assert not Path("/etc", marker).exists()
    assert "pwned" not in Path("/etc/hostname").read_text()


def fake_toolchain(bin_dir: Path, name: str) -> None:
    bin_dir.mkdir(parents=True, exist_ok=True)
    (bin_dir / name).write_text("#!/bin/sh\necho toolchain\n")
    (bin_dir / name).chmod(0o755)


def test_the_cargo_runner_never_sees_the_crates_io_token(
    bwrap: BwrapSandbox,
    workspace: Workspace,
    marker: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cargo_home = tmp_path / "cargo-home"
    fake_toolchain(cargo_home / "bin", "cargo")
    (cargo_home / "registry").mkdir()
    (cargo_home / "credentials.toml").write_text('[registry]\ntoken = "cio-SECRET"\n')
    (cargo_home / "config.toml").write_text('[registry]\ntoken = "cio-SECRET"\n')
    monkeypatch.setenv("CARGO_HOME", str(cargo_home))
    monkeypatch.setenv("RUSTUP_HOME", str(tmp_path / "no-rustup"))
    monkeypatch.setenv("PATH", f"{cargo_home / 'bin'}:/usr/bin:/bin")
    environment = toolchain_environment("cargo")
    assert environment.ro_binds == (cargo_home / "bin", cargo_home / "registry")
    code = (
        "import os, subprocess\n"
        "home = os.environ['CARGO_HOME']\n"
        "print(subprocess.run(['cargo'], capture_output=True, text=True).stdout.strip())\n"
        "for name in ('credentials.toml', 'config.toml'):\n"
        "    try:\n"
        "        print(open(os.path.join(home, name)).read())\n"
        "    except OSError as exc:\n"
        "        print('blocked', name)\n"
    )
    result = bwrap.run(
        [sys.executable, "-c", f"# {marker}\n{code}"],
        workspace.path,
        SMALL,
        env={
            **PYTHON_ENV,
            "PATH": f"{environment.bin_dir}:/usr/bin:/bin",
            **dict(environment.variables),
        },
        ro_binds=[Path(sys.prefix), *environment.ro_binds],
    )
    assert result.stdout.split("\n")[:3] == [
        "toolchain", "blocked credentials.toml", "blocked config.toml"
    ], result.stderr  # fmt: skip


def test_a_toolchain_in_the_home_directory_never_binds_the_home(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    fake_toolchain(home / "bin", "gotool")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PATH", f"{home / 'bin'}:/usr/bin:/bin")
    environment = toolchain_environment("gotool")
    assert environment.ro_binds == (home / "bin",)
    # Nor any ancestor of it, nor the root.
    fake_toolchain(tmp_path / "bin", "gotool2")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    assert toolchain_environment("gotool2").ro_binds == (tmp_path / "bin",)


def test_a_report_redirected_out_of_the_workspace_is_never_read(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    # The host file a hostile test run points `.patchwright` at, before every read.
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "report-pytest.out").write_text(
        '<testsuites><testsuite name="pytest"><testcase classname="" name="test_m">'
        '<error message="FROM-HOST">E   FROM-HOST</error></testcase></testsuite></testsuites>'
    )
    conftest = (
        "import os, pathlib\n\n\n"
        "def pytest_unconfigure(config):\n"
        "    private = pathlib.Path(config.rootpath, '.patchwright')\n"
        "    private.rename(config.rootpath / 'moved')\n"
        f"    os.symlink({str(outside)!r}, private)\n"
    )
    repo = make_repo({"pytest.ini": "[pytest]\n", "conftest.py": conftest,
                      "test_m.py": "def test_ok():\n    pass\n"})  # fmt: skip
    run = run_tests(
        RUNNERS["pytest"], BwrapSandbox(), repo, host_environment(), ["test_m.py::test_ghost"],
        Limits(),
    )  # fmt: skip
    assert [(t.id, t.message) for t in run.tests] == [("test_m.py::test_ghost", NOT_FOUND)]
