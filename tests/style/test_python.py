from __future__ import annotations

from collections import Counter

from style.items import Item
from style.python import scan
from style.python_ast import annotation_value, docstring_style


def items(path: str, source: str, convention: str) -> list[tuple[str, int]]:
    return [(i.value, i.line) for i in scan(path, source).items if i.convention == convention]


def values(path: str, source: str, convention: str) -> Counter[str]:
    return Counter(v for v, _ in items(path, source, convention))


def test_quotes_count_only_free_choices() -> None:
    source = '''"""Docstring with 'quotes'."""
A = "double"
B = 'single'
C = "it's"
D = 'say "hi"'
E = b"bytes"
F = r'raw'
G = """triple"""
'''
    assert items("m.py", source, "quotes") == [
        ("double", 2),
        ("single", 3),
        ("double", 6),
        ("single", 7),
    ]


def test_indentation_step() -> None:
    source = "def f():\n  if True:\n    return 1\n"
    assert values("m.py", source, "indent") == Counter({"spaces-2": 2})
    tabs = "def f():\n\treturn 1\n"
    assert values("m.py", tabs, "indent") == Counter({"tabs": 1})


def test_trailing_commas_only_in_exploded_brackets() -> None:
    source = """x = call(
    1,
    2,
)
y = call(
    1,
    2
)
z = call(
    1, 2
)
w = items[
    0
]
t = (
    1
)
v = call(
    x for x in y
)
"""
    assert items("m.py", source, "trailing_commas") == [("trailing", 3), ("none", 7)]


def test_lines_the_formatter_leaves_alone_are_no_formatting_evidence() -> None:
    source = """# fmt: off
expected = np.array([
    [0, 1],
    [1, 0]
])
# fmt: on
x = call(
    'a',
    2
)
y = 'b'  # fmt: skip
"""
    assert items("m.py", source, "trailing_commas") == [("none", 9)]
    assert items("m.py", source, "quotes") == [("single", 8)]


def test_no_trailing_comma_after_an_unpacked_last_element_is_no_evidence() -> None:
    source = """a = Control(
    first,
    *(
        (UP, 1),
        (ERASE, 2),
    )
    * height
)
b = call(
    *args,
    last
)
c = call(
    first,
    **options,
)
"""
    assert items("m.py", source, "trailing_commas") == [
        ("trailing", 5),
        ("none", 11),
        ("trailing", 15),
    ]


def test_naming_per_kind_skips_roles_and_dunders() -> None:
    source = """MAX_SIZE = 3
default_name = "x"
T = TypeVar("T")


class Widget:
    def render_item(self): ...
    def setUp(self): ...
    def visit_Name(self, node): ...
    def __init__(self): ...
    def fetchIt(self): ...  # noqa: N802


def build_widget(): ...
def buildWidget(): ...
"""
    found = [(i.convention, i.value, i.name) for i in scan("pkg/m.py", source).items]
    naming = [f for f in found if f[0].startswith("naming.")]
    assert naming == [
        ("naming.constant", "UPPER_CASE", "MAX_SIZE"),
        ("naming.constant", "snake_case", "default_name"),
        ("naming.class", "PascalCase", "Widget"),
        ("naming.method", "snake_case", "render_item"),
        ("naming.function", "snake_case", "build_widget"),
        ("naming.function", "camelCase", "buildWidget"),
    ]


def test_test_functions_have_their_own_naming_and_framework() -> None:
    source = """import unittest


def test_adds_numbers():
    assert 1


class TestThing(unittest.TestCase):
    def test_it(self):
        self.assertTrue(1)


class TestPlain:
    def test_other(self):
        assert 1
"""
    scanned = scan("tests/test_thing.py", source).items
    assert [(i.value, i.line) for i in scanned if i.convention == "tests.framework"] == [
        ("pytest", 4),
        ("unittest", 8),
        ("pytest", 13),
    ]
    assert {i.value for i in scanned if i.convention == "naming.test_function"} == {"snake_case"}
    assert [i.value for i in scanned if i.convention == "tests.file_naming"] == ["test_prefix"]
    assert [i.value for i in scanned if i.convention == "tests.layout"] == ["tests_dir"]
    assert not [i for i in scanned if i.convention.startswith("docstring.")]


