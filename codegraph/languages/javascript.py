"""JavaScript extraction (`.js`, `.jsx`, `.mjs`, `.cjs`); TypeScript builds on it.

Symbols: classes, top-level functions (declarations and `const f = () => …` /
`function` expressions bound to a name), class methods and fields, module-level
`const`/`let`/`var`, and the CommonJS forms `exports.f = function`, `Foo.prototype.m =
function`, `obj.m = function` (when `Foo`/`obj` is defined in the file). Object-literal
methods are part of their initializer. Imports: ES modules, re-exports and `require()`;
relative specifiers are resolved against the file's directory into the `FileFacts.module`
namespace (the path without extension), bare specifiers stay as written.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

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

_DOTTED = re.compile(r"[\w$#]+(?:\.[\w$#]+)+\Z")
SCRIPT_EXTENSIONS = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")

# Patterns both grammars share; `@variable` only at the top level of the program.
COMMON_QUERY = """
(function_declaration) @function
(generator_function_declaration) @function
(class_declaration) @class
(class_body (method_definition) @method)
(program (lexical_declaration (variable_declarator) @variable))
(program (variable_declaration (variable_declarator) @variable))
(program (export_statement (lexical_declaration (variable_declarator) @variable)))
(program (export_statement (variable_declaration (variable_declarator) @variable)))
(program (expression_statement (assignment_expression
  left: (member_expression)
  right: [(function_expression) (arrow_function) (generator_function)]) @assigned))
(call_expression function: (_) @call)
(new_expression constructor: (_) @new)
(class_heritage) @heritage
(import_statement) @import
(export_statement source: (_)) @reexport
(variable_declarator name: (identifier) value: (new_expression)) @new_binding
(assignment_expression
  left: (member_expression object: (this) property: (property_identifier))
  right: (new_expression)) @this_binding
"""

JS_QUERY = COMMON_QUERY + "(class_body (field_definition) @field)\n"

# Globals of the language and its usual hosts (browsers, Node); TypeScript's utility types.
BUILTINS = frozenset(
    {
        *("AbortController", "Array", "ArrayBuffer", "BigInt", "Blob", "Boolean", "Buffer"),
        *("DataView", "Date", "Error", "EvalError", "Event", "EventTarget", "FormData"),
        *("Function", "Headers", "Infinity", "Intl", "JSON", "Map", "Math", "NaN", "Number"),
        *("Object", "Promise", "Proxy", "RangeError", "ReferenceError", "Reflect", "RegExp"),
        *("Request", "Response", "Set", "String", "Symbol", "SyntaxError", "TextDecoder"),
        *("TextEncoder", "TypeError", "URIError", "URL", "URLSearchParams", "Uint8Array"),
        *("WeakMap", "WeakRef", "WeakSet", "clearInterval", "clearTimeout", "console"),
        *("decodeURIComponent", "document", "encodeURIComponent", "fetch", "globalThis"),
        *("isFinite", "isNaN", "parseFloat", "parseInt", "process", "queueMicrotask"),
        *("require", "setImmediate", "setInterval", "setTimeout", "structuredClone", "window"),
        *("Awaited", "Exclude", "Extract", "InstanceType", "NonNullable", "Omit", "Parameters"),
        *("Partial", "Pick", "Readonly", "ReadonlyArray", "Record", "Required", "ReturnType"),
    }
)

_FUNCTION_VALUES = frozenset(
    {"arrow_function", "function_expression", "function", "generator_function"}
)
_CLASS_VALUES = frozenset({"class"})


def module_name(path: str) -> str:
    """`src/util/index.ts` → `src/util/index`."""
    stem, ext = posixpath.splitext(path)
    return stem if ext.lower() in SCRIPT_EXTENSIONS else path


def resolve_specifier(path: str, spec: str) -> str:
    """A relative import specifier in the file namespace; bare specifiers unchanged."""
    if not (spec == "." or spec == ".." or spec.startswith(("./", "../"))):
        return spec
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), spec))
    return module_name(joined)


def callee_name(node: Node) -> str:
    """`a.b.c` as written, `this.m` → `self.m`, `super.m` → `super().m`; "" when not dotted."""
    if node.type == "identifier":
        return text(node)
    if node.type == "member_expression":
        # most chains are plain identifiers: read them from the text in one step
        raw = "".join(text(node).split())
        if _DOTTED.match(raw):
            head, _, rest = raw.partition(".")
            if head == "this":
                return "self." + rest
            return "super()." + rest if head == "super" else raw
    parts: list[str] = []
    while node.type == "member_expression":
        prop = node.child_by_field_name("property")
        obj = node.child_by_field_name("object")
        if prop is None or obj is None:
            return ""
        parts.append(text(prop))
        node = obj
    if node.type in ("non_null_expression", "parenthesized_expression") and node.named_children:
        inner = node.named_children[0]
        if inner.type in ("identifier", "this"):
            node = inner
    if node.type == "identifier":
        parts.append(text(node))
    elif node.type == "this":
        parts.append("self")
    elif node.type == "super":
        parts.append("super()")
    else:
        return ""
    return ".".join(reversed(parts))


def _string_value(node: Node | None) -> str:
    if node is None:
        return ""
    return text(node)[1:-1] if node.type == "string" else ""


def _outer(node: Node) -> Node:
    """The statement that carries a definition's comments: `export …` when exported."""
    parent = node.parent
    if node.type == "variable_declarator" and parent is not None:
        node, parent = parent, parent.parent
    if parent is not None and parent.type == "export_statement":
        return parent
    return node


