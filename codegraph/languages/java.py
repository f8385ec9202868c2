"""Java extraction.

`FileFacts.module` is `package.FileStem`. Classes, interfaces, enums, records and
annotation types are class symbols (nested ones as `Outer.Inner`), methods and
constructors (named as written: `Store.Store`) are methods, fields and enum constants are
`Class.field` variables. Methods of anonymous classes and lambdas belong to the enclosing
method. A single-type import `import com.x.Y;` is recorded as module `com.x.Y` (the file's
module name) and name `Y` (the class in it), so that it resolves to the class. An
unqualified call `m()` is a call on the current instance (`self.m`) unless `m` was
imported statically. Package-private members count as public.
"""

from __future__ import annotations

import bisect
import posixpath

from tree_sitter import Node

from codegraph.languages import _ts
from codegraph.languages._common import (
    Details,
    FactsBuilder,
    collapse,
    doc_line,
    header,
    parse,
    prev_comments,
    text,
)
from codegraph.model import EdgeKind, FileFacts, SymbolKind, Visibility

QUERY = """
(package_declaration) @package
(class_declaration) @class
(interface_declaration) @class
(enum_declaration) @class
(record_declaration) @class
(annotation_type_declaration) @class
(method_declaration) @method
(constructor_declaration) @method
(compact_constructor_declaration) @method
(annotation_type_element_declaration) @method
(field_declaration) @spec
(constant_declaration) @spec
(enum_constant) @constant
(method_invocation) @invocation
(object_creation_expression type: (_) @new)
(superclass (_) @parent)
(super_interfaces (type_list (_) @parent))
(extends_interfaces (type_list (_) @parent))
(import_declaration) @import
(type_identifier) @type
(scoped_type_identifier) @qtype
(type_parameter . (type_identifier) @tparam)
(marker_annotation name: (_) @annotation)
(annotation name: (_) @annotation)
(local_variable_declaration) @local
(method_declaration type: (_) @returns)
"""

# `java.lang`, imported into every file, and its annotations.
BUILTINS = frozenset(
    {
        *("ArithmeticException", "ArrayIndexOutOfBoundsException", "AssertionError"),
        *("AutoCloseable", "Boolean", "Byte", "CharSequence", "Character", "Class"),
        *("ClassCastException", "ClassNotFoundException", "CloneNotSupportedException"),
        *("Cloneable", "Comparable", "Deprecated", "Double", "Enum", "Error", "Exception"),
        *("Float", "FunctionalInterface", "IllegalArgumentException", "IllegalStateException"),
        *("IndexOutOfBoundsException", "Integer", "InterruptedException", "Iterable", "Long"),
        *("Math", "NullPointerException", "Number", "NumberFormatException", "Object"),
        *("Override", "Record", "Runnable", "Runtime", "RuntimeException", "SafeVarargs"),
        *("Short", "StackOverflowError", "String", "StringBuilder", "SuppressWarnings"),
        *("System", "Thread", "ThreadLocal", "Throwable", "UnsupportedOperationException"),
        *("Void",),
    }
)
_ANNOTATIONS = frozenset({"marker_annotation", "annotation"})
_LEVELS = {"private": Visibility.PRIVATE, "protected": Visibility.PROTECTED}


def module_name(path: str, package: str) -> str:
    """`package.FileStem`; the stem alone in the default package."""
    stem = posixpath.splitext(posixpath.basename(path))[0]
    return f"{package}.{stem}" if package else stem


def type_name(node: Node | None) -> str:
    """`List<Item>` → `List`, `java.io.File` as written, "" for primitives and arrays."""
    while node is not None and node.type in ("generic_type", "annotated_type"):
        node = next((c for c in node.named_children if c.type.endswith("type_identifier")), None)
    if node is None or node.type not in ("type_identifier", "scoped_type_identifier"):
        return ""
    name = "".join(text(node).split())
    return "" if name == "var" else name


