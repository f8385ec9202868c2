"""TypeScript and TSX extraction: the JavaScript extractor plus types.

Interfaces, type aliases and enums are class symbols; `namespace N { }` prefixes its
members (`N.f`). Type annotations become REFERENCES (type parameters and the built-in
types excluded), `implements` and interface `extends` become INHERITS. `.tsx` files are
parsed with the `tsx` grammar, everything else with `typescript`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node, QueryCursor

from codegraph.languages import _ts
from codegraph.languages._common import NAMESPACE, Details, FactsBuilder, parse, text
from codegraph.languages.javascript import (
    COMMON_QUERY,
    ScriptLanguage,
    callee_name,
    module_name,
    resolve_specifier,
)
from codegraph.model import EdgeKind, FileFacts

TS_QUERY = (
    COMMON_QUERY
    + """
(abstract_class_declaration) @class
(interface_declaration) @class
(type_alias_declaration) @class
(enum_declaration) @class
(function_signature) @function
(internal_module) @namespace
(class_body (public_field_definition) @field)
(class_body (method_signature) @method)
(class_body (abstract_method_signature) @method)
(interface_body (method_signature) @method)
(interface_body (property_signature) @field)
(extends_type_clause) @heritage
(type_identifier) @type
(nested_type_identifier) @qtype
(type_parameter name: (type_identifier) @tparam)
(import_require_clause) @require_import
(public_field_definition
  name: (property_identifier) @member
  type: (type_annotation [(type_identifier) (nested_type_identifier) (generic_type)] @member_type))
(required_parameter
  (accessibility_modifier)
  pattern: (identifier) @member
  type: (type_annotation [(type_identifier) (nested_type_identifier) (generic_type)] @member_type))
"""
)

TSX_QUERY = (
    TS_QUERY
    + """
(jsx_opening_element name: (_) @jsx)
(jsx_self_closing_element name: (_) @jsx)
"""
)

_TYPE_DEFINITIONS = frozenset(
    {
        "class_declaration",
        "abstract_class_declaration",
        "interface_declaration",
        "type_alias_declaration",
        "type_parameter",
    }
)
_DECLARATION_ONLY = frozenset({"function_signature", "method_signature"})


def type_name(node: Node) -> str:
    """`Foo`, `ns.Foo`, `Foo<T>` → `Foo`; "" for anything else."""
    if node.type == "generic_type":
        inner = node.child_by_field_name("name")
        return type_name(inner) if inner is not None else ""
    if node.type in ("type_identifier", "identifier"):
        return text(node)
    if node.type in ("nested_type_identifier", "member_expression"):
        return text(node).replace(" ", "")
    return ""


@dataclass(slots=True)
class _Types:
    """Type uses seen during the match loop, emitted once all matches are known."""

    uses: list[Node]
    skip: set[int]
    params: set[str]


@dataclass(frozen=True, slots=True)
class TypeScriptLanguage(ScriptLanguage):
    """TypeScript: `.ts`/`.mts`/`.cts` with the `typescript` grammar, `.tsx` with `tsx`."""

    def extract(self, path: str, source: bytes) -> FileFacts:
        """Definitions, imports and references of one TypeScript/TSX file."""
        grammar = "tsx" if path.lower().endswith(".tsx") else "typescript"
        query_source = TSX_QUERY if grammar == "tsx" else TS_QUERY
        tree = parse(grammar, path, source)
        builder = FactsBuilder(path, self.name, module_name(path), source)
        types = _Types([], set(), set())
        query = _ts.query(grammar, query_source)
        for _, caps in QueryCursor(query).matches(tree.root_node):
            if "type" in caps:
                types.uses.append(caps["type"][0])
            elif "qtype" in caps:
                types.uses.append(caps["qtype"][0])
            elif "tparam" in caps:
                types.params.add(text(caps["tparam"][0]))
            elif "namespace" in caps:
                builder.candidate(NAMESPACE, caps["namespace"][0])
            elif "heritage" in caps:
                self.type_heritage(builder, caps["heritage"][0], types.skip)
            elif "require_import" in caps:
                _import_require(builder, caps["require_import"][0])
            elif "jsx" in caps:
                jsx = caps["jsx"][0]
                name = callee_name(jsx) if jsx.type == "member_expression" else text(jsx)
                if name[:1].isupper():
                    builder.ref(EdgeKind.CALLS, name, jsx)
            elif "member" in caps:
                # a field is bound in its class's scope, a parameter property in the
                # constructor's (the resolver reads `self.x` there as the class's `x`)
                member = caps["member"][0]
                name = (
                    text(member) if member.type == "property_identifier" else "self." + text(member)
                )
                builder.binding(member, name, type_name(caps["member_type"][0]))
            else:
                self.handle(builder, caps)
        _emit_types(builder, types)
        return builder.build(lambda kind, node: self.describe(source, kind, node))

    def type_heritage(self, b: FactsBuilder, node: Node, skip: set[int]) -> None:
        clauses = [node] if node.type == "extends_type_clause" else node.named_children
        for clause in clauses:
            if clause.type == "extends_clause":
                parents = clause.children_by_field_name("value")
            elif clause.type in ("implements_clause", "extends_type_clause"):
                parents = clause.named_children
            else:
                parents = [clause]
            for parent in parents:
                name = type_name(parent) or callee_name(parent)
                b.ref(EdgeKind.INHERITS, name, parent)
                inner = (
                    parent.child_by_field_name("name") if parent.type == "generic_type" else None
                )
                skip.add((inner or parent).start_byte)

    def describe(self, source: bytes, kind: str, node: Node) -> Details | None:
        details = ScriptLanguage.describe(self, source, kind, node)
        if details is not None and node.type in _DECLARATION_ONLY:
            details.declaration_only = True
        return details


def _emit_types(b: FactsBuilder, types: _Types) -> None:
    for node in sorted(types.uses, key=lambda n: n.start_byte):
        nested = node.type == "nested_type_identifier"
        if nested:
            inner = node.child_by_field_name("name")
            if inner is not None:
                types.skip.add(inner.start_byte)
        if node.start_byte in types.skip:
            continue
        if nested:
            b.ref(EdgeKind.REFERENCES, type_name(node), node)
            continue
        name = text(node)
        if name in types.params:
            continue
        parent = node.parent
        if parent is not None and parent.type in _TYPE_DEFINITIONS:
            named = parent.child_by_field_name("name")
            if named is not None and named.start_byte == node.start_byte:
                continue
        b.ref(EdgeKind.REFERENCES, name, node)


def _import_require(b: FactsBuilder, clause: Node) -> None:
    """`import fs = require("fs")`: a default-style import bound to `fs`."""
    source = clause.child_by_field_name("source")
    local = next((c for c in clause.named_children if c.type == "identifier"), None)
    if source is None or local is None:
        return
    b.import_(clause, resolve_specifier(b.path, text(source)[1:-1]), "default", text(local))


LANGUAGE = TypeScriptLanguage(
    name="typescript",
    extensions=(".ts", ".tsx", ".mts", ".cts"),
    grammar="typescript",
    query_source=TS_QUERY,
)
