from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from codegraph.discover import (
    blob_id,
    content_skip_reason,
    discover,
    looks_generated,
    path_skip_reason,
    read_source,
    with_blobs,
)
from codegraph.errors import RepositoryError
from codegraph.model import Skipped
from tests.conftest import MakeRepo, git, write_files


def _paths(root: Path) -> list[str]:
    return [f.path for f in discover(root).files]


def _reasons(root: Path) -> dict[str, str]:
    return {s.path: s.reason for s in discover(root).skipped}


def test_git_repo_lists_source_files_with_their_git_blob_ids(make_repo: MakeRepo) -> None:
    root = make_repo({"pkg/a.py": "x = 1\n", "README.md": "hi\n", "web/app.ts": "let a = 1;\n"})
    found = discover(root)
    assert found.git
    assert [(f.path, f.language) for f in found.files] == [
        ("pkg/a.py", "python"),
        ("web/app.ts", "typescript"),
    ]
    expected = git(root, "rev-parse", "HEAD:pkg/a.py").strip()
    assert found.files[0].blob == expected == blob_id(b"x = 1\n")


def test_untracked_and_modified_files_get_the_blob_id_of_their_current_bytes(
    make_repo: MakeRepo,
) -> None:
    root = make_repo({"a.py": "x = 1\n"})
    write_files(root, {"a.py": "x = 2\n", "new.py": "y = 1\n"})
    blobs = {f.path: f.blob for f in discover(root).files}
    assert blobs == {"a.py": blob_id(b"x = 2\n"), "new.py": blob_id(b"y = 1\n")}


def test_gitignored_files_are_not_listed(make_repo: MakeRepo) -> None:
    root = make_repo({".gitignore": "gen/\nlocal_*.py\n", "a.py": "", "local_x.py": ""})
    write_files(root, {"gen/out.py": "", "local_y.py": ""})
    assert _paths(root) == ["a.py"]


def test_outside_git_the_walk_honours_nested_gitignore_files(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            ".gitignore": "*.gen.py\n",
            "a.py": "",
            "b.gen.py": "",
            "sub/.gitignore": "skip.py\n!keep.gen.py\n",
            "sub/skip.py": "",
            "sub/keep.gen.py": "",
            "sub/c.py": "",
            ".git_like/x.py": "",
        },
    )
    found = discover(tmp_path)
    assert not found.git
    assert [f.path for f in found.files] == [
        ".git_like/x.py",
        "a.py",
        "sub/c.py",
        "sub/keep.gen.py",
    ]
    assert found.files[1].blob == blob_id(b"")
    unhashed = discover(tmp_path, hashed=False)
    assert {f.blob for f in unhashed.files} == {None}
    assert with_blobs(unhashed) == found


def test_vendored_directories_are_skipped_once_with_their_reason(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "a.py": "",
            "vendor/lib/x.go": "package x\n",
            "vendor/lib/y.go": "package x\n",
            "web/node_modules/pkg/index.js": "",
            "third_party/z.py": "",
            "src/.venv/lib/site.py": "",
        }
    )
    assert _paths(root) == ["a.py"]
    assert _reasons(root) == {
        "src/.venv": "vendored",
        "third_party": "vendored",
        "vendor": "vendored",
        "web/node_modules": "vendored",
    }


def test_build_output_is_skipped_only_when_git_does_not_track_it(make_repo: MakeRepo) -> None:
    root = make_repo({"build/tracked.py": "", "a.py": ""})
    write_files(root, {"build/untracked.py": "", "dist/pkg.py": ""})
    assert _paths(root) == ["a.py", "build/tracked.py"]
    assert _reasons(root) == {"build": "vendored", "dist": "vendored"}


def test_oversized_files_are_skipped_with_their_size(make_repo: MakeRepo) -> None:
    root = make_repo({"big.py": "x = 1\n" * 100, "small.py": ""})
    found = discover(root, max_bytes=200)
    assert [f.path for f in found.files] == ["small.py"]
    assert found.skipped == (Skipped("big.py", "too large (600 bytes)"),)


