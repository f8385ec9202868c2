"""Python extraction: symbols, imports, references and bindings of single files."""

from __future__ import annotations

import pytest

from codegraph.errors import ParseError
from codegraph.languages import get_language
from codegraph.languages.python import LANGUAGE, module_name
from codegraph.model import EdgeKind, Import, SymbolKind, Visibility

SOURCE = b'''"""Module doc line.

More.
"""
import os.path as osp
from . import sibling
from ..pkg.mod import name as alias, other
from .. import *

__all__ = ["Outer", "helper"]
LIMIT: int = 10
_cache = {}


@decorators.register("x")
@simple
def helper(a: int,
           b: "Outer" = None,
           *args, **kwargs) -> Outer:
    """Help.

    Details."""
    import json
    x = Outer()
    x.method()
    return json.dumps(a)


class Outer(Base, metaclass=Meta):
    """Outer doc."""

    attr = 1
    typed: Client

    class Inner:
        def m(self):
            pass

    def __init__(self):
        self.client = Client()

    def __private(self):
        super().__init__()
        self._protected()
        self.client.get()

    async def _protected(self):
        def nested():
            return helper
        return nested
'''


def _facts(path="top/pkg/sub/mod.py", source=SOURCE):
    return LANGUAGE.extract(path, source)


def test_registry_returns_the_python_language():
    assert get_language("python") is LANGUAGE
    assert LANGUAGE.extensions == (".py", ".pyi")


def test_module_names_for_packages_src_layouts_and_stubs():
    assert module_name("pkg/__init__.py") == "pkg"
    assert module_name("src/pkg/mod.py") == "pkg.mod"
    assert module_name("pkg/mod.pyi") == "pkg.mod"
    assert module_name("setup.py") == "setup"
    assert module_name("__init__.py") == "__init__"


def test_symbols_ids_kinds_spans_and_nesting():
    facts = _facts()
    table = {s.id: s for s in facts.symbols}
    base = "top/pkg/sub/mod.py"
    assert facts.symbols[0].id == base and facts.symbols[0].kind is SymbolKind.MODULE
    assert facts.symbols[0].name == "top.pkg.sub.mod"
    assert facts.symbols[0].doc == "Module doc line."
    expected = {
        f"{base}::__all__": (SymbolKind.VARIABLE, (10, 10)),
        f"{base}::LIMIT": (SymbolKind.VARIABLE, (11, 11)),
        f"{base}::_cache": (SymbolKind.VARIABLE, (12, 12)),
        f"{base}::helper": (SymbolKind.FUNCTION, (15, 26)),
        f"{base}::Outer": (SymbolKind.CLASS, (29, 50)),
        f"{base}::Outer.attr": (SymbolKind.VARIABLE, (32, 32)),
        f"{base}::Outer.typed": (SymbolKind.VARIABLE, (33, 33)),
        f"{base}::Outer.Inner": (SymbolKind.CLASS, (35, 37)),
        f"{base}::Outer.Inner.m": (SymbolKind.METHOD, (36, 37)),
        f"{base}::Outer.__init__": (SymbolKind.METHOD, (39, 40)),
        f"{base}::Outer.__private": (SymbolKind.METHOD, (42, 45)),
        f"{base}::Outer._protected": (SymbolKind.METHOD, (47, 50)),
        f"{base}::Outer._protected.nested": (SymbolKind.FUNCTION, (48, 49)),
    }
    assert {k: (v.kind, v.span) for k, v in table.items() if k != base} == expected


def test_signatures_docstrings_decorators_and_visibility():
    table = {s.id.partition("::")[2]: s for s in _facts().symbols}
    helper = table["helper"]
    assert helper.signature == ('def helper(a: int, b: "Outer" = None, *args, **kwargs) -> Outer')
    assert helper.doc == "Help."
    assert helper.decorators == ('decorators.register("x")', "simple")
    assert table["Outer"].signature == "class Outer(Base, metaclass=Meta)"
    assert table["Outer"].doc == "Outer doc."
    assert table["Outer._protected"].signature == "async def _protected(self)"
    assert table["LIMIT"].signature == "LIMIT: int = 10"
    assert table["Outer.__private"].visibility is Visibility.PRIVATE
    assert table["Outer._protected"].visibility is Visibility.PROTECTED
    assert table["Outer.__init__"].visibility is Visibility.PUBLIC
    assert table["_cache"].visibility is Visibility.PROTECTED


def test_long_signatures_are_bounded():
    params = ", ".join(f"p{i}" for i in range(200))
    facts = _facts("m.py", f"def f({params}):\n    pass\n".encode())
    assert len(facts.symbols[1].signature) == 200
    assert facts.symbols[1].signature.endswith("…")


def test_imports_are_normalized_to_absolute_modules():
    facts = _facts()
    base = "top/pkg/sub/mod.py"
    assert facts.imports == (
        Import(base, "os.path", None, "osp", 5),
        Import(base, "top.pkg.sub", "sibling", None, 6),
        Import(base, "top.pkg.pkg.mod", "name", "alias", 7),
        Import(base, "top.pkg.pkg.mod", "other", None, 7),
        Import(base, "top.pkg", "*", None, 8),
        Import(f"{base}::helper", "json", None, None, 23),
    )
    assert facts.exports == ("Outer", "helper")