def _expression(node: Node) -> str:
    """`a.b.c`, `this.x` → `self.x`, `super` → `super()`; "" for anything else."""
    parts: list[str] = []
    while node.type == "field_access":
        parts.append(text(node.child_by_field_name("field")))
        obj = node.child_by_field_name("object")
        if obj is None:
            return ""
        node = obj
    base = {"this": "self", "super": "super()"}.get(node.type)
    if base is None and node.type == "identifier":
        base = text(node)
    if base is None:
        return ""
    parts.append(base)
    return ".".join(reversed(parts))


def _header_start(node: Node) -> int:
    """Where the header starts once leading annotations are left out."""
    for child in node.children:
        if child.type == "modifiers":
            for mod in child.children:
                if mod.type not in _ANNOTATIONS and "comment" not in mod.type:
                    return mod.start_byte
            continue
        if "comment" not in child.type:
            return child.start_byte
    return node.start_byte


def _modifiers(node: Node) -> tuple[tuple[str, ...], Visibility]:
    modifiers = next((c for c in node.children if c.type == "modifiers"), None)
    if modifiers is None:
        return (), Visibility.PUBLIC
    annotations: list[str] = []
    visibility = Visibility.PUBLIC
    for child in modifiers.children:
        if child.type in _ANNOTATIONS:
            annotations.append(collapse(text(child).encode()).lstrip("@"))
        elif child.type in _LEVELS:
            visibility = _LEVELS[child.type]
    return tuple(annotations), visibility


def _doc(node: Node) -> str:
    for comment in reversed(prev_comments(node)):
        body = text(comment)
        if body.startswith("/**"):
            return doc_line(body)
    return ""


class JavaLanguage:
    """Java: one `.java` file at a time, named `package.FileStem`."""

    name = "java"
    extensions = (".java",)

    def extract(self, path: str, source: bytes) -> FileFacts:
        """Definitions, imports and references of one Java file."""
        tree = parse("java", path, source)
        b = FactsBuilder(path, self.name, path, source)
        b.builtins = BUILTINS
        static_names: set[str] = set()
        skip: set[int] = set()
        package = ""
        caps = _ts.captures("java", QUERY, tree.root_node)
        for key in ("class", "method"):
            for node in caps.get(key, ()):
                b.candidate(SymbolKind(key), node)
        for node in caps.get("constant", ()):
            name = node.child_by_field_name("name")
            if name is not None:
                b.candidate(SymbolKind.VARIABLE, name, node)
        for spec in caps.get("spec", ()):
            for declarator in spec.children_by_field_name("declarator"):
                name = declarator.child_by_field_name("name")
                if name is not None:
                    b.candidate(SymbolKind.VARIABLE, name, spec)
        for node in caps.get("spec", []) + caps.get("local", []):
            _bindings(b, node)
        for node in caps.get("new", ()):
            b.ref(EdgeKind.CALLS, type_name(node), node)
            skip.update(t.start_byte for t in _type_nodes(node))
        for node in caps.get("parent", ()):
            b.ref(EdgeKind.INHERITS, type_name(node), node)
            skip.update(t.start_byte for t in _type_nodes(node))
        for node in caps.get("returns", ()):
            b.binding(node, "return", type_name(node))
        for node in caps.get("import", ()):
            _import(b, node, static_names)
        for node in caps.get("annotation", ()):
            b.ref(EdgeKind.REFERENCES, "".join(text(node).split()), node)
        params = {text(node) for node in caps.get("tparam", ())}
        skip.update(node.start_byte for node in caps.get("tparam", ()))
        for node in caps.get("package", ()):
            named = node.named_children
            package = "".join(text(named[0]).split()) if named else ""
        invocations = caps.get("invocation", [])
        types = caps.get("type", []) + caps.get("qtype", [])
        _emit_calls(b, invocations, static_names)
        b.type_params = params
        _emit_types(b, types, params, skip)
        b.module = module_name(path, package)
        return b.build(lambda kind, node: self.describe(source, kind, node))

    def describe(self, source: bytes, kind: str, node: Node) -> Details | None:
        """Name, header, doc, annotations and visibility of a kept definition."""
        if node.type == "identifier":  # a field or enum constant; its declaration has the rest
            spec = node.parent
            if spec is not None and spec.type == "variable_declarator":
                spec = spec.parent
            if spec is None:
                return None
            annotations, visibility = _modifiers(spec)
            signature = collapse(source[_header_start(spec) : spec.end_byte]).rstrip(";")
            return Details(text(node), signature, _doc(spec), annotations, visibility)
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return None
        annotations, visibility = _modifiers(node)
        body = node.child_by_field_name("body")
        end = body.start_byte if body is not None else node.end_byte
        signature = header(source, _header_start(node), end).rstrip(";")
        return Details(text(name_node), signature, _doc(node), annotations, visibility)


