"""Rust extraction.

`FileFacts.module` is the crate path (`src/a/b.rs` and `src/a/b/mod.rs` → `crate::a::b`,
`src/lib.rs` and `src/main.rs` → `crate`; files outside `src/` keep their path without
extension). Functions of `impl T` and `impl Trait for T` blocks are methods of `T`
(`path::T.m`); `impl Trait for T` is T inheriting Trait when T is defined in the file.
An inline `mod m { }` prefixes its items (`path::m.f`). Paths are written with dots in
references (`a::b::f()` → `a.b.f`, `Self::new()` → `self.new`), with `::` in imports,
where `use` paths are expanded and `self::`/`super::` made absolute; `mod x;` imports the
submodule `…::x` under the name `x`.
"""

from __future__ import annotations

from tree_sitter import Node

from codegraph.languages import _ts
from codegraph.languages._common import (
    NAMESPACE,
    Details,
    FactsBuilder,
    collapse,
    doc_line,
    dotted,
    header,
    parse,
    prev_comments,
    text,
)
from codegraph.model import EdgeKind, FileFacts, SymbolKind, Visibility

QUERY = """
(function_item) @function
(function_signature_item) @function
(struct_item) @class
(enum_item) @class
(union_item) @class
(trait_item) @class
(type_item) @class
(const_item) @variable
(static_item) @variable
(mod_item body: (_)) @namespace
(mod_item !body) @mod_file
(impl_item) @impl
(trait_item bounds: (trait_bounds) @bounds)
(call_expression function: (_) @call)
(struct_expression name: (_) @literal)
(use_declaration) @use
(function_item return_type: (_) @returns)
(type_identifier) @type
(scoped_type_identifier) @qtype
(type_parameter name: (type_identifier) @tparam)
(struct_item name: (type_identifier) @defname)
(enum_item name: (type_identifier) @defname)
(union_item name: (type_identifier) @defname)
(trait_item name: (type_identifier) @defname)
(type_item name: (type_identifier) @defname)
(let_declaration pattern: (identifier) type: (_)) @let
(let_declaration pattern: (identifier) !type value: [(call_expression) (struct_expression)]) @let
(field_declaration name: (field_identifier) type: (_)) @field
"""

_ASSOCIATED_OWNERS = frozenset({"impl_item"})


# The standard prelude and the usual std types named without a `use`.
BUILTINS = frozenset(
    {
        *("Box", "Clone", "Copy", "Default", "Drop", "Eq", "Err", "Fn", "FnMut", "FnOnce"),
        *("From", "Hash", "Into", "Iterator", "None", "Ok", "Option", "Ord", "PartialEq"),
        *("PartialOrd", "Result", "Send", "Sized", "Some", "String", "Sync", "ToOwned"),
        *("ToString", "Vec", "drop", "str", "Self", "AsRef", "AsMut", "Debug"),
    }
)


def module_name(path: str) -> str:
    """`src/a/b.rs` → `crate::a::b`; outside `src/` the path without extension."""
    stem = path[:-3] if path.endswith(".rs") else path
    parts = stem.split("/")
    if "src" not in parts:
        return stem
    rel = parts[len(parts) - 1 - parts[::-1].index("src") + 1 :]
    if rel and rel[-1] in ("lib", "main", "mod"):
        rel = rel[:-1]
    return "::".join(["crate", *rel])


def _inline_modules(node: Node) -> list[str]:
    """Names of the inline `mod` blocks around `node`, outermost first."""
    names: list[str] = []
    current = node.parent
    while current is not None:
        if current.type == "mod_item":
            names.append(text(current.child_by_field_name("name")))
        current = current.parent
    names.reverse()
    return names


def _type_path(node: Node | None) -> str:
    """`Point<T>` → `Point`, `a::B` → `a.B`, `&mut T` → `T`; "" for tuples, arrays, …"""
    while node is not None and node.type in ("generic_type", "reference_type", "pointer_type"):
        node = node.child_by_field_name("type")
    if node is None or node.type not in ("type_identifier", "scoped_type_identifier"):
        return ""
    return dotted(text(node))


def callee_name(node: Node) -> str:
    """`a::b::f` → `a.b.f`, `Self::new` → `self.new`, `self.x.m` as written; "" otherwise."""
    if node.type == "generic_function":
        inner = node.child_by_field_name("function")
        if inner is None:
            return ""
        node = inner
    if node.type in ("identifier", "self"):
        return text(node)
    if node.type == "scoped_identifier":
        name = dotted(text(node))
        return "self" + name[4:] if name.startswith("Self.") else name
    parts: list[str] = []
    while node.type == "field_expression":
        parts.append(text(node.child_by_field_name("field")))
        value = node.child_by_field_name("value")
        if value is None:
            return ""
        node = value
    if not parts or node.type not in ("identifier", "self"):
        return ""
    parts.append(text(node))
    return ".".join(reversed(parts))


