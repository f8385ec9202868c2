"""Name resolution: each reference of a file to the one definition it names, or to nothing.

Lookup order for the head of a dotted name: the enclosing function scopes (nested
definitions, local imports, typed bindings) → the class body (only for code in it) →
module globals and imports (following re-exports and star imports, cycle-guarded) →
builtins. The rest of the name walks members: module attributes and submodules, class
members along the MRO, members of instances typed by bindings (`x = Foo()`, `x: Foo`,
`self.x = Foo()`, return annotations). `self`/`cls` name the enclosing class, `super()`
its bases. Calling a Python class targets its `__init__` (own or inherited) when any.

Outcomes, per reference:

* an edge, when the name resolves to one definition, or when it is a method called on
  an object of unknown type and exactly one method of that name exists in the repository;
* external (not counted in the rate): the name leads out of the repository (stdlib,
  packages, builtins, a base class outside it, `super()` past the repository's bases), or
  it is an attribute no repository class member carries (`items.append(...)`);
* `Unresolved` with the sorted candidates: every class member of that name for an
  attribute of an unknown object, every definition of that name otherwise (several:
  ambiguous, never merged, never guessed).

A value use (not a call) that resolves to nothing is dropped: it is data, not a use of a
definition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import starmap

from codegraph.model import Edge, EdgeKind, FileFacts, Reference, SymbolKind, Unresolved
from codegraph.resolve_modules import MAX_DEPTH as _MAX_DEPTH
from codegraph.resolve_modules import ModuleResolver, Value
from codegraph.resolve_python import BUILTINS
from codegraph.resolve_table import SymbolTable, parent_id

__all__ = ["Resolution", "SymbolTable", "resolution_rate", "resolve_file"]

_RATED = (EdgeKind.CALLS, EdgeKind.INHERITS, EdgeKind.REFERENCES)


@dataclass(frozen=True, slots=True)
class Resolution:
    """One file's outgoing resolved edges and the references that did not resolve."""

    edges: tuple[Edge, ...]
    unresolved: tuple[Unresolved, ...]
    external: int  # references leading outside the repository; not counted in the rate


def resolution_rate(resolutions: Iterable[Resolution]) -> float:
    """resolved / (resolved + unresolved) over calls, inheritance and references."""
    resolved = unresolved = 0
    for resolution in resolutions:
        resolved += sum(1 for e in resolution.edges if e.kind in _RATED)
        unresolved += sum(1 for u in resolution.unresolved if u.kind in _RATED)
    total = resolved + unresolved
    return resolved / total if total else 1.0


def resolve_file(table: SymbolTable, facts: FileFacts) -> Resolution:
    """Resolve every import and reference of `facts` against `table` (deterministic)."""
    return _Resolver(table, facts).run()


def _fallback(table: SymbolTable, member: str) -> bool:
    """A variable that shares its name with an import is its fallback (`except
    ImportError: json = None`): the import says more about what the name holds."""
    symbol = table.symbols.get(member)
    return symbol is not None and symbol.kind is SymbolKind.VARIABLE