def _type_nodes(node: Node) -> list[Node]:
    """The identifier nodes inside a written type that name it (not its arguments)."""
    while node.type in ("generic_type", "annotated_type"):
        inner = next((c for c in node.named_children if c.type.endswith("type_identifier")), None)
        if inner is None:
            return []
        node = inner
    return [node] + [c for c in node.named_children if c.type == "type_identifier"]


def _bindings(b: FactsBuilder, node: Node) -> None:
    """`Foo x = …` binds x to Foo; `var x = new Foo()` too."""
    declared = type_name(node.child_by_field_name("type"))
    for declarator in node.children_by_field_name("declarator"):
        name = declarator.child_by_field_name("name")
        value = declarator.child_by_field_name("value")
        bound = declared
        if not bound and value is not None and value.type == "object_creation_expression":
            bound = type_name(value.child_by_field_name("type"))
        if name is not None:
            b.binding(name, text(name), bound)


def _import(b: FactsBuilder, node: Node, static_names: set[str]) -> None:
    named = [c for c in node.named_children if "comment" not in c.type]
    if not named:
        return
    path = "".join(text(named[0]).split())
    if any(c.type == "asterisk" for c in node.children):
        b.import_(node, path, "*", None)
        return
    module, _, name = path.rpartition(".")
    if any(c.type == "static" for c in node.children):
        static_names.add(name)
        b.import_(node, module or path, name or None, None)
    else:
        # `import com.x.Y;` names the file `com.x.Y` (a module) and the class Y in it
        b.import_(node, path, name or path, None)


def _emit_calls(b: FactsBuilder, calls: list[Node], static_names: set[str]) -> None:
    for invocation in calls:
        name_node = invocation.child_by_field_name("name")
        if name_node is None:
            continue
        name = text(name_node)
        obj = invocation.child_by_field_name("object")
        if obj is None:
            b.ref(EdgeKind.CALLS, name if name in static_names else f"self.{name}", name_node)
            continue
        base = _expression(obj)
        if base:
            b.ref(EdgeKind.CALLS, f"{base}.{name}", name_node)


def _emit_types(b: FactsBuilder, types: list[Node], params: set[str], skip: set[int]) -> None:
    types.sort(key=lambda n: (n.start_byte, -n.end_byte))
    starts = [t.start_byte for t in types]
    for node in types:
        if node.type == "scoped_type_identifier":
            # its inner identifiers are captured too; only the whole name is a use
            lo = bisect.bisect_right(starts, node.start_byte)
            hi = bisect.bisect_left(starts, node.end_byte)
            skip.update(starts[lo:hi])
        if node.start_byte in skip:
            continue
        name = "".join(text(node).split())
        if name in params or name == "var":
            continue
        b.ref(EdgeKind.REFERENCES, name, node)
        if node.type == "scoped_type_identifier":
            skip.add(node.start_byte)


LANGUAGE = JavaLanguage()