def _visibility(node: Node) -> Visibility:
    for child in node.children:
        if child.type == "visibility_modifier":
            return Visibility.PUBLIC
    return Visibility.PRIVATE


def _attributes_and_doc(node: Node) -> tuple[tuple[str, ...], str]:
    attributes: list[str] = []
    sibling = node.prev_named_sibling
    while sibling is not None and sibling.type == "attribute_item":
        attributes.append(collapse(text(sibling).encode())[2:-1])
        sibling = sibling.prev_named_sibling
    attributes.reverse()
    docs = [
        text(c)
        for c in prev_comments(node, skip=("attribute_item",))
        if text(c).startswith(("///", "/**"))
    ]
    return tuple(attributes), doc_line("\n".join(docs)) if docs else ""


class RustLanguage:
    """Rust: one `.rs` file at a time, named in the `crate::…` namespace."""

    name = "rust"
    extensions = (".rs",)

    def extract(self, path: str, source: bytes) -> FileFacts:
        """Definitions, imports and references of one Rust file."""
        tree = parse("rust", path, source)
        module = module_name(path)
        b = FactsBuilder(path, self.name, module, source)
        b.builtins = BUILTINS
        b.module_doc = _module_doc(tree.root_node)
        skip: set[int] = set()
        caps = _ts.captures("rust", QUERY, tree.root_node)
        for key in ("function", "class", "variable"):
            for node in caps.get(key, ()):
                b.candidate(SymbolKind(key), node)
        for node in caps.get("namespace", ()):
            b.candidate(NAMESPACE, node)
        for node in caps.get("call", ()):
            b.ref(EdgeKind.CALLS, callee_name(node), node)
        for node in caps.get("literal", ()):
            skip.add(node.start_byte)
            name = _type_path(node)
            if name and name != "Self":
                b.ref(EdgeKind.CALLS, name, node)
        for node in caps.get("let", []) + caps.get("field", []):
            _binding(b, node)
        for node in caps.get("impl", ()):
            _impl(b, node, skip)
        for node in caps.get("bounds", ()):
            for bound in node.named_children:
                b.ref(EdgeKind.INHERITS, _type_path(bound), bound)
                skip.add(bound.start_byte)
        for node in caps.get("returns", ()):
            name = _type_path(node)
            if name == "Self":
                name = _impl_type(node)
            b.binding(node, "return", name)
        for node in caps.get("use", ()):
            _use(b, node, module)
        for node in caps.get("mod_file", ()):
            # `mod x;` puts the module `x` (its own file) in scope under its name
            name = text(node.child_by_field_name("name"))
            here = "::".join([module, *_inline_modules(node)])
            b.import_(node, f"{here}::{name}", None, name)
        params = {"Self", *(text(node) for node in caps.get("tparam", ()))}
        skip.update(node.start_byte for node in caps.get("defname", ()))
        types = caps.get("type", []) + caps.get("qtype", [])
        b.type_params = params
        _emit_types(b, types, params, skip)
        return b.build(lambda kind, node: self.describe(source, kind, node))

    def describe(self, source: bytes, kind: str, node: Node) -> Details | None:
        """Name, header, doc, attributes and visibility of a kept definition."""
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return None
        attributes, doc = _attributes_and_doc(node)
        details = Details(text(name_node), doc=doc, decorators=attributes)
        details.visibility = _visibility(node)
        body = node.child_by_field_name("body")
        if node.type in ("const_item", "static_item", "type_item", "function_signature_item"):
            body = None
        end = body.start_byte if body is not None else node.end_byte
        details.signature = header(source, node.start_byte, end).rstrip(";")
        details.declaration_only = node.type == "function_signature_item"
        block = node.parent
        impl = block.parent if block is not None and block.type == "declaration_list" else None
        if impl is not None and impl.type in _ASSOCIATED_OWNERS:
            owner = _type_path(impl.child_by_field_name("type"))
            if not owner:
                return None
            details.owner = owner
            if node.type == "function_item":
                details.kind = SymbolKind.METHOD
            if impl.child_by_field_name("trait") is not None:
                details.visibility = Visibility.PUBLIC
        elif impl is not None and impl.type == "trait_item":
            details.visibility = Visibility.PUBLIC
        return details


def _impl_type(return_type: Node) -> str:
    """The `T` of the `impl T` block whose function returns `Self`."""
    function = return_type.parent
    block = function.parent if function is not None else None
    impl = block.parent if block is not None else None
    if impl is None or impl.type != "impl_item":
        return ""
    return _type_path(impl.child_by_field_name("type"))