class _Resolver:
    def __init__(self, table: SymbolTable, facts: FileFacts) -> None:
        self.table = table
        self.facts = facts
        self.python = facts.language == "python"
        self.modules = ModuleResolver(table, self.python)
        # (class id, attribute) -> its inferred type. `self.x = self.x.f()` written 50 times
        # makes every slot re-infer all the others: without the memo that is 50**depth work
        # (sympy's risch.py never finished); a key met again while in progress is unknown.
        self._attribute_types: dict[tuple[str, str], Value | None] = {}
        self._heads: dict[tuple[str, str, str], Value | None] = {}

    def run(self) -> Resolution:
        facts = self.facts
        # dicts as ordered sets: references arrive sorted, so insertion order is stable.
        # Keyed by plain tuples (hashed in C), records built once per distinct key.
        edges: dict[tuple[str, str, EdgeKind, int], None] = {}
        unresolved: dict[tuple[str, str, EdgeKind, int, tuple[str, ...]], None] = {}
        external = 0
        contains, imports = EdgeKind.CONTAINS, EdgeKind.IMPORTS
        for symbol in facts.symbols:
            parent = parent_id(symbol.id)
            if parent is not None:
                edges[parent, symbol.id, contains, 0] = None
        for imp in facts.imports:
            for target in self.modules.import_targets(imp.module, imp.name):
                if target != facts.path:
                    edges[facts.path, target, imports, imp.line] = None
        reference = self.reference
        # A name used again in the same scope resolves the same way (tests call
        # `self.assertEqual` dozens of times): a quarter of Django's references, half of
        # SymPy's. Keyed by the kind's plain value, which hashes in C.
        outcomes: dict[tuple[str, str, str], str | tuple[str, ...] | None] = {}
        for ref in facts.references:
            key = (ref.scope, ref.name, ref.kind._value_)
            if key in outcomes:
                outcome = outcomes[key]
            else:
                outcome = outcomes[key] = reference(ref)
            if outcome is None:
                continue
            if isinstance(outcome, str):
                if outcome == "ext":
                    external += 1
                else:
                    edges[ref.scope, outcome, ref.kind, ref.line] = None
            else:
                unresolved[ref.scope, ref.name, ref.kind, ref.line, outcome] = None
        return Resolution(
            tuple(starmap(Edge, edges)), tuple(starmap(Unresolved, unresolved)), external
        )

    # -- references ----------------------------------------------------------------------

    def reference(self, ref: Reference) -> str | tuple[str, ...] | None:
        """A target id, "ext", candidates when unresolved, or None to drop the reference."""
        scope = ref.scope
        if ref.kind is EdgeKind.INHERITS:
            # Bases are evaluated where the class statement runs, not inside the class.
            scope = parent_id(scope) or scope
        value = self.expression(self.facts.path, scope, ref.name, 0)
        last = ref.name.rpartition(".")[2].removesuffix("()")
        if value is not None and value[0] != "?":
            kind, key = value
            if kind == "ext":
                return "ext"
            if kind == "sym":
                if ref.kind is EdgeKind.CALLS:
                    return self.constructor(key)
                return key
            if kind == "inst" and ref.kind is EdgeKind.CALLS:
                return self.member(key, "__call__", 0) or None
            return None
        if value is not None and ref.kind is EdgeKind.CALLS and "." not in ref.name:
            return None  # a local holding a callable of unknown origin
        if ref.kind is EdgeKind.REFERENCES and ("." in ref.name or value is not None):
            # An attribute of an unknown object, or a local of unknown type, used as a
            # value is data, not a use of a definition.
            return None
        candidates = self.table.candidates(last)
        if ref.kind is EdgeKind.REFERENCES and not candidates:
            return None
        dotted = "." in ref.name
        receiver = self.receiver_kind(scope, ref.name) if dotted else "unknown"
        if dotted and receiver != "module":
            # An object's attribute is a member of some class, never a module-level name.
            candidates = self.member_candidates(last, candidates)
        if not candidates:
            # A method no repository definition has belongs to an outside object (for a
            # repository class: a mixin's partner, or set dynamically); a missing
            # attribute of a repository module is just missing.
            if (dotted and receiver != "module") or (not dotted and self.star_external(scope)):
                return "ext"
            return candidates
        if len(candidates) == 1 and dotted and value is None and receiver != "module":
            symbol = self.table.symbols[candidates[0]]
            if symbol.kind is SymbolKind.METHOD:
                # The only definition with this name anywhere: not a guess among several.
                return candidates[0]
        return candidates

    def constructor(self, target: str) -> str:
        symbol = self.table.symbols.get(target)
        if symbol is None or symbol.kind is not SymbolKind.CLASS or symbol.language != "python":
            return target
        init = self.member(target, "__init__", 0)
        return init or target

    def member_candidates(self, name: str, candidates: tuple[str, ...]) -> tuple[str, ...]:
        """The `candidates` of `name` that are class members (cached until an update)."""
        key = ("members", name)
        found = self.table.cache.get(key)
        if found is None:
            found = self.table.cache[key] = tuple(c for c in candidates if self.is_member(c))
        return found  # type: ignore[return-value]

    def is_member(self, symbol_id: str) -> bool:
        owner = self.table.symbols.get(parent_id(symbol_id) or "")
        return owner is not None and owner.kind is SymbolKind.CLASS

    def receiver_kind(self, scope: str, name: str) -> str:
        """What the part of a dotted name before its last attribute is: "module",
        "class" (a repository class or instance of one) or "unknown"."""
        receiver = self.expression(self.facts.path, scope, name.rpartition(".")[0], 0)
        if receiver is None or receiver[0] in ("ext", "?", "ns"):
            return "unknown"
        if receiver[0] in ("inst", "super"):
            return "class"
        symbol = self.table.symbols.get(receiver[1])
        if symbol is None:
            return "unknown"
        if symbol.kind is SymbolKind.MODULE:
            return "module"
        return "class" if symbol.kind is SymbolKind.CLASS else "unknown"

    def star_external(self, scope: str) -> bool:
        """A star import from outside the repository may have bound any name."""
        index = self.table.file(self.facts.path)
        for module in index.stars.get(self.facts.path, ()):
            value = self.modules.module_value(module)
            if value is not None and value[0] == "ext":
                return True
        return False

    # -- expressions ---------------------------------------------------------------------

    def expression(self, path: str, scope: str, name: str, depth: int) -> Value | None:
        if depth > _MAX_DEPTH or not name:
            return None
        head, _, rest = name.partition(".")
        called = head.endswith("()")
        head = head.removesuffix("()")
        if head == "super" and called:
            owner = self.enclosing_class(scope)
            value: Value | None = ("super", owner) if owner else None
        else:
            value = self.head(path, scope, head, depth)
            if called and value is not None:
                value = self.call_result(value, depth)
        for part in rest.split(".") if rest else ():
            if value is None:
                return None
            called = part.endswith("()")
            value = self.attribute(value, part.removesuffix("()"), depth)
            if called and value is not None:
                value = self.call_result(value, depth)
        return value

    def head(self, path: str, scope: str, name: str, depth: int) -> Value | None:
        # What a name means in a scope is fixed for the file: `models.CharField` and
        # `models.ForeignKey` look up `models` once.
        key = (path, scope, name)
        heads = self._heads
        if key in heads:
            return heads[key]
        found = heads[key] = self._head(path, scope, name, depth)
        return found

    def _head(self, path: str, scope: str, name: str, depth: int) -> Value | None:
        table = self.table
        if name == "self" or (name == "cls" and self.python):
            owner = self.enclosing_class(scope)
            if owner is not None:
                return ("inst", owner) if name == "self" else ("sym", owner)
        current: str | None = scope
        first = True
        while current is not None and current != path:
            symbol = table.symbols.get(current)
            if symbol is None:
                break
            # A class body's names are visible to the code in it, not to its methods.
            if symbol.kind is not SymbolKind.CLASS or first:
                found = self.lookup_in_scope(path, current, name, depth)
                if found is not None:
                    return found
            first = False
            current = parent_id(current)
        found = self.lookup_in_scope(path, path, name, depth)
        if found is None:
            # Decorators, defaults and annotations of a method run in the class body.
            owner = parent_id(scope)
            symbol = table.symbols.get(scope)
            if symbol is not None and symbol.kind is SymbolKind.METHOD and owner is not None:
                member = table.members.get(owner, {}).get(name)
                found = ("sym", member) if member is not None else None
        if found is None and not self.python:
            found = self.sibling(name)
        return found or self.builtin(name)

    def sibling(self, name: str) -> Value | None:
        """A name visible without import: from another file of the same Go package, or a
        class of the same Java package (one file per class)."""
        module = self.facts.module
        found = self.modules.package_member(module, name, skip=self.facts.path)
        if found is None and "." in module:
            value = self.modules.module_value(f"{module.rpartition('.')[0]}.{name}", strict=True)
            if value is not None and value[0] == "sym":
                member = self.table.members.get(value[1], {}).get(name)
                found = ("sym", member) if member is not None else None
        return found

    def builtin(self, name: str) -> Value | None:
        if self.python and name in BUILTINS:
            return ("ext", name)
        return None

    def lookup_in_scope(self, path: str, scope: str, name: str, depth: int) -> Value | None:
        key = ("scope", path, scope, name)
        cache = self.table.cache
        if key in cache:
            return cache[key]  # type: ignore[return-value]
        value = self._lookup_in_scope(path, scope, name, depth)
        cache[key] = value
        return value

    def _lookup_in_scope(self, path: str, scope: str, name: str, depth: int) -> Value | None:
        table = self.table
        index = table.file(path)
        member = table.members.get(scope, {}).get(name)
        imports = index.imports.get((scope, name))
        if member is not None and not (imports and _fallback(table, member)):
            return ("sym", member)
        types = index.bindings.get((scope, name))
        if types:
            # A typed local shadows everything outside, even when its type is unknown.
            return self.instance_of(path, scope, types, depth) or ("?", name)
        if imports:
            return self.modules.import_value(
                imports[-1].module, imports[-1].name, imports[-1].alias
            )
        for module in index.stars.get(scope, ()):
            found = self.modules.module_member(module, name, depth + 1, frozenset(), star=True)
            if found is not None and found[0] != "ext":
                return found
        return None

    def instance_of(self, path: str, scope: str, types: list[str], depth: int) -> Value | None:
        """The instance a binding holds when all its bindings agree on one repository class."""
        results: set[Value] = set()
        for expression in types:
            value = self.expression(path, scope, expression, depth + 1)
            value = self.call_result(value, depth) if value is not None else None
            if value is None:
                return None
            results.add(value)
        return results.pop() if len(results) == 1 else None

    def call_result(self, value: Value, depth: int) -> Value | None:
        kind, key = value
        if kind == "ext":
            return value
        if kind != "sym":
            return None
        symbol = self.table.symbols.get(key)
        if symbol is None:
            return None
        if symbol.kind is SymbolKind.CLASS:
            return ("inst", key)
        if symbol.kind in (SymbolKind.FUNCTION, SymbolKind.METHOD):
            returns = self.table.file(symbol.path).bindings.get((key, "return"))
            if returns and depth < _MAX_DEPTH:
                scope = parent_id(key) or symbol.path
                result = self.expression(symbol.path, scope, returns[0], depth + 1)
                if result is not None and result[0] == "sym":
                    target = self.table.symbols.get(result[1])
                    if target is not None and target.kind is SymbolKind.CLASS:
                        return ("inst", result[1])
                if result is not None and result[0] == "ext":
                    return result
        return None

    def attribute(self, value: Value, name: str, depth: int) -> Value | None:
        kind, key = value
        if kind == "?":
            return None
        if kind == "ext":
            return ("ext", f"{key}.{name}")
        if kind == "ns":
            return self.modules.module_value(f"{key}.{name}", strict=True)
        if kind == "pkg":
            return self.modules.package_member(key, name)
        if kind in ("inst", "super"):
            return self.class_attribute(key, name, depth, skip_self=kind == "super")
        symbol = self.table.symbols.get(key)
        if symbol is None:
            return None
        if symbol.kind is SymbolKind.MODULE:
            return self.modules.module_member(symbol.name, name, depth + 1, frozenset(), path=key)
        if symbol.kind is SymbolKind.CLASS:
            return self.class_attribute(key, name, depth, skip_self=False)
        if symbol.kind is SymbolKind.VARIABLE:
            types = self.table.file(symbol.path).bindings.get(
                (parent_id(key) or symbol.path, symbol.name)
            )
            if types:
                owner = parent_id(key) or symbol.path
                instance = self.instance_of(symbol.path, owner, types, depth + 1)
                if instance is not None:
                    return self.attribute(instance, name, depth + 1)
        return None

    # -- classes -------------------------------------------------------------------------

    def enclosing_class(self, scope: str) -> str | None:
        """The class whose method (possibly through nested functions) holds `scope`."""
        current: str | None = scope
        while current is not None:
            symbol = self.table.symbols.get(current)
            if symbol is None:
                return None
            if symbol.kind is SymbolKind.CLASS:
                return current
            if symbol.kind is SymbolKind.METHOD:
                return parent_id(current)
            current = parent_id(current)
        return None

    def mro(self, class_id: str) -> tuple[tuple[str, ...], bool]:
        """Repository classes in method-resolution order, and whether a base lies outside."""
        key = ("mro", class_id)
        cached = self.table.cache.get(key)
        if cached is None:
            cached = self._mro(class_id, ())
            self.table.cache[key] = cached
        return cached  # type: ignore[return-value]

    def _mro(self, class_id: str, active: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
        symbol = self.table.symbols.get(class_id)
        if symbol is None or class_id in active or len(active) > _MAX_DEPTH:
            return (), False
        order: list[str] = [class_id]
        external = False
        scope = parent_id(class_id) or symbol.path
        for base in self.table.file(symbol.path).bases.get(class_id, ()):
            value = self.expression(symbol.path, scope, base, len(active) + 1)
            if value is None or value[0] != "sym":
                if value is None or value[0] == "ext" or value[0] == "ns":
                    external = True
                continue
            base_symbol = self.table.symbols.get(value[1])
            if base_symbol is None or base_symbol.kind is not SymbolKind.CLASS:
                external = True
                continue
            linear, base_external = self._mro(value[1], (*active, class_id))
            external = external or base_external
            order.extend(linear)
        # Keep each class at its last position: the usual approximation of C3.
        seen: set[str] = set()
        result: list[str] = []
        for cls in reversed(order):
            if cls not in seen:
                seen.add(cls)
                result.append(cls)
        result.reverse()
        return tuple(result), external

    def member(self, class_id: str, name: str, depth: int) -> str | None:
        value = self.class_attribute(class_id, name, depth, skip_self=False)
        return value[1] if value is not None and value[0] == "sym" else None

    def class_attribute(
        self, class_id: str, name: str, depth: int, *, skip_self: bool
    ) -> Value | None:
        classes, external = self.mro(class_id)
        if skip_self:
            classes = classes[1:]
        members = self.table.members
        for cls in classes:
            found = members.get(cls, {}).get(name)
            if found is not None:
                symbol = self.table.symbols[found]
                if symbol.kind is SymbolKind.VARIABLE:
                    typed = self.attribute_type(cls, name, depth)
                    if typed is not None:
                        return typed
                return ("sym", found)
        for cls in classes:
            typed = self.attribute_type(cls, name, depth)
            if typed is not None:
                return typed
        # `super()` past the repository's bases reaches `object` or a mixin's partner, and
        # dunders missing from the repository's classes are `object`'s.
        if external or skip_self or (name.startswith("__") and name.endswith("__")):
            return ("ext", name)
        return None

    def attribute_type(self, class_id: str, name: str, depth: int) -> Value | None:
        key = (class_id, name)
        if key in self._attribute_types:
            return self._attribute_types[key]
        self._attribute_types[key] = None
        value = self._attribute_type(class_id, name, depth)
        self._attribute_types[key] = value
        return value

    def _attribute_type(self, class_id: str, name: str, depth: int) -> Value | None:
        symbol = self.table.symbols.get(class_id)
        if symbol is None or depth > _MAX_DEPTH:
            return None
        slots = self.table.file(symbol.path).attributes.get(class_id, {}).get(name)
        if not slots:
            return None
        results: set[Value] = set()
        for scope, expression in slots:
            value = self.expression(symbol.path, scope, expression, depth + 1)
            value = self.call_result(value, depth + 1) if value is not None else None
            if value is None:
                return None
            results.add(value)
        return results.pop() if len(results) == 1 else None
