"""Go extraction.

A package is a directory, so `FileFacts.module` is the file's directory ("." at the
repository root). Methods are qualified by their receiver type (`func (s *Store) Get` →
`path::Store.Get`) and calls through the receiver variable are written `self.m`. Struct
and interface embedding is inheritance; a composite literal `T{…}` is a constructor call.
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
(package_clause) @package
(function_declaration result: (_) @returns)
(method_declaration result: (_) @returns)
(function_declaration) @function
(method_declaration) @method
(source_file (type_declaration (type_spec) @class))
(source_file (type_declaration (type_alias) @class))
(interface_type (method_elem) @method)
(source_file (const_declaration (const_spec) @spec))
(source_file (var_declaration (var_spec) @spec))
(source_file (var_declaration (var_spec_list (var_spec) @spec)))
(call_expression function: (_) @call)
(composite_literal type: [(type_identifier) (qualified_type) (generic_type)] @literal)
(field_declaration_list (field_declaration !name type: (_) @embedded))
(interface_type (type_elem . [(type_identifier) (qualified_type)] @embedded .))
(import_spec) @import
(type_identifier) @type
(qualified_type) @qtype
(type_parameter_declaration name: (identifier) @tparam)
(type_spec name: (type_identifier) @defname)
(type_alias name: (type_identifier) @defname)
(short_var_declaration
  left: (expression_list . (identifier))
  right: (expression_list . [
    (call_expression) (composite_literal) (unary_expression operand: (composite_literal))])) @short
(var_spec name: (identifier) type: [(type_identifier) (qualified_type)]) @typed
"""

BUILTIN_TYPES = frozenset(
    {
        *("any", "bool", "byte", "comparable", "complex64", "complex128", "error"),
        *("float32", "float64", "int", "int8", "int16", "int32", "int64", "rune", "string"),
        *("uint", "uint8", "uint16", "uint32", "uint64", "uintptr"),
    }
)
# Predeclared functions and the conversions to predeclared types. `min`, `max` and `clear`
# are left out: code from before Go 1.21 often defines its own.
BUILTINS = BUILTIN_TYPES | {
    *("append", "cap", "close", "complex", "copy", "delete", "imag", "len", "make", "new"),
    *("panic", "print", "println", "real", "recover", "iota", "nil", "true", "false"),
}
_GROUPS = frozenset({"type_declaration", "var_declaration", "const_declaration"})


def module_name(path: str) -> str:
    """The package directory: `pkg/store/store.go` → `pkg/store`."""
    return posixpath.dirname(path) or "."


def _named(node: Node) -> Node:
    """The named type inside pointers, parentheses and type arguments."""
    while node.type in ("pointer_type", "generic_type", "parenthesized_type"):
        inner = node.child_by_field_name("type") or (
            node.named_children[0] if node.named_children else None
        )
        if inner is None:
            break
        node = inner
    return node


def _type_name(node: Node) -> str:
    """`*pkg.T[int]` → `pkg.T`; "" for map, slice, func and other unnamed types."""
    node = _named(node)
    if node.type == "type_identifier":
        name = text(node)
        return "" if name in BUILTIN_TYPES else name
    if node.type == "qualified_type":
        return text(node).replace(" ", "")
    return ""


def _visibility(name: str) -> Visibility:
    return Visibility.PUBLIC if name[:1].isupper() else Visibility.PRIVATE


def _doc(node: Node) -> str:
    comments = prev_comments(node)
    if not comments and node.type in ("type_spec", "type_alias", "var_spec", "const_spec"):
        parent = node.parent
        if parent is not None and parent.type in _GROUPS:
            comments = prev_comments(parent)
    return doc_line("\n".join(text(c) for c in comments)) if comments else ""


def _call_name(node: Node, receivers: list[tuple[int, int, str]], starts: list[int]) -> str:
    parts: list[str] = []
    while node.type in ("selector_expression", "index_expression", "generic_type"):
        if node.type == "selector_expression":
            parts.append(text(node.child_by_field_name("field")))
            operand = node.child_by_field_name("operand")
        else:
            operand = node.child_by_field_name("operand") or node.child_by_field_name("type")
        if operand is None:
            return ""
        node = operand
    if node.type not in ("identifier", "type_identifier"):
        return ""
    base = text(node)
    at = bisect.bisect_right(starts, node.start_byte) - 1
    if at >= 0 and receivers[at][1] > node.start_byte and receivers[at][2] == base:
        base = "self"
    parts.append(base)
    return ".".join(reversed(parts))