def _binding(b: FactsBuilder, node: Node) -> None:
    """`let x: T`, `let x = T::new()`, `let x = T { … }` and struct fields `x: T`."""
    bound = node.child_by_field_name("pattern" if node.type == "let_declaration" else "name")
    typed = node.child_by_field_name("type")
    value = node.child_by_field_name("value")
    if typed is not None:
        name = _type_path(typed)
    elif value is not None and value.type == "call_expression":
        function = value.child_by_field_name("function")
        name = callee_name(function) if function is not None else ""
    elif value is not None:
        name = _type_path(value.child_by_field_name("name"))
    else:
        return
    if bound is not None:
        b.binding(bound, text(bound), "self" + name[4:] if name[:5] == "Self." else name)


def _module_doc(root: Node) -> str:
    lines: list[str] = []
    for child in root.children:
        if child.type not in ("line_comment", "block_comment"):
            break
        body = text(child)
        if body.startswith(("//!", "/*!")):
            lines.append(body)
    return doc_line("\n".join(lines)) if lines else ""


def _impl(b: FactsBuilder, node: Node, skip: set[int]) -> None:
    """`impl Trait for T`: T inherits Trait; the impl header names are not type uses."""
    target = node.child_by_field_name("type")
    trait = node.child_by_field_name("trait")
    for part in (target, trait):
        inner = part
        while inner is not None and inner.type == "generic_type":
            inner = inner.child_by_field_name("type")
        if inner is not None:
            skip.add(inner.start_byte)
    owner = _type_path(target)
    if trait is None or not owner:
        return
    prefix = ".".join([*_inline_modules(node), owner])
    b.ref(EdgeKind.INHERITS, _type_path(trait), trait, scope=f"{b.path}::{prefix}")


def _use(b: FactsBuilder, node: Node, module: str) -> None:
    """Expand one `use` tree into imports in the `crate::…` namespace."""
    here = "::".join([module, *_inline_modules(node)])
    argument = node.child_by_field_name("argument")
    stack: list[tuple[str, Node]] = [("", argument)] if argument is not None else []
    while stack:
        prefix, part = stack.pop()
        if part.type == "scoped_use_list":
            path = part.child_by_field_name("path")
            inner = _join(prefix, text(path)) if path is not None else prefix
            items = part.child_by_field_name("list")
            if items is not None:
                stack.extend((inner, child) for child in reversed(items.named_children))
        elif part.type == "use_list":
            stack.extend((prefix, child) for child in reversed(part.named_children))
        elif part.type == "use_wildcard":
            path = part.named_children[0] if part.named_children else None
            full = _join(prefix, text(path)) if path is not None else prefix
            b.import_(node, _absolute(full, here), "*", None)
        elif part.type == "use_as_clause":
            path = part.child_by_field_name("path")
            alias = part.child_by_field_name("alias")
            if path is not None:
                _import_path(b, node, _join(prefix, text(path)), here, text(alias) or None)
        elif part.type in ("identifier", "scoped_identifier", "self", "crate", "super"):
            _import_path(b, node, _join(prefix, text(part)), here, None)


def _join(prefix: str, path: str) -> str:
    path = "".join(path.split())
    return f"{prefix}::{path}" if prefix else path


def _absolute(path: str, here: str) -> str:
    """`self::x` / `super::x` against the module `here`; a leading `::` dropped."""
    parts = path.removeprefix("::").split("::")
    base: list[str] | None = None
    while parts and parts[0] in ("self", "super"):
        base = base if base is not None else here.split("::")
        if parts.pop(0) == "super" and len(base) > 1:
            base.pop()
    return "::".join([*(base or []), *parts])


def _import_path(b: FactsBuilder, node: Node, path: str, here: str, alias: str | None) -> None:
    full = _absolute(path, here)
    if path.split("::")[-1] == "self":  # `use a::{self}` imports the module `a`
        full = _absolute(path.rsplit("::", 1)[0], here)
        b.import_(node, full, None, alias or full.rsplit("::", 1)[-1])
        return
    head, sep, name = full.rpartition("::")
    if sep:
        b.import_(node, head, name, alias)
    else:
        b.import_(node, full, None, alias)


def _emit_types(b: FactsBuilder, types: list[Node], params: set[str], skip: set[int]) -> None:
    for node in sorted(types, key=lambda n: n.start_byte):
        if node.type == "scoped_type_identifier":
            inner = node.child_by_field_name("name")
            if inner is not None:
                skip.add(inner.start_byte)
        if node.start_byte in skip:
            continue
        name = dotted(text(node))
        if not name or name in params:
            continue
        b.ref(EdgeKind.REFERENCES, name, node)


LANGUAGE = RustLanguage()
