"""The repository-wide symbol table the resolver reads: definitions, modules and imports.

Everything here is derived from `FileFacts` alone. Per-file indexes are cached and
dropped with their file; repository-wide caches (module lookups, class MROs) are dropped
on every update, so a resolution never depends on what an earlier one computed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from codegraph.model import EdgeKind, FileFacts, Import, Symbol, SymbolKind


def parent_id(symbol_id: str) -> str | None:
    """`p.py::A.m` → `p.py::A`, `p.py::A` → `p.py`, a module id → None."""
    path, sep, qual = symbol_id.partition("::")
    if not sep:
        return None
    head, dot, _ = qual.rpartition(".")
    return f"{path}::{head}" if dot else path


@dataclass(slots=True)
class FileIndex:
    """One file's facts arranged for lookups; depends on that file only."""

    facts: FileFacts
    # (scope id, local name) -> the imports binding that name, in source order
    imports: dict[tuple[str, str], list[Import]] = field(default_factory=dict)
    stars: dict[str, list[str]] = field(default_factory=dict)  # scope -> star-imported modules
    bindings: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    bases: dict[str, list[str]] = field(default_factory=dict)  # class id -> base expressions
    # class id -> attribute -> (scope where written, value expression)
    attributes: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)

    @classmethod
    def of(cls, facts: FileFacts, symbols: Mapping[str, Symbol]) -> FileIndex:
        index = cls(facts)
        for imp in facts.imports:
            if imp.name == "*":
                index.stars.setdefault(imp.scope, []).append(imp.module)
                continue
            if imp.alias:
                local = imp.alias
            elif imp.name is not None:
                local = imp.name
            else:
                local = imp.module.partition(".")[0]
            index.imports.setdefault((imp.scope, local), []).append(imp)
        for scope, name, value in facts.bindings:
            index.bindings.setdefault((scope, name), []).append(value)
            head, dot, attr = name.partition(".")
            if dot and head in ("self", "cls", "this") and "." not in attr:
                owner = parent_id(scope)
                if owner is not None and owner in symbols:
                    slots = index.attributes.setdefault(owner, {})
                    slots.setdefault(attr, []).append((scope, value))
            elif not dot:
                target = symbols.get(scope)
                if target is not None and target.kind is SymbolKind.CLASS:
                    index.attributes.setdefault(scope, {}).setdefault(name, []).append(
                        (scope, value)
                    )
        for ref in facts.references:
            if ref.kind is EdgeKind.INHERITS:
                index.bases.setdefault(ref.scope, []).append(ref.name)
        return index


def _interface(facts: FileFacts | None) -> tuple[object, ...]:
    """What other files' resolution can see of a file: definitions, module-level imports,
    the bindings that type attributes and return values, exports and bases. Bodies, lines
    and a function's own imports and locals are left out."""
    if facts is None:
        return ()
    path = facts.path
    classes = {s.id for s in facts.symbols if s.kind is SymbolKind.CLASS}
    return (
        facts.module,
        facts.language,
        tuple((s.id, s.kind) for s in facts.symbols),
        tuple((i.module, i.name, i.alias) for i in facts.imports if i.scope == path),
        tuple(
            b
            for b in facts.bindings
            if b[0] == path or b[0] in classes or b[1] == "return" or "." in b[1]
        ),
        facts.exports,
        tuple((r.scope, r.name) for r in facts.references if r.kind is EdgeKind.INHERITS),
    )