def _doc(node: Node) -> str:
    for comment in reversed(prev_comments(_outer(node))):
        body = text(comment)
        if body.startswith("/**"):
            return doc_line(body)
    return ""


def _decorators(node: Node) -> tuple[str, ...]:
    """Decorators on the node, on its `export` wrapper, or just before it in a class body."""
    found = [c for c in node.children if c.type == "decorator"]
    outer = _outer(node)
    if outer is not node:
        found = [c for c in outer.children if c.type == "decorator"] + found
    sibling = node.prev_named_sibling if outer is node else None
    before: list[Node] = []
    while sibling is not None and sibling.type == "decorator":
        before.append(sibling)
        sibling = sibling.prev_named_sibling
    found = list(reversed(before)) + found
    return tuple(collapse(text(d).encode()).lstrip("@") for d in found)


def _start_after_decorators(node: Node) -> int:
    for child in node.children:
        if child.type not in ("decorator", "comment"):
            return child.start_byte
    return node.start_byte


def _member_visibility(node: Node, name: str) -> Visibility:
    if name.startswith("#"):
        return Visibility.PRIVATE
    for child in node.children:
        if child.type == "accessibility_modifier":
            word = text(child)
            if word == "private":
                return Visibility.PRIVATE
            if word == "protected":
                return Visibility.PROTECTED
    return Visibility.PUBLIC


