from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli import main
from tests.conftest import MakeRepo, write_files

FILES = {
    "pkg/__init__.py": "",
    "pkg/a.py": "def f():\n    return g()\n\n\ndef g():\n    return 1\n",
    "pkg/b.py": "from pkg.a import f\n\n\nclass C:\n    def m(self):\n        return f()\n",
    "vendor/x.py": "",
    "gen.py": "# @generated\nx = 1\n",
}


def test_text_output_names_every_figure(
    make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(FILES)
    assert main(["index", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"indexed {root}"
    labels = [line.split()[0] for line in out[1:]]
    assert labels == ["files", "symbols", "edges", "resolved", "skipped", "time"]
    assert out[1] == "  files      3 (3 parsed, 0 reused, 3 resolved)"
    assert out[2] == "  symbols    7"
    assert "calls 2" in out[3] and "contains 4" in out[3] and "imports 2" in out[3]
    assert out[4].startswith("  resolved   100.0% of calls, bases and references")
    assert out[5] == "  skipped    2 (generated 1, vendored 1)"


def test_verbose_lists_skipped_files_and_second_run_reuses(
    make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(FILES)
    assert main(["index", str(root)]) == 0
    capsys.readouterr()
    assert main(["index", str(root), "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "(0 parsed, 3 reused, 0 resolved)" in out
    assert "    gen.py: generated\n    vendor: vendored\n" in out


def test_json_output(
    make_repo: MakeRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(FILES)
    data_dir = tmp_path / "store"
    assert main(["index", str(root), "--json", "--verbose", "--data-dir", str(data_dir)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["root"] == str(root)
    assert payload["data_dir"] == str(data_dir)
    assert (payload["files"], payload["symbols"], payload["parsed"]) == (3, 7, 3)
    assert payload["edges"]["calls"] == 2
    assert payload["skipped"] == {"generated": 1, "vendored": 1}
    assert payload["skipped_files"] == [
        {"path": "gen.py", "reason": "generated"},
        {"path": "vendor", "reason": "vendored"},
    ]
    assert set(payload["seconds"]) >= {"discover", "parse", "resolve", "total"}
    assert (data_dir / "graph.pickle").is_file()


def test_an_edit_is_picked_up(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(FILES)
    assert main(["index", str(root), "--json"]) == 0
    capsys.readouterr()
    write_files(root, {"pkg/a.py": "def f():\n    return 2\n\n\ndef g():\n    return 1\n"})
    assert main(["index", str(root), "--json", "--jobs", "1"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert (payload["parsed"], payload["reused"]) == (1, 2)
    assert payload["edges"]["calls"] == 1


def test_bad_paths_and_arguments_fail_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "a.py"
    file.write_text("")
    assert main(["index", str(file)]) == 2
    assert capsys.readouterr().err == f"patchwright index: {file} is not a directory\n"
    assert main(["index", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["index", str(tmp_path), "--jobs", "0"])
    assert exited.value.code == 2
    assert "--jobs: must be a number from 1 to 8, not '0'" in capsys.readouterr().err


def test_a_directory_without_sources_indexes_to_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(tmp_path, {"README.md": "hello\n"})
    assert main(["index", str(tmp_path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert (payload["files"], payload["symbols"]) == (0, 0)
    assert payload["resolution_rate"] == 1.0