def test_docstring_presence_for_public_definitions_only() -> None:
    source = '''"""Module."""


class Public:
    """Doc."""

    def method(self):
        return 1

    def _private(self):
        return 2


def function():
    """Doc."""


def _hidden():
    pass
'''
    scanned = scan("pkg/m.py", source).items
    found = sorted(
        (i.convention, i.value) for i in scanned if i.convention.startswith("docstring.")
    )
    assert found == [
        ("docstring.class", "present"),
        ("docstring.function", "present"),
        ("docstring.method", "missing"),
        ("docstring.module", "present"),
    ]


def test_docstring_styles() -> None:
    google = "Do it.\n\nArgs:\n    x: the thing.\n\nReturns:\n    Nothing.\n"
    numpy = "Do it.\n\nParameters\n----------\nx : int\n    The thing.\n"
    rest = "Do it.\n\n:param x: the thing.\n:returns: nothing.\n"
    plain = "Do it.\n\nThe thing x is used\nfor everything.\n"
    assert docstring_style(google, True) == "google"
    assert docstring_style(numpy, True) == "numpy"
    assert docstring_style(rest, True) == "rest"
    assert docstring_style(plain, True) == "plain"
    assert docstring_style("One line.", True) is None
    assert docstring_style(plain, False) is None


def test_annotation_coverage() -> None:
    import ast

    def value(source: str, method: bool = False) -> str:
        node = ast.parse(source).body[0]
        assert isinstance(node, ast.FunctionDef)
        return annotation_value(node, method=method)

    assert value("def f(a: int) -> int: ...") == "full"
    assert value("def f(a: int): ...") == "partial"
    assert value("def f(a): ...") == "none"
    assert value("def f(self, a: int) -> None: ...", method=True) == "full"
    assert value("def __init__(self, a: int): ...", method=True) == "full"


def test_annotations_item_spans_the_signature() -> None:
    source = "def f(\n    a,\n    b,\n):\n    return a\n"
    (item,) = [i for i in scan("pkg/m.py", source).items if i.convention == "annotations"]
    assert item == Item("annotations", "none", 1, "f", 4)


def test_future_import_optional_syntax_and_string_formatting() -> None:
    source = """from __future__ import annotations

from typing import Optional


def f(a: Optional[int], b: int | None, c: str) -> str:
    print("%s" % a, "{}".format(b), f"{c}", "100%")
    return c
"""
    assert items("pkg/m.py", source, "future_annotations") == [("present", 1)]
    assert values("pkg/m.py", source, "optional_syntax") == Counter({"Optional": 1, "pipe": 1})
    assert values("pkg/m.py", source, "string_format") == Counter(
        {"percent": 1, "format": 1, "fstring": 1}
    )


def test_print_versus_logging_only_in_library_code() -> None:
    source = (
        "import logging\nlog = logging.getLogger()\n\ndef f():\n    print(1)\n    log.info('x')\n"
    )
    assert values("pkg/core.py", source, "output") == Counter({"print": 1, "logging": 1})
    assert values("pkg/cli.py", source, "output") == Counter()
    assert values("tests/test_core.py", source, "output") == Counter()
    assert values("scripts/tool.py", source, "output") == Counter()


def test_exception_style() -> None:
    source = """def f():
    try:
        pass
    except:
        raise ValueError
    try:
        pass
    except OSError as exc:
        raise RuntimeError("failed") from exc
    raise NotImplementedError
    try:
        pass
    except:
        cleanup()
        raise
"""
    assert items("pkg/m.py", source, "exceptions.bare") == [("bare", 4), ("typed", 8)]
    assert items("pkg/m.py", source, "exceptions.message") == [("no_message", 5), ("message", 9)]


