"""Resolution of Python references on fixture repositories with hand-written expectations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codegraph.model import EdgeKind
from codegraph.resolve import SymbolTable, resolution_rate, resolve_file
from tests.codegraph.resolve_helpers import edges_of, extract_repo, resolve_repo

CALLS = EdgeKind.CALLS

PACKAGE = {
    "pkg/__init__.py": "from .core import Engine\nfrom .util import *\n",
    "pkg/base.py": (
        "class Root:\n"
        "    def stop(self):\n"
        "        pass\n"
        "    def __init__(self, name):\n"
        "        self.name = name\n"
        "\n"
        "class Base(Root):\n"
        "    def prepare(self):\n"
        "        pass\n"
        "    def run(self):\n"
        "        pass\n"
        "    @classmethod\n"
        "    def make(cls):\n"
        "        return cls.build()\n"
        "    @classmethod\n"
        "    def build(cls):\n"
        "        return cls('x')\n"
    ),
    "pkg/core.py": (
        "from .base import Base\n"
        "\n"
        "class Engine(Base):\n"
        "    def start(self):\n"
        "        return self.prepare()\n"
        "    def run(self):\n"
        "        super().run()\n"
        "        self.stop()\n"
        "\n"
        "class Plain:\n"
        "    pass\n"
    ),
    "pkg/util.py": (
        "__all__ = ['helper']\ndef helper():\n    pass\ndef not_exported():\n    pass\n"
    ),
}


def test_relative_imports_aliases_and_dotted_module_access(make_repo):
    root = make_repo(
        {
            **PACKAGE,
            "app/__init__.py": "",
            "app/main.py": (
                "import pkg.core\n"
                "import pkg.core as pc\n"
                "from pkg.util import helper as h2\n"
                "from ..pkg import nothing\n"
                "from . import tools\n"
                "from .tools import tool as t\n"
                "\n"
                "def go():\n"
                "    pkg.core.Plain()\n"
                "    pc.Plain()\n"
                "    h2()\n"
                "    tools.tool()\n"
                "    t()\n"
            ),
            "app/tools.py": "def tool():\n    pass\n",
        }
    )
    _, res = resolve_repo(root)
    calls = edges_of(res, CALLS)
    go = "app/main.py::go"
    assert {
        (go, "pkg/core.py::Plain"),
        (go, "pkg/util.py::helper"),
        (go, "app/tools.py::tool"),
    } <= calls
    assert sum(1 for s, _ in calls if s == go) == 3
    imports = edges_of(res, EdgeKind.IMPORTS)
    assert ("app/main.py", "pkg/core.py") in imports
    assert ("app/main.py", "pkg/util.py::helper") in imports
    assert ("app/main.py", "app/tools.py") in imports
    assert ("app/main.py", "app/tools.py::tool") in imports


def test_reexport_through_init_and_star_import_with_all(make_repo):
    root = make_repo(
        {
            **PACKAGE,
            "outer/__init__.py": "from .inner import Engine\n",
            "outer/inner/__init__.py": "from pkg import Engine\n",
            "main.py": (
                "from pkg import Engine, helper\n"
                "from pkg import not_exported\n"
                "import outer\n"
                "\n"
                "def go():\n"
                "    Engine('a')\n"
                "    helper()\n"
                "    not_exported()\n"
                "    outer.Engine('b').start()\n"
            ),
        }
    )
    _, res = resolve_repo(root)
    calls = edges_of(res, CALLS)
    assert ("main.py::go", "pkg/base.py::Root.__init__") in calls
    assert ("main.py::go", "pkg/util.py::helper") in calls
    assert ("main.py::go", "pkg/core.py::Engine.start") in calls
    assert ("main.py::go", "pkg/util.py::not_exported") not in calls
    missing = [u for u in res["main.py"].unresolved if u.name == "not_exported"]
    assert missing and missing[0].candidates == ("pkg/util.py::not_exported",)


def test_self_cls_and_super_follow_the_mro_across_files(make_repo):
    root = make_repo(PACKAGE)
    _, res = resolve_repo(root)
    calls = edges_of(res, CALLS)
    assert ("pkg/core.py::Engine.start", "pkg/base.py::Base.prepare") in calls
    assert ("pkg/core.py::Engine.run", "pkg/base.py::Base.run") in calls
    assert ("pkg/core.py::Engine.run", "pkg/base.py::Root.stop") in calls
    assert ("pkg/core.py::Engine.run", "pkg/core.py::Engine.run") not in calls
    assert ("pkg/base.py::Base.make", "pkg/base.py::Base.build") in calls
    # cls('x') constructs: the inherited __init__
    assert ("pkg/base.py::Base.build", "pkg/base.py::Root.__init__") in calls
    inherits = edges_of(res, EdgeKind.INHERITS)
    assert inherits == {
        ("pkg/base.py::Base", "pkg/base.py::Root"),
        ("pkg/core.py::Engine", "pkg/base.py::Base"),
    }


def test_diamond_mro_picks_the_nearest_override(make_repo):
    root = make_repo(
        {
            "m.py": (
                "class A:\n"
                "    def m(self): pass\n"
                "class B(A): pass\n"
                "class C(A):\n"
                "    def m(self): pass\n"
                "class D(B, C):\n"
                "    def go(self):\n"
                "        self.m()\n"
            )
        }
    )
    _, res = resolve_repo(root)
    assert ("m.py::D.go", "m.py::C.m") in edges_of(res, CALLS)


def test_constructor_targets_init_or_the_class(make_repo):
    root = make_repo(
        {
            "m.py": (
                "class WithInit:\n"
                "    def __init__(self): pass\n"
                "class Child(WithInit): pass\n"
                "class Bare: pass\n"
                "def f():\n"
                "    WithInit(); Child(); Bare()\n"
            )
        }
    )
    _, res = resolve_repo(root)
    targets = {t for s, t in edges_of(res, CALLS) if s == "m.py::f"}
    assert targets == {"m.py::WithInit.__init__", "m.py::Bare"}


def test_bindings_type_locals_attributes_parameters_and_returns(make_repo):
    root = make_repo(
        {
            "client.py": (
                "class Client:\n"
                "    def get(self): pass\n"
                "class Other:\n"
                "    def get(self): pass\n"
                "def make() -> Client:\n"
                "    return Client()\n"
            ),
            "service.py": (
                "from client import Client, make\n"
                "import client as c\n"
                "\n"
                "class Service:\n"
                "    def __init__(self):\n"
                "        self.client = c.Client()\n"
                "    def fetch(self):\n"
                "        return self.client.get()\n"
                "\n"
                "def local():\n"
                "    x = Client()\n"
                "    x.get()\n"
                "def param(y: 'Client'):\n"
                "    y.get()\n"
                "def returned():\n"
                "    make().get()\n"
                "    z = make()\n"
                "    z.get()\n"
                "def unknown(w):\n"
                "    w.get()\n"
            ),
        }
    )
    _, res = resolve_repo(root)
    calls = edges_of(res, CALLS)
    for source in ("Service.fetch", "local", "param", "returned"):
        assert (f"service.py::{source}", "client.py::Client.get") in calls
    assert not any(s == "service.py::unknown" for s, _ in calls)
    (unknown,) = [u for u in res["service.py"].unresolved if u.source == "service.py::unknown"]
    assert unknown.candidates == ("client.py::Client.get", "client.py::Other.get")
    assert unknown.ambiguous


def test_nested_function_shadows_global(make_repo):
    root = make_repo(
        {
            "m.py": (
                "def helper(): pass\n"
                "def outer():\n"
                "    def helper(): pass\n"
                "    helper()\n"
                "def other():\n"
                "    helper()\n"
            )
        }
    )
    _, res = resolve_repo(root)
    calls = edges_of(res, CALLS)
    assert ("m.py::outer", "m.py::outer.helper") in calls
    assert ("m.py::other", "m.py::helper") in calls
    assert ("m.py::outer", "m.py::helper") not in calls


def test_ambiguous_method_names_give_candidates_and_no_edge(make_repo):
    root = make_repo(
        {
            "a.py": "class A:\n    def save(self): pass\n",
            "b.py": "class B:\n    def save(self): pass\n",
            "c.py": "def store(obj):\n    obj.save()\n",
        }
    )
    _, res = resolve_repo(root)
    assert not [e for e in res["c.py"].edges if e.kind is CALLS]
    (u,) = res["c.py"].unresolved
    assert (u.name, u.kind, u.candidates) == ("obj.save", CALLS, ("a.py::A.save", "b.py::B.save"))
    assert resolution_rate([res["c.py"]]) == 0.0


def test_external_names_are_counted_apart_from_unresolved(make_repo):
    root = make_repo(
        {
            "m.py": (
                "import os\n"
                "import numpy as np\n"
                "from collections import OrderedDict\n"
                "def f(items):\n"
                "    os.path.join('a', 'b')\n"
                "    np.array([1])\n"
                "    OrderedDict()\n"
                "    len(items)\n"
                "    items.append(1)\n"
                "    nowhere()\n"
            )
        }
    )
    _, res = resolve_repo(root)
    r = res["m.py"]
    assert r.external == 5
    assert [(u.name, u.candidates) for u in r.unresolved] == [("nowhere", ())]
    assert not [e for e in r.edges if e.kind is CALLS]


def test_import_cycles_terminate(make_repo):
    root = make_repo(
        {
            "a.py": "from b import *\nfrom b import loop\n",
            "b.py": "from a import *\nfrom a import loop\n",
            "c.py": "from a import loop, gone\ndef f():\n    loop()\n    gone()\n",
        }
    )
    _, res = resolve_repo(root)
    assert {u.name for u in res["c.py"].unresolved} == {"loop", "gone"}


def test_references_annotations_decorators_values_and_except(make_repo):
    root = make_repo(
        {
            "m.py": (
                "import functools\n"
                "class Err(Exception): pass\n"
                "class Item: pass\n"
                "def deco(f): return f\n"
                "LIMIT = 3\n"
                "@deco\n"
                "def f(x: Item) -> 'Item':\n"
                "    try:\n"
                "        y = LIMIT\n"
                "        return isinstance(x, Item) and y\n"
                "    except Err:\n"
                "        return map(deco, [])\n"
            )
        }
    )
    _, res = resolve_repo(root)
    refs = {t for s, t in edges_of(res, EdgeKind.REFERENCES) if s == "m.py::f"}
    assert refs == {"m.py::deco", "m.py::Item", "m.py::Err", "m.py::LIMIT"}
    assert ("m.py::Err", "m.py::Item") not in edges_of(res, EdgeKind.INHERITS)
    contains = edges_of(res, EdgeKind.CONTAINS)
    assert ("m.py", "m.py::f") in contains and ("m.py", "m.py::LIMIT") in contains


def test_test_root_modules_resolve_by_unique_suffix(make_repo):
    root = make_repo(
        {
            "tests/model_fields/__init__.py": "",
            "tests/model_fields/models.py": "class Thing:\n    pass\n",
            "tests/model_fields/tests.py": (
                "from model_fields.models import Thing\ndef test_x():\n    Thing()\n"
            ),
        }
    )
    _, res = resolve_repo(root)
    assert ("tests/model_fields/tests.py::test_x", "tests/model_fields/models.py::Thing") in (
        edges_of(res, CALLS)
    )


def test_files_added_in_any_order_resolve_as_a_sorted_build(make_repo):
    root = make_repo(PACKAGE | {"main.py": "from pkg import helper\ndef go():\n    helper()\n"})
    facts = extract_repo(root)
    built = SymbolTable.build(facts)
    added = SymbolTable()
    for path in sorted(facts, reverse=True):
        added.add(facts[path])
    for path in sorted(facts):
        assert resolve_file(added, facts[path]) == resolve_file(built, facts[path])
    with pytest.raises(ValueError, match="is in the table already"):
        added.add(facts["main.py"])


def test_update_and_dependents_match_a_fresh_build(make_repo):
    root = make_repo(PACKAGE | {"main.py": "from pkg import helper\ndef go():\n    helper()\n"})
    facts = extract_repo(root)
    table = SymbolTable.build(facts)
    from codegraph.languages.python import LANGUAGE

    body_only = LANGUAGE.extract("pkg/util.py", PACKAGE["pkg/util.py"].encode() + b"\n# x\n")
    table.update("pkg/util.py", body_only)
    assert table.dependents("pkg/util.py") == set()

    renamed = LANGUAGE.extract("pkg/util.py", b"__all__ = ['helper2']\ndef helper2():\n    pass\n")
    table.update("pkg/util.py", renamed)
    assert {"pkg/__init__.py", "main.py"} <= table.dependents("pkg/util.py")
    fresh = SymbolTable.build({**facts, "pkg/util.py": renamed})
    for path in sorted(facts):
        assert resolve_file(table, facts[path] if path != "pkg/util.py" else renamed) == (
            resolve_file(fresh, fresh.facts[path])
        )
    assert [u.name for u in resolve_file(table, facts["main.py"]).unresolved] == ["helper"]

    table.update("main.py", None)
    assert "main.py" not in table.facts


_DUMP = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from tests.codegraph.resolve_helpers import resolve_repo
_, res = resolve_repo(Path(sys.argv[1]))
print(json.dumps({p: [repr(r.edges), repr(r.unresolved), r.external] for p, r in res.items()}))
"""


