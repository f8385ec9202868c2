"""Module-level lookups of the resolver: dotted module names, their members, re-exports.

Everything here reads only the `SymbolTable`: which files define which module, what each
module defines and imports, and `__all__`. Results are cached in the table's cache, which
every update clears.
"""

from __future__ import annotations

from codegraph.model import SymbolKind
from codegraph.resolve_python import is_stdlib
from codegraph.resolve_table import SymbolTable

# A resolved value: (kind, key). kinds: "sym" a definition id, "inst" an instance of the
# class id, "super" the bases of the class id, "ns" a package prefix with no module of its
# own, "pkg" a module of several files (Go), "ext" a name outside the repository, "?" a
# name known to exist but of unknown value.
Value = tuple[str, str]
MAX_DEPTH = 12


class ModuleResolver:
    """Resolves module names and module attributes for files of one language family."""

    def __init__(self, table: SymbolTable, python: bool) -> None:
        self.table = table
        self.python = python

    def is_variable(self, symbol_id: str) -> bool:
        symbol = self.table.symbols.get(symbol_id)
        return symbol is not None and symbol.kind is SymbolKind.VARIABLE

    def package_member(self, module: str, name: str, skip: str = "") -> Value | None:
        found = {
            member
            for path in self.table.module_paths(module)
            if path != skip and (member := self.table.members.get(path, {}).get(name))
        }
        return ("sym", found.pop()) if len(found) == 1 else None

    def module_value(self, module: str, *, strict: bool = False) -> Value | None:
        """A dotted module name as a value: a repository module, a package prefix, external."""
        key = ("module", module, strict, self.python)
        cache = self.table.cache
        if key in cache:
            return cache[key]  # type: ignore[return-value]
        value = self._module_value(module, strict)
        cache[key] = value
        return value

    def _module_value(self, module: str, strict: bool) -> Value | None:
        table = self.table
        if not module or module.startswith("."):
            return None
        paths = table.module_paths(module)
        if not paths and self.python and "lib" not in table.modules:
            paths = table.module_paths(f"lib.{module}")  # `lib/` as a source root
        if len(paths) > 1 and not self.python:
            return ("pkg", module)  # a Go package: several files, one namespace
        if len(paths) > 1:
            # `m.py` beside its stub `m.pyi`: the source wins; any other clash is ambiguous.
            sources = [p for p in paths if not p.endswith(".pyi")]
            paths = sources if len(sources) == 1 else []
        if len(paths) == 1:
            return ("sym", paths[0])
        if module in table.prefixes:
            return ("ns", module)
        if strict:
            return None
        if self.python and is_stdlib(module):
            return ("ext", module)
        suffix = self.suffix_match(module)
        if suffix is not None:
            return suffix
        return ("ext", module)

    def suffix_match(self, module: str) -> Value | None:
        """A module imported by a path shorter than its key (a test root, Java), or, with
        `/` separators, longer than it (a Go import path holding the go.mod prefix)."""
        ending = "." + module
        modules = self.table.modules
        matches = sorted(m for m in modules if m.endswith(ending))
        if self.python:
            # Only below a source root (a directory that is no package, like Django's
            # tests/): `import jinja2` must not land on `pkg/backends/jinja2.py`.
            matches = [m for m in matches if m[: -len(ending)] not in modules]
        elif not matches and "/" in module:
            slashed = "/" + module
            longer = [m for m in modules if m.endswith(slashed)]
            shorter = [m for m in modules if module.endswith("/" + m)]
            # the longest key a Go import path ends with is the package it names
            matches = longer or sorted(shorter, key=len, reverse=True)[:1]
        if len(matches) == 1:
            return self.module_value(matches[0], strict=True)
        if matches:
            return ("?", module)
        prefixes = sorted(p for p in self.table.prefixes if p.endswith(ending))
        if self.python:
            prefixes = [p for p in prefixes if p[: -len(ending)] not in modules]
        if len(prefixes) == 1:
            return ("ns", prefixes[0])
        return None

    def import_value(self, module: str, name: str | None, alias: str | None) -> Value | None:
        if name is None:
            return self.module_value(module if alias else module.partition(".")[0])
        return self.module_member(module, name, 0, frozenset())

    def module_member(
        self,
        module: str,
        name: str,
        depth: int,
        visited: frozenset[tuple[str, str]],
        *,
        path: str | None = None,
        star: bool = False,
    ) -> Value | None:
        """`name` as seen in `module`'s namespace: a definition, a re-export, a submodule."""
        if visited:
            return self._module_member(module, name, depth, visited, path, star)
        key = ("member", module, name, path, star, self.python)
        cache = self.table.cache
        if key in cache:
            return cache[key]  # type: ignore[return-value]
        value = self._module_member(module, name, depth, visited, path, star)
        cache[key] = value
        return value

    def _module_member(
        self,
        module: str,
        name: str,
        depth: int,
        visited: frozenset[tuple[str, str]],
        path: str | None,
        star: bool,
    ) -> Value | None:
        if depth > MAX_DEPTH or (module, name) in visited:
            return None
        visited = visited | {(module, name)}
        if path is None:
            value = self.module_value(module)
            if value is None or value[0] == "?":
                return value
            if value[0] == "ext":
                return ("ext", f"{value[1]}.{name}")
            if value[0] == "ns":
                return self.module_value(f"{value[1]}.{name}", strict=True)
            if value[0] == "pkg":
                return self.package_member(value[1], name)
            path = value[1]
            module = self.table.facts[path].module if path in self.table.facts else module
        facts = self.table.facts.get(path)
        if facts is None:
            return None
        if star:
            exports = facts.exports
            if exports is not None and name not in exports:
                return None
            if exports is None and name.startswith("_"):
                return None
        index = self.table.file(path)
        member = self.table.members.get(path, {}).get(name)
        imports = index.imports.get((path, name))
        if member is not None and not (imports and self.is_variable(member)):
            return ("sym", member)
        if imports:
            imp = imports[-1]
            if imp.name is None:
                return self.module_value(imp.module if imp.alias else imp.module.partition(".")[0])
            return self.module_member(imp.module, imp.name, depth + 1, visited)
        submodule = self.module_value(f"{module}.{name}", strict=True)
        if submodule is not None:
            return submodule
        for star_module in index.stars.get(path, ()):
            found = self.module_member(star_module, name, depth + 1, visited, star=True)
            if found is not None:
                return found
        return None

    def import_targets(self, module: str, name: str | None) -> list[str]:
        """Ids an import statement points at: the module, and the imported definition."""
        targets: list[str] = []
        value = self.module_value(module)
        if value is not None and value[0] == "sym":
            targets.append(value[1])
        elif value is not None and value[0] == "pkg":
            targets.extend(self.table.module_paths(value[1]))
        if name is not None and name != "*":
            member = self.module_member(module, name, 0, frozenset())
            if member is not None and member[0] == "sym" and member[1] not in targets:
                targets.append(member[1])
        return targets
