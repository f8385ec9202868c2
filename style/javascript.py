"""Evidence from one JavaScript/TypeScript file: formatting and naming, via tree-sitter."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from functools import cache

from tree_sitter import Language, Node, Parser

from style.items import Item, Scan
from style.naming import classify

_GRAMMARS: dict[str, tuple[str, str]] = {
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
}
_STATEMENTS = frozenset(
    {
        "expression_statement", "lexical_declaration", "variable_declaration",
        "return_statement", "import_statement", "throw_statement",
        "break_statement", "continue_statement",
    }
)  # fmt: skip
_LOOP_HEADS = frozenset({"for_statement", "for_in_statement"})
_MAX_BYTES = 2_000_000


@cache
def _language(key: str) -> Language:
    module, func = _GRAMMARS[key]
    loader: Callable[[], object] = getattr(importlib.import_module(module), func)
    return Language(loader())


def grammar_key(path: str) -> str:
    if path.endswith(".tsx"):
        return "tsx"
    if path.endswith((".ts", ".mts", ".cts")):
        return "typescript"
    return "javascript"


def scan(path: str, source: str) -> Scan:
    """Quotes, indentation, semicolons and naming of one JS/TS file."""
    data = source.encode("utf-8", errors="replace")
    if len(data) > _MAX_BYTES:
        return Scan((), (), None)
    tree = Parser(_language(grammar_key(path))).parse(data)
    items = list(_indent_items(source))
    items.extend(_node_items(tree.root_node))
    lengths = tuple(
        (number, len(text))
        for number, text in enumerate(source.splitlines(), start=1)
        if text.strip() and "http" not in text and "eslint-disable" not in text
    )
    return Scan(tuple(items), lengths, None)


def _indent_items(source: str) -> Iterator[Item]:
    previous = 0
    in_comment = False
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.lstrip(" \t")
        if not stripped:
            continue
        if stripped.startswith("/*"):
            in_comment = "*/" not in stripped
            continue
        if in_comment:
            in_comment = "*/" not in stripped
            continue
        if stripped.startswith("*"):
            continue
        indent = line[: len(line) - len(stripped)]
        if "\t" in indent:
            yield Item("js.indent", "tabs", number)
        elif len(indent) > previous and len(indent) - previous in {2, 4, 8}:
            yield Item("js.indent", f"spaces-{len(indent) - previous}", number)
        previous = len(indent.replace("\t", "    "))


def _text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


def _node_items(root: Node) -> Iterator[Item]:
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        kind = node.type
        line = node.start_point[0] + 1
        if kind == "string":
            text = _text(node)
            body = text[1:-1]
            if len(text) >= 2 and "'" not in body and '"' not in body:
                yield Item("js.quotes", "double" if text[0] == '"' else "single", line)
            continue
        parent = node.parent
        if kind in _STATEMENTS and parent is not None and parent.type not in _LOOP_HEADS:
            ends = _text(node).rstrip().endswith(";")
            yield Item("js.semicolons", "always" if ends else "never", node.end_point[0] + 1)
        if kind in {"function_declaration", "generator_function_declaration"}:
            yield from _name_item("js.naming.function", node, line)
        elif kind in {"class_declaration", "interface_declaration", "type_alias_declaration"}:
            yield from _name_item("js.naming.class", node, line)
        elif kind == "method_definition":
            yield from _name_item("js.naming.method", node, line)
        elif _top_level_const(node):
            for declarator in node.named_children:
                value = declarator.child_by_field_name("value")
                if value is not None and value.type in {"number", "string"}:
                    yield from _name_item("js.naming.constant", declarator, line)


def _top_level_const(node: Node) -> bool:
    if node.type != "lexical_declaration" or node.parent is None:
        return False
    return node.parent.type in {"program", "export_statement"} and _text(node).startswith("const")


def _name_item(convention: str, node: Node, line: int) -> Iterator[Item]:
    name = _text(node.child_by_field_name("name"))
    if name and name != "constructor":
        value = classify(name.lstrip("_$#"))
        if value is not None:
            yield Item(convention, value, line, name)