def test_resolution_does_not_depend_on_hash_seed(make_repo):
    root = make_repo(
        {
            **PACKAGE,
            "x.py": "class X:\n    def save(self): pass\n",
            "y.py": "class Y:\n    def save(self): pass\n",
            "z.py": "from pkg import *\ndef f(o):\n    o.save(); helper(); Engine('n').run()\n",
        }
    )
    project = Path(__file__).resolve().parents[2]
    outputs = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _DUMP, str(root), str(project)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
    assert "save" in json.dumps(outputs[0]["z.py"])


def test_method_headers_see_the_class_body_and_plain_functions_have_no_self(make_repo):
    root = make_repo(
        {
            "m.py": (
                "class Plot:\n"
                "    def synchronized(f):\n"
                "        return f\n"
                "    @synchronized\n"
                "    def draw(self):\n"
                "        pass\n"
                "def build(cls):\n"
                "    return cls()\n"
                "def describe(self):\n"
                "    return self.name\n"
            )
        }
    )
    _, res = resolve_repo(root)
    assert ("m.py::Plot.draw", "m.py::Plot.synchronized") in edges_of(res, EdgeKind.REFERENCES)
    assert res["m.py"].unresolved == ()


def test_adding_a_definition_reresolves_only_files_naming_it(make_repo):
    from codegraph.languages.python import LANGUAGE

    root = make_repo(
        PACKAGE
        | {
            "main.py": "import pkg.util\ndef go():\n    pkg.util.extra()\n",
            "other.py": "import pkg.util\ndef run():\n    pkg.util.helper()\n",
        }
    )
    facts = extract_repo(root)
    table = SymbolTable.build(facts)
    assert [u.name for u in resolve_file(table, facts["main.py"]).unresolved] == ["pkg.util.extra"]
    source = PACKAGE["pkg/util.py"] + "def extra():\n    pass\n"
    table.update("pkg/util.py", LANGUAGE.extract("pkg/util.py", source.encode()))
    assert table.dependents("pkg/util.py") == {"main.py"}
    edges = resolve_file(table, facts["main.py"]).edges
    assert ("main.py::go", "pkg/util.py::extra") in {(e.source, e.target) for e in edges}
    # an import change reaches importers, and through the package's re-exports
    source = "from os import path\n" + source
    table.update("pkg/util.py", LANGUAGE.extract("pkg/util.py", source.encode()))
    assert {"main.py", "other.py", "pkg/__init__.py"} <= table.dependents("pkg/util.py")


