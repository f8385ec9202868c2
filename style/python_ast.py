"""Small readings of Python syntax trees shared by the scanner and the fixes."""

from __future__ import annotations

import ast
import re


def branches(node: ast.If | ast.Try) -> list[ast.stmt]:
    body = node.body + node.orelse
    if isinstance(node, ast.Try):
        body += node.finalbody + [s for h in node.handlers for s in h.body]
    return body


def flatten(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements of a block, looking through `if TYPE_CHECKING:` / `try:` wrappers."""
    result: list[ast.stmt] = []
    for statement in body:
        if isinstance(statement, ast.If | ast.Try):
            result.extend(flatten(branches(statement)))
        else:
            result.append(statement)
    return result


def annotation_nodes(tree: ast.Module) -> set[int]:
    """ids of every node inside a parameter, return or variable annotation."""
    roots: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.annotation is not None:
            roots.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            roots.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
    return {id(n) for root in roots for n in ast.walk(root)}


def annotation_value(node: ast.FunctionDef | ast.AsyncFunctionDef, *, method: bool) -> str:
    """ "full", "partial" or "none": how much of a signature carries type annotations."""
    arguments = node.args
    params = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
    if method and params and params[0].arg in {"self", "cls", "mcs", "metacls"}:
        params = params[1:]
    params += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    marks = [p.annotation is not None for p in params]
    if node.name != "__init__" or node.returns is not None:
        marks.append(node.returns is not None)
    if not marks:
        return "full"
    if all(marks):
        return "full"
    return "partial" if any(marks) else "none"


_GOOGLE = re.compile(r"^\s*(Args|Arguments|Returns|Yields|Raises|Parameters|Attributes):\s*$", re.M)
_NUMPY = re.compile(r"^\s*(Parameters|Returns|Yields|Raises|Attributes)\s*\n\s*-{3,}\s*$", re.M)
_REST = re.compile(r"^\s*:(param|parameter|arg|type|returns?|rtype|raises?)\b", re.M)


def docstring_style(doc: str, has_parameters: bool) -> str | None:
    """ "google", "numpy", "rest" or "plain" (a multi-line docstring of a function with
    parameters that documents none of them); None when the docstring says nothing."""
    if _NUMPY.search(doc):
        return "numpy"
    if _REST.search(doc):
        return "rest"
    if _GOOGLE.search(doc):
        return "google"
    if has_parameters and doc.count("\n") >= 2:
        return "plain"
    return None


_MARKERS = {
    "google": _GOOGLE,
    "rest": _REST,
    "numpy": re.compile(r"\A\s*(Parameters|Returns|Yields|Raises|Attributes)\s*\n\s*-{3,}\s*$"),
}


def style_marker(style: str, lines: list[str]) -> bool:
    """Whether `lines[0]` (with the line after it, for numpy underlines) opens a section
    of `style`; "plain" has no sections."""
    pattern = _MARKERS.get(style)
    if pattern is None or not lines:
        return False
    return bool(pattern.search("\n".join(lines[:2]) if style == "numpy" else lines[0]))


def has_parameters(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    names = [a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs]
    return any(n not in {"self", "cls"} for n in names)


def is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def is_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return bool(node.elts) and all(is_literal(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp):
        return is_literal(node.operand)
    return False


def is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def looks_like_class(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return bool(last) and last[0].isupper() and not last.isupper()


def dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return dotted(node.func)
    if isinstance(node, ast.Subscript):
        return dotted(node.value)
    return ""
