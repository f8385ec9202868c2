"""Go extraction.

A package is a directory, so `FileFacts.module` is the file's directory ("." at the
repository root). Methods are qualified by their receiver type (`func (s *Store) Get` →
`path::Store.Get`) and calls through the receiver variable are written `self.m`. Struct
and interface embedding is inheritance; a composite literal `T{…}` is a constructor call.
"""

from __future__ import annotations

import bisect
import posixpath

from tree_sitter import Node, QueryCursor

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
(function_declaration) @function
(method_declaration) @method
(source_file (type_declaration (type_spec) @class))
(source_file (type_declaration (type_alias) @class))
(interface_type (method_elem) @method)
(source_file (const_declaration (const_spec name: (identifier) @variable) @spec))
(source_file (var_declaration (var_spec name: (identifier) @variable) @spec))
(source_file (var_declaration (var_spec_list (var_spec name: (identifier) @variable) @spec)))
(call_expression function: (_) @call)
(composite_literal type: [(type_identifier) (qualified_type) (generic_type)] @literal)
(field_declaration_list (field_declaration !name type: (_) @embedded))
(interface_type (type_elem . [(type_identifier) (qualified_type)] @embedded .))
(import_spec) @import
(type_identifier) @type
(qualified_type) @qtype
(type_parameter_declaration name: (identifier) @tparam)
(short_var_declaration
  left: (expression_list . (identifier) @bound)
  right: (expression_list . [
    (call_expression function: (_) @value)
    (composite_literal type: (_) @value)
    (unary_expression operand: (composite_literal type: (_) @value))]))
(var_spec name: (identifier) @bound type: [(type_identifier) (qualified_type)] @value)
"""

BUILTIN_TYPES = frozenset(
    {
        *("any", "bool", "byte", "comparable", "complex64", "complex128", "error"),
        *("float32", "float64", "int", "int8", "int16", "int32", "int64", "rune", "string"),
        *("uint", "uint8", "uint16", "uint32", "uint64", "uintptr"),
    }
)
_GROUPS = frozenset({"type_declaration", "var_declaration", "const_declaration"})
_DEFINITION_PARENTS = frozenset({"type_spec", "type_alias"})


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
        calls: list[Node] = []
        receivers: list[tuple[int, int, str]] = []
        types: list[Node] = []
        params: set[str] = set()
        skip: set[int] = set()
        for _, caps in QueryCursor(_ts.query("go", QUERY)).matches(tree.root_node):
            if "type" in caps or "qtype" in caps:
                types.append((caps.get("type") or caps["qtype"])[0])
            elif "call" in caps:
                calls.append(caps["call"][0])
            elif "variable" in caps:
                b.candidate(SymbolKind.VARIABLE, caps["variable"][0], caps["spec"][0])
            elif "method" in caps:
                node = caps["method"][0]
                b.candidate(SymbolKind.METHOD, node)
                receiver = _receiver_name(node)
                if receiver:
                    receivers.append((node.start_byte, node.end_byte, receiver))
            elif "function" in caps or "class" in caps:
                key = "function" if "function" in caps else "class"
                b.candidate(SymbolKind(key), caps[key][0])
            elif "literal" in caps:
                calls.append(caps["literal"][0])
                skip.add(_named(caps["literal"][0]).start_byte)
            elif "embedded" in caps:
                node = caps["embedded"][0]
                b.ref(EdgeKind.INHERITS, _type_name(node), node)
                skip.add(_named(node).start_byte)
            elif "import" in caps:
                _import(b, caps["import"][0])
            elif "tparam" in caps:
                params.add(text(caps["tparam"][0]))
            elif "bound" in caps:
                b.binding(caps["bound"][0], text(caps["bound"][0]), _value(caps["value"][0]))
            elif "package" in caps:
                b.module_doc = _doc(caps["package"][0])
        receivers.sort()
        starts = [r[0] for r in receivers]
        for node in calls:
            b.ref(EdgeKind.CALLS, _call_name(node, receivers, starts), node)
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
        parent = node.parent
        if parent is not None and parent.type in _DEFINITION_PARENTS:
            named = parent.child_by_field_name("name")
            if named is not None and named.start_byte == node.start_byte:
                continue
        b.ref(EdgeKind.REFERENCES, name, node)


LANGUAGE = GoLanguage()