def test_suffix_match_never_lands_inside_a_package(make_repo):
    root = make_repo(
        {
            "pkg/__init__.py": "",
            "pkg/backends/__init__.py": "",
            "pkg/backends/jinja2.py": "import jinja2\ndef f():\n    jinja2.Environment()\n",
        }
    )
    _, res = resolve_repo(root)
    r = res["pkg/backends/jinja2.py"]
    assert (r.external, r.unresolved) == (1, ())
    assert not edges_of(res, EdgeKind.IMPORTS)


def test_src_and_lib_layouts(make_repo):
    root = make_repo(
        {
            "src/app/__init__.py": "def run():\n    pass\n",
            "lib/tool.py": "def use():\n    pass\n",
            "main.py": "import app\nimport tool\ndef go():\n    app.run()\n    tool.use()\n",
        }
    )
    _, res = resolve_repo(root)
    assert {t for s, t in edges_of(res, CALLS) if s == "main.py::go"} == {
        "src/app/__init__.py::run",
        "lib/tool.py::use",
    }


def test_a_method_name_defined_once_resolves_on_an_unknown_receiver(make_repo):
    root = make_repo(
        {
            "a.py": "class Editor:\n    def schema_editor(self): pass\ndef lower(v): pass\n",
            "b.py": "def f(conn, name):\n    conn.schema_editor()\n    name.lower()\n",
        }
    )
    _, res = resolve_repo(root)
    assert edges_of(res, CALLS) == {("b.py::f", "a.py::Editor.schema_editor")}
    # `name.lower()` could only reach a.py's `lower` if `name` were that module
    assert res["b.py"].unresolved == ()
    assert res["b.py"].external == 1