class SymbolTable:
    """Definitions, modules and imports of a whole repository, updatable file by file."""

    def __init__(self) -> None:
        self.facts: dict[str, FileFacts] = {}
        self.symbols: dict[str, Symbol] = {}
        self.members: dict[str, dict[str, str]] = defaultdict(dict)
        self.by_name: dict[str, set[str]] = defaultdict(set)
        self.modules: dict[str, set[str]] = defaultdict(set)
        self.prefixes: dict[str, int] = defaultdict(
            int
        )  # dotted package prefix -> modules under it
        self.importers: dict[str, set[str]] = defaultdict(set)  # imported module -> paths
        self.words: dict[str, set[str]] = defaultdict(set)  # name part used -> paths
        self._files: dict[str, FileIndex] = {}
        # path -> (interface changed, definition names added or removed; None = unknown)
        # path -> (what changed: "none", "names" or "all"; names of definitions that
        # appeared, disappeared or changed kind; None = unknown)
        self._changed: dict[str, tuple[str, frozenset[str] | None]] = {}
        self._old_modules: dict[str, str] = {}  # path -> module name before the latest update
        self.cache: dict[tuple[object, ...], object] = {}

    @classmethod
    def build(cls, facts: Mapping[str, FileFacts]) -> SymbolTable:
        """A table over every file's facts (keys are repository paths)."""
        table = cls()
        for path in sorted(facts):
            table._add(facts[path])
        return table

    def add(self, facts: FileFacts) -> None:
        """Add a file the table does not hold yet, in any order: a cold build adds each
        file as its extraction arrives, while the workers go on with the others."""
        if facts.path in self.facts:
            raise ValueError(f"{facts.path} is in the table already; use `update`")
        self._add(facts)

    def update(self, path: str, facts: FileFacts | None) -> None:
        """Add or replace one file's facts; None removes the file."""
        old = self.facts.get(path)
        old_face, new_face = _interface(old), _interface(facts)
        old_defs = {(s.id, s.kind, s.name) for s in old.symbols} if old else set()
        new_defs = {(s.id, s.kind, s.name) for s in facts.symbols} if facts else set()
        names = frozenset(name for _, _, name in old_defs ^ new_defs)
        if old_face == new_face:
            self._changed[path] = ("none", names)
        elif old_face[:2] + old_face[3:] == new_face[:2] + new_face[3:]:
            # only definitions came or went: just lookups of those names can change
            self._changed[path] = ("names", names)
        else:
            self._changed[path] = ("all", names)
        if old is not None:
            self._old_modules[path] = old.module
        if old is not None:
            self._remove(old)
        if facts is not None:
            self._add(facts)
        self.cache.clear()

    def dependents(self, path: str) -> set[str]:
        """Files whose resolution may change after the latest `update(path, ...)`.

        Empty when the update left the file's interface (definitions, imports, bindings,
        exports, bases) as it was. Otherwise: the files importing it, directly or through
        re-exporting modules (packages' `__init__`, star imports), plus files naming a
        definition that was added or removed. The closure continues through importers
        that re-export or define subclasses, whose own importers may see a changed MRO.
        """
        what, changed = self._changed.get(path, ("all", None))
        if what == "none":
            return set()
        facts = self.facts.get(path)
        if changed is None:
            changed = frozenset(s.name for s in facts.symbols) if facts else frozenset()
        named = self._naming(changed)
        if what == "names":
            named.discard(path)
            return named
        found: set[str] = set()
        frontier = [facts.module] if facts is not None else []
        if path in self._old_modules:
            frontier.append(self._old_modules[path])  # a removed or renamed module's importers
        seen: set[str] = set()
        while frontier:
            module = frontier.pop()
            if module in seen:
                continue
            seen.add(module)
            for key in _suffixes(module):
                for importer in sorted(self.importers.get(key, ())):
                    if importer in found:
                        continue
                    found.add(importer)
                    importer_facts = self.facts.get(importer)
                    if importer_facts is not None and _propagates(importer_facts):
                        frontier.append(importer_facts.module)
        found |= named
        found.discard(path)
        return found

    def _naming(self, names: frozenset[str]) -> set[str]:
        """Files whose references or imports mention any of `names` as a name part."""
        found: set[str] = set()
        for name in names:
            found.update(self.words.get(name, ()))
        return found

    # -- lookups used by the resolver ----------------------------------------------------

    def file(self, path: str) -> FileIndex:
        index = self._files.get(path)
        if index is None:
            index = FileIndex.of(self.facts[path], self.symbols)
            self._files[path] = index
        return index

    def candidates(self, name: str, limit: int = 20) -> tuple[str, ...]:
        """Every non-module definition called `name`, sorted, at most `limit`."""
        key = ("candidates", name, limit)
        found = self.cache.get(key)
        if found is None:
            found = tuple(sorted(self.by_name.get(name, ()))[:limit])
            self.cache[key] = found
        return found  # type: ignore[return-value]

    def module_paths(self, module: str) -> list[str]:
        return sorted(self.modules.get(module, ()))

    # -- maintenance ---------------------------------------------------------------------

    def _module_keys(self, facts: FileFacts) -> list[str]:
        return [facts.module]

    def _add(self, facts: FileFacts) -> None:
        path = facts.path
        self.facts[path] = facts
        for key in self._module_keys(facts):
            self.modules[key].add(path)
            for prefix in _prefixes(key):
                self.prefixes[prefix] += 1
        symbols, members, by_name = self.symbols, self.members, self.by_name
        for symbol in facts.symbols:
            symbol_id = symbol.id
            symbols.setdefault(symbol_id, symbol)
            parent = parent_id(symbol_id)
            if parent is None:
                continue
            members[parent].setdefault(symbol.name, symbol_id)
            by_name[symbol.name].add(symbol_id)
        for key in _import_keys(facts.imports):
            self.importers[key].add(path)
        words = self.words
        for word in _words(facts):
            words[word].add(path)

    def _remove(self, facts: FileFacts) -> None:
        del self.facts[facts.path]
        self._files.pop(facts.path, None)
        for key in self._module_keys(facts):
            self.modules[key].discard(facts.path)
            if not self.modules[key]:
                del self.modules[key]
            for prefix in _prefixes(key):
                self.prefixes[prefix] -= 1
                if self.prefixes[prefix] <= 0:
                    del self.prefixes[prefix]
        for symbol in facts.symbols:
            if self.symbols.get(symbol.id) is symbol:
                del self.symbols[symbol.id]
            parent = parent_id(symbol.id)
            if parent is None:
                continue
            members = self.members.get(parent)
            if members is not None and members.get(symbol.name) == symbol.id:
                del members[symbol.name]
                if not members:
                    del self.members[parent]
            names = self.by_name.get(symbol.name)
            if names is not None:
                names.discard(symbol.id)
                if not names:
                    del self.by_name[symbol.name]
        for key in _import_keys(facts.imports):
            self.importers[key].discard(facts.path)
        for word in _words(facts):
            paths = self.words.get(word)
            if paths is not None:
                paths.discard(facts.path)
                if not paths:
                    del self.words[word]