def test_symlinks_out_of_the_repository_are_skipped_and_not_followed(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    write_files(outside, {"secret.py": "x = 1\n", "pkg/mod.py": "y = 1\n"})
    root = make_repo({"a.py": ""})
    (root / "leak.py").symlink_to(outside / "secret.py")
    (root / "inner.py").symlink_to(root / "a.py")
    (root / "linked_dir").symlink_to(outside / "pkg")
    git(root, "add", "-A")
    assert _paths(root) == ["a.py"]
    assert _reasons(root) == {
        "inner.py": "symlink to a.py",
        "leak.py": "symlink outside the repository",
    }


def test_walk_never_enters_a_symlinked_directory_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_files(outside, {"mod.py": ""})
    root = tmp_path / "tree"
    write_files(root, {"a.py": ""})
    (root / "linked").symlink_to(outside)
    assert _paths(root) == ["a.py"]
    assert _reasons(root) == {"linked": "symlink outside the repository"}


def test_a_fifo_named_like_source_is_skipped_not_read(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.py": ""})
    os.mkfifo(tmp_path / "pipe.py")
    assert _paths(tmp_path) == ["a.py"]
    assert _reasons(tmp_path) == {"pipe.py": "not a regular file"}


def test_a_path_that_is_a_file_is_a_repository_error(tmp_path: Path) -> None:
    target = tmp_path / "file.py"
    target.write_text("")
    with pytest.raises(RepositoryError, match="is not a directory"):
        discover(target)
    with pytest.raises(RepositoryError, match="does not exist"):
        discover(tmp_path / "missing")


def test_content_rules_binary_minified_generated() -> None:
    assert content_skip_reason("a.py", b"x = 1\0\n") == "binary"
    assert content_skip_reason("lib.min.js", b"var a=1;\n") == "minified"
    assert content_skip_reason("app.js", b"var a=1;" * 2000) == "minified"
    long_line = b"x = 1\n" * 3000 + b"y = '" + b"z" * 10_001 + b"'\n"
    assert content_skip_reason("data.py", long_line) == "minified"
    assert content_skip_reason("m.py", b"# Generated by Django 5.0\nx = 1\n") == "generated"
    assert content_skip_reason("m.go", b"// Code generated by stringer. DO NOT EDIT.\n") == (
        "generated"
    )
    assert content_skip_reason("m.js", b"/**\n * @generated\n */\n") == "generated"
    assert content_skip_reason("ok.py", b'"""Helpers for files generated by the tests."""\n') is (
        None
    )
    assert content_skip_reason("ok.py", b"x = 1\n" * 10 + b"# generated by hand\n") is None


def test_generated_headers_are_told_from_prose_about_generated_code() -> None:
    ply = b"# -*- coding: utf-8 -*-\n# BSD\n\n# This file was automatically generated from ply.\n"
    assert looks_generated(ply)
    assert looks_generated(b"# file generated by setuptools-scm\n__version__ = '1.0'\n")
    assert looks_generated(b"# Do not modify: written by tools/gen.py\nX = 1\n")
    assert looks_generated(b"# Auto generated by tools/make_width_tables.py\n")
    licence = b"# Copyright (c) Meta\n#\n# MIT licence\n# see LICENSE\n\n\n"
    assert looks_generated(licence + b"# This file was generated by libcst.codegen\n")
    # a comment that talks about generated code, code that mentions it, text past the header
    assert not looks_generated(b"# This tests the source code generated with utilities.codegen\n")
    assert not looks_generated(b"# This module includes files automatically generated from ply\n")
    assert not looks_generated(b"def f():\n    # no auto-generated frame is created here\n")
    assert not looks_generated(b"x = 1\n" * 10 + b"# DO NOT EDIT\n")


def test_a_path_through_a_symlinked_directory_is_never_read(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "cfg.py").write_text('SECRET = "hunter2"\n')
    repo = make_repo({"pkg/cfg.py": "X = 1\n", "inner/real.py": "Y = 2\n"})
    # A tracked directory replaced by a symlink in the work tree, and a named path through it.
    shutil.rmtree(repo / "pkg")
    (repo / "pkg").symlink_to(outside)
    (repo / "alias").symlink_to(repo / "inner")
    assert path_skip_reason(repo, "pkg/cfg.py") == (
        "inside a symlinked directory leading outside the repository"
    )
    assert path_skip_reason(repo, "alias/real.py") == "inside a symlinked directory"
    assert path_skip_reason(repo, "inner/real.py") is None
    found = discover(repo)
    assert "pkg/cfg.py" not in [source.path for source in found.files]
    assert any(s.path == "pkg/cfg.py" and "outside" in s.reason for s in found.skipped)


def test_read_source_refuses_symlinks_and_oversized_files(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.py": "x = 1\n"})
    (tmp_path / "link.py").symlink_to(tmp_path / "a.py")
    assert read_source(tmp_path, "a.py") == b"x = 1\n"
    with pytest.raises(OSError, match="a symlink"):
        read_source(tmp_path, "link.py")
    with pytest.raises(OSError, match="larger than 3 bytes"):
        read_source(tmp_path, "a.py", max_bytes=3)


def test_an_unreadable_unhashed_file_moves_to_the_skipped(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.py": "", "b.py": ""})
    unhashed = discover(tmp_path, hashed=False)
    (tmp_path / "b.py").unlink()
    found = with_blobs(unhashed)
    assert [f.path for f in found.files] == ["a.py"]
    assert [(s.path, s.reason) for s in found.skipped] == [
        ("b.py", "unreadable: No such file or directory")
    ]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_read_source_closes_what_it_refuses(tmp_path: Path) -> None:
    (tmp_path / "dir.py").mkdir()
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(20):
        with pytest.raises(OSError, match="not a regular file"):
            read_source(tmp_path, "dir.py")
    assert len(os.listdir("/proc/self/fd")) == before
