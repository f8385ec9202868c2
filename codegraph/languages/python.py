"""Python extraction: definitions, imports, references and type bindings of one file.

One tree-sitter query collects every node of interest in C; Python then visits only those
captures. The enclosing definition of a capture is found by bisecting the sorted
definition intervals, which are laminar, so no full tree walk is ever made in Python.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from dataclasses import dataclass, field

from tree_sitter import Node, Parser

from codegraph.errors import ParseError
from codegraph.languages import _ts
from codegraph.model import EdgeKind, FileFacts, Import, Reference, Symbol, SymbolKind, Visibility

NAME = "python"
MAX_SIGNATURE = 200
MAX_NAME = 200
_DOTTED = re.compile(rb"[A-Za-z_][\w.]*")
_WS = re.compile(r"\s+")
_local = threading.local()  # parsers are not thread-safe: one per thread
_SELF_NAMES = frozenset({"self", "cls"})
_MAX_NESTING = 50  # deeper name expressions and patterns are generated code: not followed
_TYPE_WRAPPERS = frozenset({"Optional", "typing.Optional", "t.Optional", "Final", "ClassVar"})
# Enum members read once: an attribute lookup on the enum class per reference adds up.
_CALLS, _REFERENCES = EdgeKind.CALLS, EdgeKind.REFERENCES

_QUERY = """
(class_definition) @class
(function_definition) @def
(import_statement) @import
(import_from_statement) @import
(call function: [(identifier) (attribute)] @call)
(assignment) @assign
(augmented_assignment left: (identifier) @local)
(named_expression name: (identifier) @local)
(type) @type
(argument_list [(identifier) (attribute)] @value)
(argument_list (tuple [(identifier) (attribute)] @value))
(keyword_argument value: [(identifier) (attribute)] @value)
(return_statement [(identifier) (attribute)] @value)
(assignment right: [(identifier) (attribute)] @value)
(decorator [(identifier) (attribute)] @value)
(except_clause) @except
(parameters) @params
(lambda_parameters) @params
(for_statement left: (_) @target)
(for_in_clause left: (_) @target)
(as_pattern_target) @target
(global_statement) @global
(nonlocal_statement) @global
"""


def module_name(path: str) -> str:
    """Dotted module name of a repository path: `src/pkg/__init__.py` → `pkg`."""
    parts = path.split("/")
    if len(parts) > 1 and parts[0] == "src":
        parts = parts[1:]
    last = parts[-1]
    for suffix in (".pyi", ".py"):
        if last.endswith(suffix):
            last = last[: -len(suffix)]
            break
    parts[-1] = last
    if last == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def visibility(name: str) -> Visibility:
    if name.startswith("__") and not name.endswith("__"):
        return Visibility.PRIVATE
    if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
        return Visibility.PROTECTED
    return Visibility.PUBLIC


def dotted(node: Node, depth: int = 0) -> str:
    """A name expression as dotted text: `a.b.c`, `super().m`, `f().g`; `?` for the rest."""
    # Long nodes are walked, not copied: a call chain's text would be copied per link.
    if node.end_byte - node.start_byte <= MAX_NAME:
        raw = node.text or b""
        if _DOTTED.fullmatch(raw):
            return raw.decode("utf-8", "replace")
    if depth > _MAX_NESTING:
        return "?"
    kind = node.type
    if kind == "attribute":
        obj, attr = node.child_by_field_name("object"), node.child_by_field_name("attribute")
        if obj is None or attr is None:
            return "?"
        return f"{dotted(obj, depth + 1)}.{_ts.text(attr)}"[:MAX_NAME]
    if kind == "call":
        func = node.child_by_field_name("function")
        if func is not None and func.type in ("identifier", "attribute"):
            head = dotted(func, depth + 1)
            return "super()" if head == "super" else f"{head}()"
    if kind == "parenthesized_expression" and node.named_child_count == 1:
        return dotted(node.named_children[0], depth + 1)
    return "?"


def _start(node: Node) -> int:
    return node.start_byte


def _collapse(raw: bytes) -> str:
    text = _WS.sub(" ", raw[: MAX_SIGNATURE * 4].decode("utf-8", "replace")).strip()
    return text if len(text) <= MAX_SIGNATURE else text[: MAX_SIGNATURE - 1] + "…"


def _docstring(body: Node | None) -> str:
    if body is None or body.named_child_count == 0:
        return ""
    first = body.named_child(0)
    if first is None:
        return ""
    if first.type != "expression_statement" or first.named_child_count == 0:
        return ""
    string = first.named_child(0)
    if string is None or string.type != "string":
        return ""
    content = "".join(_ts.text(c) for c in string.named_children if c.type == "string_content")
    for line in content.splitlines():
        if line.strip():
            return line.strip()[:MAX_SIGNATURE]
    return ""


def _annotation_type(node: Node, depth: int = 0) -> str | None:
    """The class named by an annotation, when it names exactly one: `Foo`, `Optional[Foo]`."""
    if depth > _MAX_NESTING:
        return None
    while node.type == "type" and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type in ("identifier", "attribute"):
        name = dotted(node)
        return None if "?" in name else name
    if node.type == "string":
        content = "".join(_ts.text(c) for c in node.named_children if c.type == "string_content")
        content = content.strip()
        return content if re.fullmatch(r"[A-Za-z_][\w.]*", content) else None
    if node.type == "generic_type" and node.named_child_count == 2:
        head, params = node.named_children
        if dotted(head) in _TYPE_WRAPPERS and params.named_child_count == 1:
            return _annotation_type(params.named_children[0], depth + 1)
    if node.type == "binary_operator":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None:
            if _ts.text(right) == "None":
                return _annotation_type(left, depth + 1)
            if _ts.text(left) == "None":
                return _annotation_type(right, depth + 1)
    return None


def _names_in(node: Node) -> list[Node]:
    """Identifier/attribute nodes inside an annotation, outermost attribute only."""
    found: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("identifier", "attribute"):
            found.append(current)
        elif current.type != "string":
            stack.extend(current.named_children)
    found.sort(key=lambda n: n.start_byte)
    return found


def _pattern_names(node: Node, depth: int = 0) -> list[str]:
    if node.type == "identifier":
        return [_ts.text(node)]
    if depth > _MAX_NESTING:
        return []
    if node.type in ("pattern_list", "tuple_pattern", "list_pattern", "tuple", "list"):
        names: list[str] = []
        for child in node.named_children:
            names.extend(_pattern_names(child, depth + 1))
        return names
    if node.type in ("list_splat_pattern", "as_pattern_target") and node.named_child_count:
        return _pattern_names(node.named_children[0], depth + 1)
    return []


def _literal_strings(node: Node) -> tuple[str, ...] | None:
    if node.type not in ("list", "tuple"):
        return None
    names: list[str] = []
    for child in node.named_children:
        if child.type != "string":
            return None
        parts = [c for c in child.named_children if c.type == "string_content"]
        names.append("".join(_ts.text(c) for c in parts))
    return tuple(names)


@dataclass(slots=True)
class _Scopes:
    """Definition intervals sorted by start byte, with each one's parent index."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    is_class: list[bool] = field(default_factory=list)

    def index_at(self, pos: int) -> int:
        i = bisect_right(self.starts, pos) - 1
        while i >= 0 and pos >= self.ends[i]:
            i = self.parents[i]
        return i


