"""TESTS edges through helpers, fixtures and setUp hooks, on fixture repositories."""

from __future__ import annotations

from codegraph import testedges
from codegraph.model import EdgeKind
from tests.codegraph.resolve_helpers import resolve_repo

LIB = {
    "lib/__init__.py": "",
    "lib/core.py": (
        "def parse(x):\n    return x\n"
        "def render(x):\n    return x\n"
        "def deep():\n    return 1\n"
        "def deeper():\n    return deep()\n"
        "class Store:\n"
        "    def __init__(self):\n        pass\n"
        "    def save(self):\n        pass\n"
    ),
}


def _tests_of(root):
    table, res = resolve_repo(root)
    edges = [e for r in res.values() for e in r.edges]
    found = testedges.test_edges(table.symbols, edges, table.facts)
    assert all(e.kind is EdgeKind.TESTS for e in found)
    pairs: dict[str, set[str]] = {}
    for edge in found:
        pairs.setdefault(edge.source, set()).add(edge.target)
    return found, pairs


def test_pytest_functions_reach_code_through_helpers_and_conftest_fixtures(make_repo):
    root = make_repo(
        {
            **LIB,
            "tests/conftest.py": (
                "import pytest\n"
                "from lib.core import Store\n"
                "@pytest.fixture\n"
                "def store():\n"
                "    return Store()\n"
            ),
            "tests/unit/test_core.py": (
                "from lib.core import parse, render, deeper\n"
                "def _check(x):\n"
                "    return render(x)\n"
                "def test_parse(store):\n"
                "    parse(1)\n"
                "    _check(2)\n"
                "def test_depth():\n"
                "    deeper()\n"
                "def helper_not_a_test():\n"
                "    parse(3)\n"
            ),
        }
    )
    found, pairs = _tests_of(root)
    test_parse = "tests/unit/test_core.py::test_parse"
    assert pairs[test_parse] == {
        "lib/core.py::parse",
        "lib/core.py::render",
        "lib/core.py::Store.__init__",
    }
    # only the first hop outside test files counts: deeper() is tested, deep() is not
    assert pairs["tests/unit/test_core.py::test_depth"] == {"lib/core.py::deeper"}
    assert "tests/unit/test_core.py::helper_not_a_test" not in pairs
    assert found == sorted(found, key=lambda e: (e.source, e.target))


def test_unittest_methods_include_setup_and_self_helpers(make_repo):
    root = make_repo(
        {
            **LIB,
            "tests/test_store.py": (
                "import unittest\n"
                "from lib.core import Store, parse\n"
                "class StoreCase(unittest.TestCase):\n"
                "    def setUp(self):\n"
                "        self.store = Store()\n"
                "    def _helper(self):\n"
                "        parse(1)\n"
                "    def test_save(self):\n"
                "        self.store.save()\n"
                "        self._helper()\n"
                "    def not_a_test(self):\n"
                "        parse(2)\n"
            ),
        }
    )
    _, pairs = _tests_of(root)
    assert pairs == {
        "tests/test_store.py::StoreCase.test_save": {
            "lib/core.py::Store.save",
            "lib/core.py::Store.__init__",
            "lib/core.py::parse",
        }
    }


def test_fixture_lookup_prefers_the_module_then_the_nearest_conftest(make_repo):
    root = make_repo(
        {
            **LIB,
            "conftest.py": (
                "import pytest\nfrom lib.core import render\n"
                "@pytest.fixture\ndef thing():\n    return render(0)\n"
            ),
            "tests/a/conftest.py": (
                "import pytest\nfrom lib.core import parse\n"
                "@pytest.fixture(name='thing')\ndef _thing():\n    return parse(0)\n"
            ),
            "tests/a/test_a.py": "def test_a(thing):\n    pass\n",
            "tests/b/test_b.py": "def test_b(thing):\n    pass\n",
        }
    )
    _, pairs = _tests_of(root)
    assert pairs["tests/a/test_a.py::test_a"] == {"lib/core.py::parse"}
    assert pairs["tests/b/test_b.py::test_b"] == {"lib/core.py::render"}


def test_test_file_and_symbol_rules():
    assert testedges.is_test_file("tests/x.py")
    assert testedges.is_test_file("pkg/test_x.py")
    assert testedges.is_test_file("pkg/x_test.py")
    assert not testedges.is_test_file("pkg/testing_utils.py")
    assert not testedges.is_test_file("pkg/contest.py")
    assert testedges.is_test_file("test/unit/x.py")
    assert not testedges.is_test_file("django/test/testcases.py")


def test_test_classes_are_found_through_repository_base_classes(make_repo):
    root = make_repo(
        {
            **LIB,
            "tests/base.py": "import unittest\nclass Base(unittest.TestCase):\n    pass\n",
            "tests/test_edit.py": (
                "from lib.core import render\n"
                "from tests.base import Base\n"
                "class Edit(Base):\n"
                "    def test_render(self):\n"
                "        render(1)\n"
            ),
        }
    )
    _, pairs = _tests_of(root)
    assert pairs == {"tests/test_edit.py::Edit.test_render": {"lib/core.py::render"}}


def test_a_precomputed_context_gives_the_same_edges_and_stays_unchanged(make_repo):
    root = make_repo(
        {
            **LIB,
            "tests/conftest.py": "import pytest\n@pytest.fixture\ndef db():\n    return 1\n",
            "tests/base.py": "import unittest\nclass Base(unittest.TestCase):\n    pass\n",
            "tests/test_edit.py": (
                "from lib.core import render, parse\n"
                "from tests.base import Base\n"
                "class Edit(Base):\n"
                "    def test_render(self):\n"
                "        render(1)\n"
                "def test_parse(db):\n"
                "    parse(1)\n"
            ),
        }
    )
    table, res = resolve_repo(root)
    edges = [e for r in res.values() for e in r.edges]
    context = testedges.fixtures_and_bases(table.symbols, table.facts)
    before = (
        {p: dict(f) for p, f in context.fixtures.items()},
        {c: list(b) for c, b in context.bases.items()},
    )
    with_context = testedges.test_edges(table.symbols, edges, table.facts, context)
    assert with_context == testedges.test_edges(table.symbols, edges, table.facts)
    assert {e.source for e in with_context} == {
        "tests/test_edit.py::Edit.test_render",
        "tests/test_edit.py::test_parse",
    }
    # The subclass's inherited test base was added to a copy, not to the context.
    assert before == (
        {p: dict(f) for p, f in context.fixtures.items()},
        {c: list(b) for c, b in context.bases.items()},
    )
    assert context.fixtures["tests/conftest.py"] == {"db": "tests/conftest.py::db"}


def test_parameter_names_with_and_without_nested_brackets():
    names = testedges._parameters
    assert names("def t(self, db, *args, x: int = 1, **kw)") == ["self", "db", "args", "x", "kw"]
    assert names("def t(a: dict[str, int] = {}, b=(1, 2), /, *, c)") == ["a", "b", "c"]
    assert names("def t()") == []
    assert names("t") == []