def test_import_style() -> None:
    source = """from pkg.models import User, Group
from pkg import utils
from . import helpers
from .views import a
from .views import b
import pkg.extra
import pkg.cache as cache_module
"""
    assert values("pkg/m.py", source, "imports.relative") == Counter({"absolute": 2, "relative": 3})
    assert values("pkg/m.py", source, "imports.form") == Counter({"from": 2, "import": 1})
    assert items("pkg/m.py", source, "imports.names") == [("grouped", 1), ("one_per_line", 5)]


def test_unparsable_file_yields_nothing() -> None:
    assert scan("m.py", "def (:\n").items == ()


def test_nested_functions_are_named_too() -> None:
    source = "def outer():\n    def innerHelper():\n        pass\n    return innerHelper\n"
    assert items("pkg/m.py", source, "naming.function") == [("camelCase", 2)]


def test_names_that_are_not_the_authors_choice() -> None:
    source = (
        "import ctypes\n\n\nclass COORD_INFO(ctypes.Structure):\n    pass\n\n\n"
        "class Widget_Box:\n    pass\n"
    )
    assert items("pkg/m.py", source, "naming.class") == [("mixed", 8)]
    assert items("scripts/regen-fixtures.py", "A = 1\n", "naming.module") == []
    assert items("pkg/my_mod.py", "A = 1\n", "naming.module") == [("snake_case", 1)]
    assert items("tests/conftest.py", "def fixture_one():\n    pass\n", "docstring.module") == []


def test_invalid_escapes_in_hostile_input_stay_quiet() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning escaping the scanner fails the test
        scanned = scan("m.py", "x = '\\d'\n")
    assert [i.value for i in scanned.items if i.convention == "quotes"] == ["single"]


def test_methods_behind_type_checking_guards_and_nested_signatures() -> None:
    source = """import typing


class Box:
    if not typing.TYPE_CHECKING:

        def fetchIt(self, key):
            def helper(value: int) -> int:
                return value

            return key
"""
    scanned = scan("pkg/m.py", source).items
    assert [
        (i.convention, i.value, i.name) for i in scanned if i.convention.startswith("naming.")
    ] == [
        ("naming.class", "PascalCase", "Box"),
        ("naming.method", "camelCase", "fetchIt"),
    ]
    assert sorted((i.value, i.name) for i in scanned if i.convention == "annotations") == [
        ("full", "helper"),
        ("none", "fetchIt"),
    ]


def test_docstring_style_of_private_functions_spans_its_sections() -> None:
    source = 'def _f(a):\n    """Do.\n\n    Args:\n        a: thing.\n    """\n    return a\n'
    (item,) = [i for i in scan("pkg/m.py", source).items if i.convention == "docstring.style"]
    assert (item.value, item.line, item.end) == ("google", 4, 4)


def test_ctypes_bindings_keep_c_names() -> None:
    source = "import ctypes\n\n\ndef GetStdHandle(handle: int) -> int:\n    return handle\n"
    assert items("pkg/win.py", source, "naming.function") == []


def test_future_import_is_expected_only_where_it_could_matter() -> None:
    assert items("pkg/__main__.py", "from .cli import main\n\nmain()\n", "future_annotations") == []
    assert items("pkg/constants.py", "LIMIT = 3\n", "future_annotations") == [("missing", 1)]


def test_type_ignore_on_a_signature_is_no_annotation_evidence() -> None:
    source = (
        "def readinto(self, b: bytearray):  # type: ignore[no-untyped-def]\n    return 0\n"
        "def plain(a: int):\n    return a\n"
    )
    assert items("pkg/m.py", source, "annotations") == [("partial", 3)]


