"""Attribute types that refer to themselves must be inferred once, not once per path."""

from __future__ import annotations

import pytest

from codegraph import resolve
from codegraph.languages.python import LANGUAGE
from codegraph.resolve import SymbolTable, resolve_file

# sympy/integrals/risch.py writes `self.newf = self.newf.xreplace(...)` dozens of times.
SOURCE = (
    "class Expr:\n"
    "    def xreplace(self) -> 'Expr':\n"
    "        return self\n"
    "\n"
    "class Case:\n"
    "    def __init__(self) -> None:\n"
    "        self.newf = Expr()\n"
    + "".join(
        f"\n    def step{i}(self) -> None:\n        self.newf = self.newf.xreplace()\n"
        for i in range(40)
    )
)


def test_self_referential_attributes_are_inferred_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    inner = resolve._Resolver._attribute_type

    def counting(self: resolve._Resolver, class_id: str, name: str, depth: int) -> object:
        nonlocal calls
        calls += 1
        if calls > 500:  # exponential without the memo: fail now rather than hang
            raise AssertionError("attribute types are re-inferred per path")
        return inner(self, class_id, name, depth)

    monkeypatch.setattr(resolve._Resolver, "_attribute_type", counting)
    facts = LANGUAGE.extract("m.py", SOURCE.encode())
    result = resolve_file(SymbolTable.build({"m.py": facts}), facts)
    targets = {(e.source, e.target) for e in result.edges if e.kind == "calls"}
    assert ("m.py::Case.step0", "m.py::Expr.xreplace") in targets
    assert ("m.py::Case.step39", "m.py::Expr.xreplace") in targets