def _words(facts: FileFacts) -> set[str]:
    """Every name part a file's references and imports mention."""
    words: set[str] = set()
    for imp in facts.imports:
        words.update(imp.module.split("."))
        if imp.name:
            words.add(imp.name)
        if imp.alias:
            words.add(imp.alias)
    # Many references repeat a name, and most names are one plain word.
    for name in {ref.name for ref in facts.references}:
        if "." in name or "(" in name:
            words.update(part.removesuffix("()") for part in name.split("."))
        else:
            words.add(name)
    return words


def _propagates(facts: FileFacts) -> bool:
    """Whether a change reaching this file may reach its own importers: it re-exports
    names (a package's `__init__`, star imports), or its classes inherit, so their
    subclasses elsewhere see a changed MRO."""
    stem = facts.path.rpartition("/")[2]
    if stem in ("__init__.py", "__init__.pyi"):
        return True
    return any(i.name == "*" for i in facts.imports) or any(
        r.kind is EdgeKind.INHERITS for r in facts.references
    )


def _prefixes(module: str) -> Iterable[str]:
    parts = module.split(".")
    for end in range(1, len(parts)):
        yield ".".join(parts[:end])


def _suffixes(module: str) -> Iterable[str]:
    parts = module.split(".")
    for start in range(len(parts)):
        yield ".".join(parts[start:])


def _import_keys(imports: Iterable[Import]) -> set[str]:
    keys: set[str] = set()
    for imp in imports:
        keys.add(imp.module)
        if imp.name is None:  # `import a.b.c` binds `a`: every package on the way counts
            keys.update(_prefixes(imp.module))
        elif imp.name != "*":
            keys.add(f"{imp.module}.{imp.name}")
    return keys
