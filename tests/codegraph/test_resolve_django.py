"""End to end: resolve the real Django 5.2.19 source and check facts known about it."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from codegraph import testedges
from codegraph.languages.python import LANGUAGE
from codegraph.model import EdgeKind
from codegraph.resolve import Resolution, SymbolTable, resolution_rate, resolve_file

SDIST = "django-5.2.19.tar.gz"
CACHE = Path.home() / ".cache" / "patchwright-tests"
LOCAL = Path(__file__).resolve().parents[2] / "benchmarks" / ".work" / "sdists" / SDIST


def _sdist() -> Path:
    if LOCAL.is_file():
        return LOCAL
    target = CACHE / SDIST
    if not target.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--no-deps"),
                *("--no-binary", ":all:", "Django==5.2.19", "-d", str(CACHE)),
            ],
            check=True,
            capture_output=True,
        )
    return target


@pytest.fixture(scope="module")
def django() -> tuple[SymbolTable, dict[str, Resolution]]:
    facts = {}
    with tarfile.open(_sdist()) as archive:
        for member in archive.getmembers():
            path = member.name.partition("/")[2]
            wanted = path.startswith(("django/", "tests/basic/"))
            if member.isfile() and path.endswith(".py") and wanted:
                handle = archive.extractfile(member)
                assert handle is not None
                facts[path] = LANGUAGE.extract(path, handle.read())
    table = SymbolTable.build(facts)
    return table, {path: resolve_file(table, facts[path]) for path in sorted(facts)}


def _edges(res: dict[str, Resolution], kind: EdgeKind) -> set[tuple[str, str]]:
    return {(e.source, e.target) for r in res.values() for e in r.edges if e.kind is kind}


@pytest.mark.slow
def test_known_callers_and_inheritance_in_django(django):
    table, res = django
    assert len(res) > 800
    assert res["tests/basic/tests.py"].edges
    calls = _edges(res, EdgeKind.CALLS)
    query = "django/db/models/query.py::QuerySet"
    chain_callers = {s for s, t in calls if t == f"{query}._chain"}
    assert {f"{query}._filter_or_exclude", f"{query}.all", f"{query}.order_by"} <= chain_callers
    assert (f"{query}.filter", f"{query}._filter_or_exclude") in calls
    base = "django/db/models/base.py::Model"
    assert (f"{base}.save", f"{base}.save_base") in calls
    inherits = _edges(res, EdgeKind.INHERITS)
    fields = "django/db/models/fields/__init__.py"
    assert (f"{fields}::CharField", f"{fields}::Field") in inherits
    # `from django.db.models import Q` lands on the definition behind the package's re-export
    imports = _edges(res, EdgeKind.IMPORTS)
    assert any(t == "django/db/models/query_utils.py::Q" for _, t in imports)
    assert resolution_rate(res.values()) >= 0.7
    # same-named methods stay apart: `save` is defined many times and never merged
    assert len(table.candidates("save")) > 5


@pytest.mark.slow
def test_django_tests_reach_the_model_methods_they_exercise(django):
    table, res = django
    edges = [e for r in res.values() for e in r.edges]
    found = testedges.test_edges(table.symbols, edges, table.facts)
    pairs = {(e.source, e.target) for e in found}
    test = "tests/basic/tests.py::ModelInstanceCreationTests"
    # `a = Article(...); a.save()`: Article is a models.Model in tests/basic/models.py
    save = "django/db/models/base.py::Model.save"
    assert (f"{test}.test_object_is_not_written_to_database_until_save_was_called", save) in pairs
    assert all(e.kind is EdgeKind.TESTS for e in found)
    assert not any(testedges.is_test_file(t.partition("::")[0]) for _, t in pairs)
