from __future__ import annotations

import ast

from style.python_ast import annotation_nodes, flatten


def test_annotation_nodes_cover_parameters_returns_and_variables() -> None:
    tree = ast.parse(
        "def f(a: Optional[int]) -> X | None: ...\nv: Optional[str] = None\nw = Optional[int]\n"
    )
    inside = annotation_nodes(tree)
    subscripts = [n for n in ast.walk(tree) if isinstance(n, ast.Subscript)]
    assert sorted((n.lineno, id(n) in inside) for n in subscripts) == [
        (1, True),
        (2, True),
        (3, False),
    ]


def test_flatten_looks_through_guards() -> None:
    tree = ast.parse(
        "if X:\n    def a(): ...\nelse:\n    try:\n        def b(): ...\n"
        "    except E:\n        def c(): ...\n"
    )
    names = [n.name for n in flatten(tree.body) if isinstance(n, ast.FunctionDef)]
    assert names == ["a", "b", "c"]
