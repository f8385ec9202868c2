"""TypeScript and TSX extraction: the JavaScript extractor plus types.

Interfaces, type aliases and enums are class symbols; `namespace N { }` prefixes its
members (`N.f`). Type annotations become REFERENCES (type parameters and the built-in
types excluded), `implements` and interface `extends` become INHERITS. `.tsx` files are
parsed with the `tsx` grammar, everything else with `typescript`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from codegraph.languages import _ts
from codegraph.languages._common import NAMESPACE, Details, FactsBuilder, parse, text
from codegraph.languages.javascript import (
    BUILTINS,
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
(class_declaration name: (type_identifier) @defname)
(abstract_class_declaration name: (type_identifier) @defname)
(interface_declaration name: (type_identifier) @defname)
(type_alias_declaration name: (type_identifier) @defname)
(import_require_clause) @require_import
(function_declaration return_type: (type_annotation . (_) @returns))
(method_definition return_type: (type_annotation . (_) @returns))
(public_field_definition name: (property_identifier) type: (type_annotation)) @field_member
(required_parameter
  (accessibility_modifier) pattern: (identifier) type: (type_annotation)) @param_member
"""
)

TSX_QUERY = (
    TS_QUERY
    + """
(jsx_opening_element name: (_) @jsx)
(jsx_self_closing_element name: (_) @jsx)
"""
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
        builder.builtins = BUILTINS
        types = _Types([], set(), set())
        caps = _ts.captures(grammar, query_source, tree.root_node)
        types.uses = caps.pop("type", []) + caps.pop("qtype", [])
        types.params = {text(node) for node in caps.pop("tparam", ())}
        types.skip = {node.start_byte for node in caps.pop("defname", ())}
        for node in caps.pop("namespace", ()):
            builder.candidate(NAMESPACE, node)
        for node in caps.pop("heritage", ()):
            self.type_heritage(builder, node, types.skip)
        for node in caps.pop("require_import", ()):
            _import_require(builder, node)
        for node in caps.pop("jsx", ()):
            name = callee_name(node) if node.type == "member_expression" else text(node)
            if name[:1].isupper():
                builder.ref(EdgeKind.CALLS, name, node)
        # a field is bound in its class's scope, a parameter property in the constructor's
        # (where the resolver reads `self.x` as the class's `x`)
        for key, field, prefix in (
            ("field_member", "name", ""),
            ("param_member", "pattern", "self."),
        ):
            for node in caps.pop(key, ()):
                member, annotation = (
                    node.child_by_field_name(field),
                    node.child_by_field_name("type"),
                )
                if member is not None and annotation is not None and annotation.named_children:
                    value = type_name(annotation.named_children[0])
                    builder.binding(member, prefix + text(member), value)
        for node in caps.pop("returns", ()):
            builder.binding(node, "return", type_name(node))
        self.handle(builder, caps)
        builder.type_params = types.params
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