@dataclass(frozen=True, slots=True)
class ScriptLanguage:
    """A JavaScript-family language: one grammar, one query, the shared handlers."""

    name: str
    extensions: tuple[str, ...]
    grammar: str
    query_source: str

    def extract(self, path: str, source: bytes) -> FileFacts:
        """Definitions, imports and references of one JavaScript/TypeScript file."""
        return self.extract_with(path, source, self.grammar)

    def extract_with(self, path: str, source: bytes, grammar: str) -> FileFacts:
        tree = parse(grammar, path, source)
        builder = FactsBuilder(path, self.name, module_name(path), source)
        builder.builtins = BUILTINS
        self.handle(builder, _ts.captures(grammar, self.query_source, tree.root_node))
        return builder.build(lambda kind, node: self.describe(source, kind, node))

    def handle(self, b: FactsBuilder, caps: dict[str, list[Node]]) -> None:
        """The query's captures: definition candidates, references, imports, bindings."""
        for key in ("function", "class", "method", "variable"):
            for node in caps.get(key, ()):
                b.candidate(SymbolKind(key), node)
        for node in caps.get("field", ()):
            b.candidate(SymbolKind.VARIABLE, node)
        for node in caps.get("assigned", ()):
            b.candidate(SymbolKind.FUNCTION, node)
        for node in caps.get("call", ()):
            name = callee_name(node)
            if name == "require":
                _require(b, node)
            elif name == "super()":
                b.ref(EdgeKind.CALLS, "super().constructor", node)
            else:
                b.ref(EdgeKind.CALLS, name, node)
        for node in caps.get("new", ()):
            b.ref(EdgeKind.CALLS, callee_name(node), node)
        for node in caps.get("heritage", ()):
            self.heritage(b, node)
        for node in caps.get("import", ()):
            self.import_statement(b, node)
        for node in caps.get("reexport", ()):
            _reexport(b, node)
        for node in caps.get("new_binding", ()):
            bound, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if bound is not None and value is not None:
                ctor = value.child_by_field_name("constructor")
                b.binding(bound, text(bound), callee_name(ctor) if ctor is not None else "")
        for node in caps.get("this_binding", ()):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            prop = left.child_by_field_name("property") if left is not None else None
            ctor = right.child_by_field_name("constructor") if right is not None else None
            if prop is not None and ctor is not None:
                b.binding(prop, "self." + text(prop), callee_name(ctor))

    def heritage(self, b: FactsBuilder, node: Node) -> None:
        for child in node.named_children:
            b.ref(EdgeKind.INHERITS, callee_name(child), child)

    def import_statement(self, b: FactsBuilder, node: Node) -> None:
        module = resolve_specifier(b.path, _string_value(node.child_by_field_name("source")))
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if clause is None:
            b.import_(node, module, None, None)
            return
        for part in clause.named_children:
            if part.type == "identifier":
                b.import_(node, module, "default", text(part))
            elif part.type == "namespace_import":
                b.import_(node, module, None, text(part.named_children[-1]))
            elif part.type == "named_imports":
                for spec in part.named_children:
                    if spec.type == "import_specifier":
                        name = text(spec.child_by_field_name("name"))
                        alias = spec.child_by_field_name("alias")
                        b.import_(node, module, name, text(alias) if alias else None)

    def describe(self, source: bytes, kind: str, node: Node) -> Details | None:
        """Name, header, doc and modifiers of a definition the builder keeps."""
        if node.type == "variable_declarator":
            return self.describe_variable(source, node)
        if node.type == "assignment_expression":
            return _describe_assignment(source, node)
        name_node = node.child_by_field_name("name") or node.child_by_field_name("property")
        if name_node is None:
            return None
        name = text(name_node)
        if name_node.type == "string":
            name = name[1:-1]
        body = node.child_by_field_name("body")
        value = node.child_by_field_name("value")
        start = _start_after_decorators(node)
        details = Details(
            name=name,
            doc=_doc(node),
            decorators=_decorators(node),
            visibility=_member_visibility(node, name),
        )
        if value is not None and value.type in _FUNCTION_VALUES:
            details.kind = SymbolKind.METHOD
            body = value.child_by_field_name("body")
        if body is not None:
            details.signature = header(source, start, body.start_byte)
        else:
            details.signature = collapse(source[start : node.end_byte]).rstrip(";")
        return details

    def describe_variable(self, source: bytes, node: Node) -> Details | None:
        name_node = node.child_by_field_name("name")
        if name_node is None or name_node.type != "identifier":
            return None
        statement = node.parent
        keyword = text(statement.children[0]) if statement and statement.children else ""
        value = node.child_by_field_name("value")
        if value is not None and _is_require(value):
            return None  # an import, recorded as one; a variable here would shadow it
        details = Details(name=text(name_node), doc=_doc(node))
        end = node.end_byte
        if value is not None and value.type in _FUNCTION_VALUES:
            details.kind = SymbolKind.FUNCTION
            body = value.child_by_field_name("body")
            end = body.start_byte if body is not None else end
        elif value is not None and value.type in _CLASS_VALUES:
            details.kind = SymbolKind.CLASS
            body = value.child_by_field_name("body")
            end = body.start_byte if body is not None else end
        details.signature = header(source, node.start_byte, end)
        if keyword in ("const", "let", "var"):
            details.signature = collapse(f"{keyword} {details.signature}".encode())
        return details


