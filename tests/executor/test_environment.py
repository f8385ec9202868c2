from __future__ import annotations

import base64
import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from executor.environment import (
    Environment,
    EnvSpec,
    _keep_generated,
    env_key,
    host_environment,
    is_secret,
    overlay_generated,
    prepare_environment,
    scrubbed_env,
)
from executor.errors import SandboxError
from executor.model import Limits
from executor.sandbox import choose_sandbox

SECRETS = {
    "OPENAI_API_KEY": "sk-live-1",
    "GITHUB_TOKEN": "ghp_2",
    "AWS_SECRET_ACCESS_KEY": "aws-3",
    "AWS_PROFILE": "prod",
    "DB_PASSWORD": "pw-4",
    "MY_SERVICE_SECRET": "s-5",
    "HF_HOME": "/models",
}


def test_sandbox_sees_no_secret_and_a_home_inside_the_workspace(
    make_repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    repo = make_repo({"a.py": "x = 1\n"})
    environment = host_environment()
    env = scrubbed_env(repo, environment)
    result = choose_sandbox("bwrap").run(
        ["env"], repo, Limits(), env=env, ro_binds=environment.ro_binds
    )
    seen = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert not set(SECRETS) & set(seen)
    assert not any(value in result.stdout for value in SECRETS.values())
    assert seen["HOME"] == str(repo / ".patchwright" / "home")
    assert seen["PATH"].split(":")[0] == str(environment.bin_dir)
    assert seen["PYTHONPATH"] == str(repo)
    assert (seen["LANG"], seen["PYTHONHASHSEED"], seen["CI"]) == ("C.UTF-8", "0", "1")


def test_src_layouts_put_src_first_on_the_import_path(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    assert scrubbed_env(tmp_path)["PYTHONPATH"] == f"{tmp_path / 'src'}:{tmp_path}"


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("ANTHROPIC_API_KEY", True),
        ("NPM_TOKEN", True),
        ("AWS_REGION", True),
        ("GOOGLE_APPLICATION_CREDENTIALS", True),
        ("SSH_AUTH_SOCK", True),
        ("GIT_AUTHOR_NAME", False),
        ("SETUPTOOLS_SCM_PRETEND_VERSION", False),
        ("PYTHONPATH", False),
    ],
)
def test_is_secret(name: str, secret: bool) -> None:
    assert is_secret(name) is secret


def test_a_spec_may_not_pass_secrets_or_escape_the_repository(make_repo, tmp_path: Path) -> None:
    repo = make_repo({"setup.py": ""})
    sandbox = choose_sandbox("bwrap")
    with pytest.raises(SandboxError, match="secret-looking variable API_TOKEN"):
        prepare_environment(repo, EnvSpec(variables=(("API_TOKEN", "x"),)), sandbox)
    with pytest.raises(SandboxError, match="inside the repository"):
        prepare_environment(repo, EnvSpec(requirements=("../etc/req.txt",)), sandbox)


def wheel(name: str, version: str) -> bytes:
    """A minimal pure-Python wheel, so the install step can run offline."""
    files = {
        f"{name}/__init__.py": f"VALUE = {version!r}\n",
        f"{name}-{version}.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        ),
        f"{name}-{version}.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{name}-{version}.dist-info/RECORD,,")
    files[f"{name}-{version}.dist-info/RECORD"] = "\n".join(record) + "\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return buffer.getvalue()


def test_the_venv_is_built_once_then_reused_read_only(make_repo, tmp_path: Path) -> None:
    repo = make_repo(
        {
            "requirements.txt": "tinydep==1.0\n",
            "wheels/tinydep-1.0-py3-none-any.whl": wheel("tinydep", "1.0"),
        }
    )
    # The setup runs in a copy of the repository: relative paths are the repository's.
    spec = EnvSpec(
        install_project=False,
        requirements=("requirements.txt",),
        packages=(),
        pip_args=("--no-index", "--find-links", "wheels"),
    )
    sandbox = choose_sandbox("bwrap")
    cache = tmp_path / "data"
    first = prepare_environment(repo, spec, sandbox, cache_dir=cache)
    assert not first.cached and [r.exit_code for r in first.setup] == [0, 0]
    again = prepare_environment(repo, spec, sandbox, cache_dir=cache)
    assert again.cached and again.setup == () and again.bin_dir == first.bin_dir
    assert sorted(p.name for p in (cache / "envs").iterdir()) == [first.key, f"{first.key}.lock"]

    probe = "import sys, tinydep; print(sys.prefix, tinydep.VALUE); open(sys.prefix + '/x', 'w')"
    result = sandbox.run(
        ["python", "-c", probe],
        repo,
        Limits(),
        env=scrubbed_env(repo, again),
        ro_binds=again.ro_binds,
    )
    assert result.stdout.split() == [str(cache / "envs" / first.key), "1.0"]
    assert "Read-only file system" in result.stderr

    (repo / "requirements.txt").write_text("tinydep==1.0\n# pinned\n")
    assert env_key(repo, spec) != first.key