def test_relative_imports_from_a_package_init_and_beyond_the_root():
    facts = LANGUAGE.extract(
        "pkg/__init__.py", b"from . import a\nfrom .b import c\nfrom ... import z\n"
    )
    assert [(i.module, i.name) for i in facts.imports] == [
        ("pkg", "a"),
        ("pkg.b", "c"),
        ("...", "z"),
    ]


def test_references_calls_bases_annotations_and_values():
    facts = _facts()
    base = "top/pkg/sub/mod.py"
    refs = {(r.kind, r.scope.partition("::")[2], r.name) for r in facts.references}
    calls, inherits, refers = EdgeKind.CALLS, EdgeKind.INHERITS, EdgeKind.REFERENCES
    expected = {
        (calls, "helper", "decorators.register"),
        (refers, "helper", "simple"),
        (refers, "", "int"),
        (refers, "helper", "int"),
        (refers, "helper", "Outer"),
        (calls, "helper", "Outer"),
        (calls, "helper", "x.method"),
        (calls, "helper", "json.dumps"),
        (inherits, "Outer", "Base"),
        (refers, "Outer", "Meta"),
        (refers, "Outer", "Client"),
        (calls, "Outer.__init__", "Client"),
        (calls, "Outer.__private", "super().__init__"),
        (calls, "Outer.__private", "self._protected"),
        (calls, "Outer.__private", "self.client.get"),
        (refers, "Outer._protected.nested", "helper"),
        (refers, "Outer._protected", "nested"),
    }
    assert refs == expected
    assert all(r.scope.startswith(base) for r in facts.references)
    # `a` is a parameter: passing it says nothing about any definition
    assert not any(r.name == "a" for r in facts.references)


def test_bindings_from_calls_annotations_and_returns():
    base = "top/pkg/sub/mod.py"
    assert set(_facts().bindings) == {
        (base, "LIMIT", "int"),
        (f"{base}::helper", "a", "int"),
        (f"{base}::helper", "b", "Outer"),
        (f"{base}::helper", "return", "Outer"),
        (f"{base}::helper", "x", "Outer"),
        (f"{base}::Outer", "typed", "Client"),
        (f"{base}::Outer.__init__", "self.client", "Client"),
    }


def test_dynamic_all_gives_unknown_exports():
    literal = _facts("m.py", b"__all__ = ['a']\n__all__ += ['b']\n")
    assert literal.exports == ("a", "b")
    dynamic = _facts("m.py", b"from x import y\n__all__ = ['a']\n__all__ += y.__all__\n")
    assert dynamic.exports is None


def test_syntax_errors_keep_recovered_definitions():
    facts = _facts(
        "bad.py", b"def ok():\n    pass\n\ndef broken(:\n    x = \n\nclass Fine:\n    pass\n"
    )
    ids = {s.id for s in facts.symbols}
    assert {"bad.py::ok", "bad.py::Fine"} <= ids


def test_non_utf8_empty_and_garbage_files_never_crash():
    latin = _facts("l.py", "def café():\n    return 'é'\n".encode("latin-1"))
    assert latin.symbols[0].kind is SymbolKind.MODULE
    empty = _facts("e.py", b"")
    assert len(empty.symbols) == 1 and empty.symbols[0].span == (1, 1)
    garbage = _facts("g.py", bytes(range(256)) * 20)
    assert garbage.symbols[0].id == "g.py"
    deep = _facts("d.py", b"x = " + b"(" * 900 + b"1" + b")" * 900 + b"\n")
    assert deep.symbols[1].id == "d.py::x"
    # Deeper nesting makes tree-sitter queries quadratic: refused with a clean error.
    with pytest.raises(ParseError, match="nested 3000 levels"):
        _facts("d.py", b"x = " + b"(" * 3000 + b"1" + b")" * 3000 + b"\n")
    chain = _facts("c.py", b"def f():\n    a" + b".b()" * 5000 + b"\n")
    assert chain.symbols[1].id == "c.py::f"
    nested = b"x: " + b"Optional[" * 500 + b"int" + b"]" * 500 + b" = 1\n"
    assert _facts("n.py", nested).symbols[1].id == "n.py::x"


def test_conditional_redefinitions_keep_one_symbol():
    facts = _facts("c.py", b"if A:\n    def f(): pass\nelse:\n    def f(): return g()\n")
    assert [s.id for s in facts.symbols] == ["c.py", "c.py::f"]
    assert [(r.scope, r.name) for r in facts.references] == [("c.py::f", "g")]


def test_a_binding_elsewhere_does_not_type_an_unrelated_local():
    source = b"def a():\n    y = Foo()\n    y()\ndef b():\n    x, y = pair()\n    y()\n"
    facts = _facts("m.py", source)
    calls = [(r.scope, r.name) for r in facts.references if r.kind is EdgeKind.CALLS]
    assert calls == [("m.py::a", "Foo"), ("m.py::a", "y"), ("m.py::b", "pair")]


def test_the_first_assignment_defines_a_variable_whatever_the_capture_order():
    lines = [f"V{i % 40} = {i}" for i in range(400)]
    source = ("\n".join(lines) + "\n__all__ = ['V1']\n__all__ += ['V2']\n").encode()
    for _ in range(5):
        facts = _facts("v.py", source)
        spans = {s.name: s.span[0] for s in facts.symbols[1:]}
        assert all(spans[f"V{i}"] == i + 1 for i in range(40))
        assert facts.exports == ("V1", "V2")