def _describe_assignment(source: bytes, node: Node) -> Details | None:
    """`exports.f = function`, `Foo.prototype.m = function`, `obj.m = () => …` (CommonJS)."""
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    chain = callee_name(left) if left is not None else ""
    parts = chain.split(".")
    if right is None or len(parts) < 2 or parts[0] in ("self", "super()"):
        return None
    owner_parts = parts[:-1]
    if owner_parts in (["exports"], ["module", "exports"]):
        owner_parts = []
    elif owner_parts[-1] == "prototype":
        owner_parts.pop()
    if len(owner_parts) > 1:
        return None
    owner = owner_parts[0] if owner_parts else ""
    body = right.child_by_field_name("body")
    statement = node.parent if node.parent is not None else node
    return Details(
        name=parts[-1],
        signature=header(source, node.start_byte, body.start_byte if body else node.end_byte),
        doc=_doc(statement),
        owner=owner,
        kind=SymbolKind.METHOD if owner else SymbolKind.FUNCTION,
        owner_defined_here=bool(owner),
    )


def _is_require(value: Node) -> bool:
    """`require('x')` or `require('x').y`."""
    if value.type == "member_expression":
        value = value.child_by_field_name("object") or value
    if value.type != "call_expression":
        return False
    function = value.child_by_field_name("function")
    return function is not None and function.type == "identifier" and text(function) == "require"


def _require(b: FactsBuilder, call: Node) -> None:
    """`require('x')`: an import, named by what the result is bound to."""
    args = call.parent.child_by_field_name("arguments") if call.parent else None
    spec = _string_value(args.named_children[0]) if args and args.named_children else ""
    if not spec:
        return
    module = resolve_specifier(b.path, spec)
    target = call.parent.parent if call.parent else None
    member = ""
    if target is not None and target.type == "member_expression":
        member = text(target.child_by_field_name("property"))
        target = target.parent
    if target is None or target.type != "variable_declarator":
        b.import_(call, module, member or None, None)
        return
    bound = target.child_by_field_name("name")
    if bound is not None and bound.type == "identifier":
        b.import_(call, module, member or "default", text(bound))
    elif bound is not None and bound.type == "object_pattern":
        for prop in bound.named_children:
            if prop.type == "shorthand_property_identifier_pattern":
                b.import_(call, module, text(prop), None)
            elif prop.type == "pair_pattern":
                key, value = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                b.import_(call, module, text(key), text(value) if value else None)


def _reexport(b: FactsBuilder, node: Node) -> None:
    module = resolve_specifier(b.path, _string_value(node.child_by_field_name("source")))
    clause = next((c for c in node.named_children if c.type == "export_clause"), None)
    star_as = next((c for c in node.named_children if c.type == "namespace_export"), None)
    if star_as is not None:
        b.import_(node, module, None, text(star_as.named_children[-1]))
    elif clause is None:
        b.import_(node, module, "*", None)
    else:
        for spec in clause.named_children:
            if spec.type == "export_specifier":
                name = text(spec.child_by_field_name("name"))
                alias = spec.child_by_field_name("alias")
                b.import_(node, module, name, text(alias) if alias else None)


LANGUAGE = ScriptLanguage(
    name="javascript",
    extensions=(".js", ".jsx", ".mjs", ".cjs"),
    grammar="javascript",
    query_source=JS_QUERY,
)