class _Extractor:
    def __init__(self, path: str, source: bytes) -> None:
        self.path = path
        self.source = source
        self.module = module_name(path)
        self.package = self.module if path.endswith(("__init__.py", "__init__.pyi")) else ""
        if not self.package and "." in self.module:
            self.package = self.module.rpartition(".")[0]
        self.symbols: list[Symbol] = []
        self.seen: set[str] = set()
        self.imports: list[Import] = []
        # (line, scope, name, kind): deduplicated and sorted as plain tuples, so only
        # the distinct references become `Reference` records.
        self.references: list[tuple[int, str, str, EdgeKind]] = []
        self.bindings: list[tuple[str, str, str]] = []
        self.exports: tuple[str, ...] | None = None
        self.exports_dynamic = False
        self.scopes = _Scopes()
        self.locals: dict[int, set[str]] = {}
        self.globals: dict[int, set[str]] = {}
        self.bound: set[tuple[str, str]] = set()  # (scope id, name) of every binding
        self.base_starts: set[int] = set()
        self.local_names: set[str] = set()

    # -- scopes ---------------------------------------------------------------------------

    def scope_id(self, index: int) -> str:
        return self.scopes.ids[index] if index >= 0 else self.path

    def function_index(self, index: int) -> int:
        """The innermost function scope at or above `index`; -1 at module/class level."""
        while index >= 0 and self.scopes.is_class[index]:
            index = self.scopes.parents[index]
        return index

    def is_local(self, index: int, name: str) -> bool:
        """True when `name` is a local variable of an enclosing function (so not a global)."""
        index = self.function_index(index)
        if index < 0:
            # loop, comprehension and `with` targets written at module or class level
            return name in self.locals.get(-1, ())
        while index >= 0:
            if name in self.locals.get(index, ()) and name not in self.globals.get(index, ()):
                return True
            index = self.function_index(self.scopes.parents[index])
        return False

    def is_bound(self, index: int, name: str) -> bool:
        """True when an enclosing function binds `name` to a type."""
        index = self.function_index(index)
        while index >= 0:
            if (self.scopes.ids[index], name) in self.bound:
                return True
            index = self.function_index(self.scopes.parents[index])
        return False

    def in_method(self, index: int) -> bool:
        """True when a method encloses `index`, so `self` and `cls` name its class."""
        scopes = self.scopes
        while index >= 0:
            parent = scopes.parents[index]
            if parent >= 0 and scopes.is_class[parent] and not scopes.is_class[index]:
                return True
            index = parent
        return False

    def add_local(self, pos: int, names: list[str]) -> None:
        index = self.function_index(self.scopes.index_at(pos))
        self.locals.setdefault(index, set()).update(names)

    # -- definitions ----------------------------------------------------------------------

    def definitions(self, nodes: list[Node]) -> None:
        nodes.sort(key=_start)
        stack: list[int] = []
        scopes = self.scopes
        for node in nodes:
            up = node.parent
            outer = up if up is not None and up.type == "decorated_definition" else node
            start, end = outer.start_byte, outer.end_byte
            while stack and scopes.ends[stack[-1]] <= start:
                stack.pop()
            parent = stack[-1] if stack else -1
            name = _ts.text(node.child_by_field_name("name")) or "?"
            is_class = node.type == "class_definition"
            prefix = scopes.ids[parent] + "." if parent >= 0 else self.path + "::"
            symbol_id = prefix + name
            scopes.starts.append(start)
            scopes.ends.append(end)
            scopes.parents.append(parent)
            scopes.ids.append(symbol_id)
            scopes.is_class.append(is_class)
            stack.append(len(scopes.ids) - 1)
            if symbol_id in self.seen:
                continue
            self.seen.add(symbol_id)
            if is_class:
                kind = SymbolKind.CLASS
            elif parent >= 0 and scopes.is_class[parent]:
                kind = SymbolKind.METHOD
            else:
                kind = SymbolKind.FUNCTION
            body = node.child_by_field_name("body")
            header_end = body.start_byte if body is not None else node.end_byte
            decorators: tuple[str, ...] = ()
            if outer is not node:
                decorators = tuple(
                    _collapse(c.text or b"")[1:].strip()
                    for c in outer.named_children
                    if c.type == "decorator"
                )
            self.symbols.append(
                Symbol(
                    id=symbol_id,
                    name=name,
                    kind=kind,
                    path=self.path,
                    span=(outer.start_point[0] + 1, outer.end_point[0] + 1),
                    language=NAME,
                    signature=_collapse(self.source[node.start_byte : header_end]).rstrip(":"),
                    doc=_docstring(body),
                    decorators=decorators,
                    visibility=visibility(name),
                )
            )
            if is_class:
                self.bases(node, symbol_id)

    def bases(self, node: Node, class_id: str) -> None:
        supers = node.child_by_field_name("superclasses")
        if supers is None:
            return
        for child in supers.named_children:
            kind = EdgeKind.INHERITS
            if child.type == "keyword_argument":
                child = child.child_by_field_name("value") or child
                kind = EdgeKind.REFERENCES
            elif child.type == "subscript":
                child = child.child_by_field_name("value") or child
            if child.type in ("identifier", "attribute"):
                self.base_starts.add(child.start_byte)
                name = dotted(child)
                if "?" not in name:
                    line = child.start_point[0] + 1
                    self.references.append((line, class_id, name, kind))

    def variable(self, node: Node, name: str, index: int, stmt: Node) -> None:
        symbol_id = (
            f"{self.scope_id(index)}::{name}" if index < 0 else f"{self.scopes.ids[index]}.{name}"
        )
        if symbol_id in self.seen:
            return
        self.seen.add(symbol_id)
        self.symbols.append(
            Symbol(
                id=symbol_id,
                name=name,
                kind=SymbolKind.VARIABLE,
                path=self.path,
                span=(stmt.start_point[0] + 1, stmt.end_point[0] + 1),
                language=NAME,
                signature=_collapse(self.source[stmt.start_byte : stmt.end_byte]),
                visibility=visibility(name),
            )
        )

    # -- statements -----------------------------------------------------------------------

    def assignment(self, node: Node) -> None:
        left = node.child_by_field_name("left")
        if left is None:
            return
        right = node.child_by_field_name("right")
        annotation = node.child_by_field_name("type")
        index = self.scopes.index_at(node.start_byte)
        scope = self.scope_id(index)
        at_definition_level = index < 0 or self.scopes.is_class[index]
        names = _pattern_names(left)
        if at_definition_level:
            stmt = (
                node.parent if node.parent and node.parent.type == "expression_statement" else node
            )
            for name in names:
                self.variable(left, name, index, stmt)
            if index < 0 and names == ["__all__"] and right is not None:
                self.exports = _literal_strings(right)
                self.exports_dynamic = self.exports is None
        else:
            self.locals.setdefault(self.function_index(index), set()).update(names)
        target = dotted(left) if left.type in ("identifier", "attribute") else None
        if target is None or "?" in target:
            return
        if annotation is not None:
            type_name = _annotation_type(annotation)
            if type_name:
                self.bindings.append((scope, target, type_name))
        elif right is not None and right.type == "call":
            func = right.child_by_field_name("function")
            if func is not None and func.type in ("identifier", "attribute"):
                callee = dotted(func)
                if "?" not in callee:
                    self.bindings.append((scope, target, callee))

    def extend_exports(self, node: Node) -> None:
        """`__all__ += [...]` at module level; anything but a literal makes exports unknown."""
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if (
            left is None
            or _ts.text(left) != "__all__"
            or self.scopes.index_at(node.start_byte) >= 0
        ):
            return
        extra = _literal_strings(right) if right is not None else None
        if extra is None or self.exports is None:
            self.exports_dynamic = True
        else:
            self.exports = (*self.exports, *extra)

    def parameters(self, node: Node) -> None:
        index = self.scopes.index_at(node.start_byte)
        names: list[str] = []
        scope = self.scope_id(index)
        for child in node.named_children:
            if child.type == "identifier":
                names.append(_ts.text(child))
                continue
            name_node = child.child_by_field_name("name")
            if name_node is None and child.named_child_count:
                name_node = child.named_children[0]
            if name_node is None:
                continue
            names.extend(_pattern_names(name_node))
            annotation = child.child_by_field_name("type")
            if annotation is not None and name_node.type == "identifier":
                type_name = _annotation_type(annotation)
                if type_name:
                    self.bindings.append((scope, _ts.text(name_node), type_name))
        if node.type == "lambda_parameters":
            self.add_local(node.start_byte, names)
        elif index >= 0:
            self.locals.setdefault(index, set()).update(names)
            parent = node.parent
            returns = parent.child_by_field_name("return_type") if parent else None
            if returns is not None:
                type_name = _annotation_type(returns)
                if type_name:
                    self.bindings.append((scope, "return", type_name))

    def import_node(self, node: Node) -> None:
        scope = self.scope_id(self.function_index(self.scopes.index_at(node.start_byte)))
        line = node.start_point[0] + 1
        if node.type == "import_statement":
            for child in node.named_children:
                if child.type == "aliased_import":
                    name = _ts.text(child.child_by_field_name("name"))
                    alias = _ts.text(child.child_by_field_name("alias"))
                    self.imports.append(Import(scope, name, None, alias, line))
                elif child.type == "dotted_name":
                    self.imports.append(Import(scope, _ts.text(child), None, None, line))
            return
        module_node = node.child_by_field_name("module_name")
        if module_node is None:
            return
        module = self.absolute(module_node)
        for child in node.named_children:
            if child is module_node or child.start_byte < module_node.end_byte:
                continue
            if child.type == "wildcard_import":
                self.imports.append(Import(scope, module, "*", None, line))
            elif child.type == "aliased_import":
                name = _ts.text(child.child_by_field_name("name"))
                alias = _ts.text(child.child_by_field_name("alias"))
                self.imports.append(Import(scope, module, name, alias, line))
            elif child.type == "dotted_name":
                self.imports.append(Import(scope, module, _ts.text(child), None, line))

    def absolute(self, module_node: Node) -> str:
        if module_node.type != "relative_import":
            return _ts.text(module_node)
        prefix = ""
        rest = ""
        for child in module_node.children:
            if child.type == "import_prefix":
                prefix = _ts.text(child)
            elif child.type == "dotted_name":
                rest = _ts.text(child)
        base = self.package.split(".") if self.package else []
        up = len(prefix) - 1
        if up > len(base) or (up == len(base) and not rest and not base):
            return prefix + rest
        parts = base[: len(base) - up] if up else base
        if rest:
            parts = [*parts, rest]
        return ".".join(parts) or prefix + rest

    # -- references -----------------------------------------------------------------------

    def reference(self, kind: EdgeKind, node: Node) -> None:
        start, end = node.start_byte, node.end_byte
        raw = self.source[start:end] if end - start <= MAX_NAME else b""
        # Most references are plain dotted names (ASCII by the pattern): no walk needed.
        name = raw.decode("ascii") if _DOTTED.fullmatch(raw) else dotted(node)
        if name.startswith("?") or len(name) > MAX_NAME or name == "super":
            return  # `super()` itself is written down with the attribute it reaches
        index = self.scopes.index_at(start)
        head = name.partition(".")[0]
        if head in _SELF_NAMES and self.in_method(index):
            if name == head and kind is _REFERENCES:
                return  # the instance itself passed around
        elif head in self.local_names and self.is_local(index, head):
            # A local used as a value says nothing about definitions. Calls on it are
            # kept: a typed local resolves them, and a method name still has candidates.
            dotted_use, bound = "." in name, self.is_bound(index, head)
            if not ((kind is _CALLS and (dotted_use or bound)) or (dotted_use and bound)):
                return
        scope = self.scopes.ids[index] if index >= 0 else self.path
        self.references.append((node.start_point[0] + 1, scope, name, kind))

    def run(self, root: Node) -> FileFacts:
        caught = _ts.captures(NAME, _QUERY, root)
        # Capture lists are not in document order (it varies from run to run), and the
        # first assignment of a name defines its variable: order them by position.
        for key in ("assign", "local"):
            if key in caught:
                caught[key] = sorted(caught[key], key=_start)
        get = caught.get
        self.definitions(get("class", []) + get("def", []))
        for node in get("params", []):
            self.parameters(node)
        for node in get("assign", []):
            self.assignment(node)
        for node in get("local", []):
            self.add_local(node.start_byte, [_ts.text(node)])
            if node.parent is not None and node.parent.type == "augmented_assignment":
                self.extend_exports(node.parent)
        for node in get("target", []):
            self.add_local(node.start_byte, _pattern_names(node))
        for node in get("global", []):
            index = self.function_index(self.scopes.index_at(node.start_byte))
            names = [_ts.text(c) for c in node.named_children if c.type == "identifier"]
            self.globals.setdefault(index, set()).update(names)
        self.bound = {(b[0], b[1]) for b in self.bindings}
        self.local_names = set().union(*self.locals.values()) if self.locals else set()
        for node in get("import", []):
            self.import_node(node)
        reference = self.reference
        for node in get("call", []):
            reference(_CALLS, node)
        base_starts = self.base_starts
        for node in get("value", []):
            if node.start_byte not in base_starts:  # bases are INHERITS, emitted with the class
                reference(_REFERENCES, node)
        covered = -1
        for node in sorted(get("type", []), key=_start):
            if node.start_byte < covered:
                continue  # inside an annotation already walked: `Optional[Foo]`'s `Foo`
            covered = node.end_byte
            parent = node.parent
            if (
                parent is not None
                and parent.type == "type_alias_statement"
                and parent.child_by_field_name("left") == node
            ):
                continue
            for name_node in _names_in(node):
                self.reference(EdgeKind.REFERENCES, name_node)
        for node in get("except", []):
            value = node.child_by_field_name("value")
            if value is not None and value.type == "as_pattern" and value.named_child_count:
                value = value.named_children[0]
            if value is None:
                continue
            items = value.named_children if value.type == "tuple" else [value]
            for item in items:
                if item.type in ("identifier", "attribute"):
                    self.reference(EdgeKind.REFERENCES, item)
        return self.facts(root)

    def facts(self, root: Node) -> FileFacts:
        lines = max(1, root.end_point[0] + (1 if root.end_point[1] else 0))
        module = Symbol(
            id=self.path,
            name=self.module,
            kind=SymbolKind.MODULE,
            path=self.path,
            span=(1, lines),
            language=NAME,
            doc=_docstring(root),
            visibility=visibility(self.module.rpartition(".")[2]),
        )
        self.imports.sort(key=lambda i: (i.line, i.module, i.name or "", i.alias or ""))
        references = [
            Reference(kind, scope, name, line)
            for line, scope, name, kind in sorted(set(self.references))
        ]
        return FileFacts(
            path=self.path,
            language=NAME,
            module=self.module,
            symbols=(module, *sorted(self.symbols, key=lambda s: (s.span[0], s.id))),
            imports=tuple(self.imports),
            references=tuple(references),
            bindings=tuple(sorted(set(self.bindings))),
            exports=None if self.exports_dynamic else self.exports,
        )


class PythonLanguage:
    """The `Language` for `.py` and `.pyi` files."""

    name = NAME
    extensions = (".py", ".pyi")

    def extract(self, path: str, source: bytes) -> FileFacts:
        """Facts of one Python file; syntax errors keep what tree-sitter recovered."""
        parser: Parser | None = getattr(_local, "parser", None)
        if parser is None:
            parser = _local.parser = _ts.parser(NAME)
        try:
            tree = parser.parse(source)
        except (ValueError, RuntimeError, MemoryError) as error:
            raise ParseError(f"{path}: tree-sitter failed: {error}") from error
        return _Extractor(path, source).run(tree.root_node)


LANGUAGE = PythonLanguage()