class GoLanguage:
    """Go: one `.go` file at a time; packages are directories."""

    name = "go"
    extensions = (".go",)

    def extract(self, path: str, source: bytes) -> FileFacts:
        """Definitions, imports and references of one Go file."""
        tree = parse("go", path, source)
        b = FactsBuilder(path, self.name, module_name(path), source)
        b.builtins = BUILTINS
        receivers: list[tuple[int, int, str]] = []
        skip: set[int] = set()
        caps = _ts.captures("go", QUERY, tree.root_node)
        for key in ("function", "class"):
            for node in caps.get(key, ()):
                b.candidate(SymbolKind(key), node)
        for node in caps.get("method", ()):
            b.candidate(SymbolKind.METHOD, node)
            receiver = _receiver_name(node)
            if receiver:
                receivers.append((node.start_byte, node.end_byte, receiver))
        for spec in caps.get("spec", ()):
            for name in spec.children_by_field_name("name"):
                b.candidate(SymbolKind.VARIABLE, name, spec)
        calls = caps.get("call", [])
        for node in caps.get("literal", ()):
            calls.append(node)
            skip.add(_named(node).start_byte)
        for node in caps.get("embedded", ()):
            b.ref(EdgeKind.INHERITS, _type_name(node), node)
            skip.add(_named(node).start_byte)
        for node in caps.get("import", ()):
            _import(b, node)
        params = {text(node) for node in caps.get("tparam", ())}
        skip.update(node.start_byte for node in caps.get("defname", ()))
        for node in caps.get("short", ()):
            _short_binding(b, node)
        for spec in caps.get("typed", ()):
            value = _type_name(spec.child_by_field_name("type") or spec)
            for name in spec.children_by_field_name("name"):
                b.binding(name, text(name), value)
        for node in caps.get("returns", ()):
            # `(*T, error)`: the first result is what the call is used for
            first = node.named_children[0] if node.type == "parameter_list" else node
            if first.type == "parameter_declaration":
                first = first.child_by_field_name("type") or first
            b.binding(node, "return", _type_name(first))
        for node in caps.get("package", ()):
            b.module_doc = _doc(node)
        types = caps.get("type", []) + caps.get("qtype", [])
        receivers.sort()
        starts = [r[0] for r in receivers]
        for node in calls:
            b.ref(EdgeKind.CALLS, _call_name(node, receivers, starts), node)
        b.type_params = params
        _emit_types(b, types, params, skip)
        return b.build(lambda kind, node: self.describe(source, kind, node))

    def describe(self, source: bytes, kind: str, node: Node) -> Details | None:
        """Name, header, doc and visibility of a kept definition."""
        if node.type == "identifier":  # a var/const name; its spec holds the rest
            spec = node.parent
            if spec is None:
                return None
            name = text(node)
            keyword = "const" if spec.type == "const_spec" else "var"
            signature = collapse(f"{keyword} {text(spec)}".encode())
            return Details(name, signature, _doc(spec), visibility=_visibility(name))
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return None
        name = text(name_node)
        details = Details(name, doc=_doc(node), visibility=_visibility(name))
        if node.type in ("type_spec", "type_alias"):
            value = node.child_by_field_name("type")
            body = None
            if value is not None and value.type in ("struct_type", "interface_type"):
                body = next(
                    (c for c in value.children if c.type in ("field_declaration_list", "{")),
                    None,
                )
            end = body.start_byte if body is not None else node.end_byte
            details.signature = "type " + header(source, node.start_byte, end)
        else:
            body = node.child_by_field_name("body")
            end = body.start_byte if body is not None else node.end_byte
            details.signature = header(source, node.start_byte, end)
        if node.type == "method_declaration":
            receiver = node.child_by_field_name("receiver")
            param = receiver.named_children[0] if receiver and receiver.named_children else None
            kind_node = param.child_by_field_name("type") if param is not None else None
            owner = _type_name(kind_node) if kind_node is not None else ""
            if not owner:
                return None
            details.owner = owner
        return details


def _receiver_name(node: Node) -> str:
    receiver = node.child_by_field_name("receiver")
    if receiver is None or not receiver.named_children:
        return ""
    return text(receiver.named_children[0].child_by_field_name("name"))


def _short_binding(b: FactsBuilder, node: Node) -> None:
    """`x := pkg.NewFoo()` binds x to `pkg.NewFoo`, `x := &Foo{}` to `Foo`."""
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None or not left.named_children or not right.named_children:
        return
    value = right.named_children[0]
    if value.type == "unary_expression":
        value = value.child_by_field_name("operand") or value
    inner = value.child_by_field_name("function" if value.type == "call_expression" else "type")
    if inner is not None:
        bound = left.named_children[0]
        b.binding(bound, text(bound), _value(inner))


def _value(node: Node) -> str:
    name = _type_name(node)
    if name:
        return name
    parts: list[str] = []
    while node.type == "selector_expression":
        parts.append(text(node.child_by_field_name("field")))
        operand = node.child_by_field_name("operand")
        if operand is None:
            return ""
        node = operand
    if node.type != "identifier":
        return ""
    parts.append(text(node))
    return ".".join(reversed(parts))


def _import(b: FactsBuilder, spec: Node) -> None:
    path = spec.child_by_field_name("path")
    module = text(path).strip('"`') if path is not None else ""
    alias_node = spec.child_by_field_name("name")
    b.import_(spec, module, None, text(alias_node) if alias_node is not None else _package(module))


def _package(import_path: str) -> str | None:
    """The name an unaliased import binds: its last element, before a `/vN` suffix.

    Given as the alias so that a resolver reading `alias or module` sees `yaml` for
    `gopkg.in/yaml.v3`-style paths too; None when it is the path itself (`fmt`).
    """
    parts = [p for p in import_path.split("/") if p]
    if len(parts) > 1 and parts[-1][:1] == "v" and parts[-1][1:].isdigit():
        parts.pop()
    if not parts:
        return None
    last = parts[-1].split(".")[0] if "." in parts[-1] and len(parts) > 1 else parts[-1]
    last = last.removeprefix("go-")
    return None if last == import_path else last


def _emit_types(b: FactsBuilder, types: list[Node], params: set[str], skip: set[int]) -> None:
    for node in sorted(types, key=lambda n: n.start_byte):
        if node.type == "qualified_type":
            inner = node.child_by_field_name("name")
            if inner is not None:
                skip.add(inner.start_byte)
        if node.start_byte in skip:
            continue
        name = _type_name(node)
        if not name or name in params:
            continue
        b.ref(EdgeKind.REFERENCES, name, node)


LANGUAGE = GoLanguage()