def test_removing_a_module_reaches_its_importers(make_repo):
    root = make_repo(PACKAGE | {"main.py": "from pkg.util import helper\n"})
    table = SymbolTable.build(extract_repo(root))
    table.update("pkg/util.py", None)
    assert {"main.py", "pkg/__init__.py"} <= table.dependents("pkg/util.py")
    assert "pkg/util.py" not in table.dependents("pkg/util.py")


def test_super_beyond_repository_bases_and_object_dunders_are_external(make_repo):
    root = make_repo(
        {
            "m.py": (
                "class Mixin:\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        super().setup()\n"
                "    def name(self):\n"
                "        return self.__class__.__name__\n"
            )
        }
    )
    _, res = resolve_repo(root)
    assert res["m.py"].unresolved == ()
    assert res["m.py"].external == 3


def test_an_import_wins_over_its_fallback_variable(make_repo):
    root = make_repo(
        {
            "compat.py": (
                "try:\n    import simplejson as json\nexcept ImportError:\n    json = None\n"
                "from helpers import tool\nif tool is None:\n    tool = None\n"
            ),
            "helpers.py": "def tool():\n    pass\n",
            "main.py": "from compat import json, tool\ndef f():\n    json.dumps(1)\n    tool()\n",
        }
    )
    _, res = resolve_repo(root)
    assert edges_of(res, CALLS) == {("main.py::f", "helpers.py::tool")}
    assert (res["main.py"].external, res["main.py"].unresolved) == (1, ())