def test_platform_branches_are_no_annotation_evidence() -> None:
    source = """import sys
if sys.platform == 'win32':
    def _enable() -> None:
        from ctypes import WinError

        def bool_errcheck(result, func, args):
            if not result:
                raise WinError()
            return args
def untyped(a):
    return a
"""
    assert items("pkg/color.py", source, "annotations") == [("none", 10)]
    # WinError() builds the exception from the OS error state: not a messageless raise
    assert items("pkg/color.py", source, "exceptions.message") == []
    plain = "def f() -> None:\n    raise ValueError()\n"
    assert items("pkg/m.py", plain, "exceptions.message") == [("no_message", 2)]


def test_interfaces_and_class_stand_ins_are_no_naming_evidence() -> None:
    source = """from typing import Protocol
class Language(Protocol):
    def ENVIRONMENT_DIR(self) -> str: ...
    def installHook(self) -> None: ...
class FakeManager:
    def Lock(self) -> object:
        return object()
    def shutdownNow(self) -> None:
        pass
def RemoveFromParent() -> object:
    return object()
"""
    assert items("pkg/m.py", source, "naming.method") == [("camelCase", 8)]
    assert items("pkg/m.py", source, "naming.function") == []


def test_private_sentinel_and_namespace_classes_are_no_naming_evidence() -> None:
    source = """class _UNDEFINED_DEFAULT:
    pass
class _python_symbols(Symbols):
    and_expr: int
class _HAS_DEFAULT(object):
    def __repr__(self) -> str:
        return ''
class _helper_thing:
    def run(self) -> None:
        pass
class my_class:
    pass
"""
    assert items("pkg/m.py", source, "naming.class") == [("snake_case", 8), ("snake_case", 11)]


def test_test_names_quoting_the_code_under_test_are_weak_evidence() -> None:
    source = """class TestConvert_AssignForWith(Base):
    def test_exampleGraph(self):
        pass
    def testExampleGraph(self):
        pass
    def test_example_graph(self):
        pass
class TestPlain:
    pass
"""
    path = "tests/test_m.py"
    assert items(path, source, "naming.test_function") == [("camelCase", 4), ("snake_case", 6)]
    assert items(path, source, "naming.class") == [("PascalCase", 8)]


def test_format_calls_an_fstring_cannot_express_simply_are_not_counted() -> None:
    source = """a = "{:,.{precision}f}{}".format(x, s, precision=p)
b = "{name} {name}".format(name=n)
c = "{a} {b}".format(**values)
d = "{} {}".format(*pair)
e = "{}.{}".format(base, module)
f = "{:>30} {}".format(k + ":", str(v).replace("\\n", " "))
"""
    assert items("pkg/m.py", source, "string_format") == [("format", 5)]


def test_aliased_from_imports_say_nothing_about_grouping() -> None:
    source = """from pygments.token import Comment, Keyword
from pygments.token import Text as TextToken
from pygments.token import Token
from os.path import join
from os.path import split
"""
    assert items("pkg/m.py", source, "imports.names") == [("one_per_line", 5)]


def test_a_benchmark_suite_directory_is_a_tests_directory() -> None:
    source = "def test_speed():\n    pass\n"
    assert items("bench/test_benchmarks.py", source, "tests.layout") == [("tests_dir", 1)]
    assert items("pkg/test_core.py", source, "tests.layout") == [("colocated", 1)]


def test_tests_raising_bare_exceptions_are_no_message_evidence() -> None:
    source = "def helper():\n    raise SkipFile()\n"
    assert items("tests/test_codemod.py", source, "exceptions.message") == []


def test_docstring_style_spans_its_section_lines_only() -> None:
    source = """def f(paths, timeout):
    \"\"\"Given a root, :class:`Manager` handles the cache
    for providers like :class:`TypeInference`.

    :param paths: the paths.
    :param timeout: seconds.
    \"\"\"
def g(a):
    \"\"\"Do.

    Parameters
    ----------
    a : int
    \"\"\"
"""
    found = [i for i in scan("pkg/m.py", source).items if i.convention == "docstring.style"]
    assert [(i.value, i.line, i.end) for i in found] == [("rest", 5, 6), ("numpy", 11, 11)]