def test_a_failing_install_says_which_step_and_leaves_no_partial_venv(
    make_repo, tmp_path: Path
) -> None:
    repo = make_repo({"requirements.txt": "surely-not-a-package-xyz==9\n"})
    spec = EnvSpec(install_project=False, requirements=("requirements.txt",), packages=(),
                   pip_args=("--no-index",))  # fmt: skip
    with pytest.raises(SandboxError, match=r"environment setup failed: .*pip install"):
        prepare_environment(repo, spec, choose_sandbox("bwrap"), cache_dir=tmp_path)
    assert [p.name for p in (tmp_path / "envs").iterdir()] == [f"{env_key(repo, spec)}.lock"]


def test_extras_must_be_plain_names(make_repo) -> None:
    repo = make_repo({"setup.py": ""})
    with pytest.raises(SandboxError, match="invalid extra name"):
        prepare_environment(repo, EnvSpec(extras=("test]; rm -rf /",)), choose_sandbox("bwrap"))


def test_setup_never_follows_a_symlink_to_a_host_file(make_repo, tmp_path: Path) -> None:
    secret = tmp_path / "host-secret.txt"
    secret.write_text("s3cret\n")
    repo = make_repo({"setup.py": ""})
    (repo / "requirements.txt").symlink_to(secret)
    (repo / "leak.txt").symlink_to(secret)
    spec = EnvSpec(install_project=False, packages=(), requirements=())
    before = env_key(repo, spec)
    secret.write_text("changed\n")
    assert env_key(repo, spec) == before  # the link's target is not hashed (nor read)
    # A satisfiable requirements file: installing "it" fails only because the link was kept.
    secret.write_text("pip  # s3cret\n")
    probe = EnvSpec(
        install_project=False, packages=(), pip_args=("--no-index",), requirements=("leak.txt",)
    )
    with pytest.raises(SandboxError, match="environment setup failed"):
        prepare_environment(repo, probe, choose_sandbox("bwrap"), cache_dir=tmp_path / "data")


def test_modules_the_build_generates_are_kept_and_overlaid(tmp_path: Path) -> None:
    root, staging, kept = tmp_path / "tree", tmp_path / "staging", tmp_path / "kept"
    for base in (root, staging):
        (base / "src" / "pkg").mkdir(parents=True)
        (base / "src" / "pkg" / "__init__.py").write_text("from pkg._version import V\n")
    generated = {
        "src/pkg/_version.py": "V = '1.0'\n",  # setuptools_scm's write_to: kept
        "build/lib/pkg/__init__.py": "",  # build output: not source
        ".patchwright/venv/lib/site.py": "",  # the venv itself
        "src/pkg.egg-info/x.py": "",
        "src/pkg/data.txt": "not a module\n",
    }
    for rel, text in generated.items():
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        (staging / rel).write_text(text)
    _keep_generated(root, staging, kept)
    assert [p.relative_to(kept).as_posix() for p in kept.rglob("*") if p.is_file()] == [
        "src/pkg/_version.py"
    ]

    environment = Environment("k", tmp_path / "bin", (), generated=kept)
    workspace = tmp_path / "ws"
    shutil.copytree(root, workspace)
    overlay_generated(environment, workspace)
    assert (workspace / "src/pkg/_version.py").read_text() == "V = '1.0'\n"
    (workspace / "src/pkg/_version.py").write_text("V = 'tree'\n")
    overlay_generated(environment, workspace)
    assert (workspace / "src/pkg/_version.py").read_text() == "V = 'tree'\n"  # never overwrites

    outside = tmp_path / "outside"
    outside.mkdir()
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    (hostile / "src").symlink_to(outside)
    overlay_generated(environment, hostile)
    assert list(outside.iterdir()) == []


def test_console_scripts_of_a_cached_venv_run_from_path(make_repo, tmp_path: Path) -> None:
    repo = make_repo({"m.py": "x = 1\n"})
    spec = EnvSpec(install_project=False, packages=(), pip_args=("--no-index",))
    sandbox = choose_sandbox("bwrap")
    cache = tmp_path / "data"
    # A builder that died mid-build left a staging dir and a half-built venv (no marker).
    (cache / "envs" / ".build-0123-999999999" / "junk").mkdir(parents=True)
    (cache / "envs" / env_key(repo, spec) / "bin").mkdir(parents=True)
    built = prepare_environment(repo, spec, sandbox, cache_dir=cache)
    assert not built.cached
    assert sorted(p.name for p in (cache / "envs").iterdir()) == [built.key, f"{built.key}.lock"]
    assert (built.bin_dir / "pip").read_text().startswith(f"#!{built.bin_dir}/python")
    result = sandbox.run(
        ["pip", "--version"], repo, Limits(), env=scrubbed_env(repo, built), ro_binds=built.ro_binds
    )
    assert result.ok, result.stderr
    assert f"{built.bin_dir.parent}/lib/python" in result.stdout
    assert not (built.bin_dir.parent / "patchwright-build-source").exists()