def test_incremental_updates_equal_a_fresh_build_after_every_edit(make_repo):
    from codegraph.languages.python import LANGUAGE

    app = (
        "from pkg import Engine, helper\n"
        "from pkg.core import Plain\n"
        "class Car(Engine):\n"
        "    def drive(self):\n"
        "        self.start(); self.stop(); helper(); Plain(); self.extra()\n"
    )
    root = make_repo(PACKAGE | {"app.py": app, "far.py": "from app import Car\nCar('x').drive()\n"})
    facts = extract_repo(root)
    table = SymbolTable.build(facts)
    current = {p: resolve_file(table, f) for p, f in facts.items()}
    base = PACKAGE["pkg/base.py"]
    edits = [
        ("pkg/base.py", base.replace("def stop(self)", "def halt(self)")),
        ("pkg/base.py", base + "class Extra:\n    def extra(self): pass\n"),
        ("pkg/core.py", PACKAGE["pkg/core.py"].replace("class Engine(Base)", "class Engine")),
        ("pkg/core.py", PACKAGE["pkg/core.py"] + "    def extra(self): pass\n"),
        ("pkg/__init__.py", "from .core import Engine\n"),
        ("pkg/util.py", PACKAGE["pkg/util.py"] + "# comment only\n"),
        ("app.py", app.replace("helper()", "helper(); Engine('y')")),
    ]
    for path, source in edits:
        facts[path] = LANGUAGE.extract(path, source.encode())
        table.update(path, facts[path])
        for stale in table.dependents(path) | {path}:
            current[stale] = resolve_file(table, facts[stale])
        fresh = SymbolTable.build(facts)
        assert current == {p: resolve_file(fresh, f) for p, f in facts.items()}, path


def test_a_name_used_again_in_one_scope_keeps_every_line(make_repo):
    root = make_repo(
        {
            "a.py": "def f():\n    pass\n",
            "b.py": "def f():\n    pass\n",
            "t.py": (
                "from a import f\n"
                "def g():\n"
                "    f()\n"
                "    f()\n"
                "    h()\n"
                "    h()\n"
                "    return f\n"
                "def h():\n"
                "    f()\n"
            ),
            "u.py": "def k():\n    f()\n    f()\n",
        }
    )
    _, resolutions = resolve_repo(root)
    calls = [(e.source, e.target, e.line) for e in resolutions["t.py"].edges if e.kind is CALLS]
    assert calls == [
        ("t.py::g", "a.py::f", 3),
        ("t.py::g", "a.py::f", 4),
        ("t.py::g", "t.py::h", 5),
        ("t.py::g", "t.py::h", 6),
        ("t.py::h", "a.py::f", 9),
    ]
    refs = [e for e in resolutions["t.py"].edges if e.kind is EdgeKind.REFERENCES]
    assert [(e.target, e.line) for e in refs] == [("a.py::f", 7)]
    ambiguous = [(u.line, u.candidates) for u in resolutions["u.py"].unresolved]
    assert ambiguous == [(2, ("a.py::f", "b.py::f")), (3, ("a.py::f", "b.py::f"))]
