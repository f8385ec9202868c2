"""The style benchmark's deviation injectors, as before/after text."""

from __future__ import annotations

import ast

from benchmarks.style_eval_inject import (
    inject_camel_case,
    inject_percent_format,
    inject_print_for_logger,
    inject_quotes,
    inject_remove_future_annotations,
    inject_strip_annotations,
    inject_unittest_class,
)
from benchmarks.style_eval_inject_docstring import docstring_style, inject_docstring_style

GOOGLE = '''def fetch(url, timeout=1):
    """Fetch a URL.

    Args:
        url: Where to go.
        timeout (int): Seconds.

    Returns:
        The body.
    """
    return url
'''


def test_quotes_flips_first_plain_literal_and_keeps_the_tree() -> None:
    before = '"""Doc."""\nx = f"{y}"\nz = "plain"\nw = "it\'s"\n'
    after, lines = inject_quotes(before, "single") or ("", ())
    assert after == '"""Doc."""\nx = f"{y}"\nz = \'plain\'\nw = "it\'s"\n'
    assert lines == (3,)
    assert ast.dump(ast.parse(after)) == ast.dump(ast.parse(before))


def test_quotes_to_double_and_none_when_nothing_to_flip() -> None:
    assert inject_quotes("a = 'x'\n", "double") == ('a = "x"\n', (1,))
    assert inject_quotes('a = "x"\nb = "\\n"\n', "double") is None
    assert inject_quotes("def broken(:\n", "double") is None


def test_docstring_google_to_numpy() -> None:
    after, lines = inject_docstring_style(GOOGLE, "numpy") or ("", ())
    assert after == (
        'def fetch(url, timeout=1):\n    """Fetch a URL.\n\n'
        "    Parameters\n    ----------\n    url\n        Where to go.\n"
        '    timeout\n        Seconds.\n    """\n    return url\n'
    )
    assert lines == (4, 5, 6, 7, 8, 9)
    assert docstring_style(ast.get_docstring(ast.parse(after).body[0]) or "") == "numpy"


def test_docstring_google_to_rest_and_plain_to_google() -> None:
    after, _ = inject_docstring_style(GOOGLE, "rest") or ("", ())
    assert after == (
        'def fetch(url, timeout=1):\n    """Fetch a URL.\n\n'
        '    :param url: Where to go.\n    :param timeout: Seconds.\n    """\n    return url\n'
    )
    plain = 'class A:\n    def m(self, n):\n        "Count."\n        return n\n'
    after, lines = inject_docstring_style(plain, "google") or ("", ())
    assert after == (
        'class A:\n    def m(self, n):\n        """Count.\n\n'
        '        Args:\n            n: The n.\n        """\n        return n\n'
    )
    assert lines == (3, 4, 5, 6, 7)


def test_docstring_skips_functions_already_in_style_or_without_parameters() -> None:
    assert inject_docstring_style(GOOGLE, "google") is None
    assert inject_docstring_style('def f():\n    """Doc."""\n', "numpy") is None
    assert inject_docstring_style(GOOGLE, "plain") is None


def test_docstring_style_detection() -> None:
    assert docstring_style("Do.\n\n:param x: y\n") == "rest"
    assert docstring_style("Do.\n\nParameters\n----------\nx\n") == "numpy"
    assert docstring_style("Do.\n\nArgs:\n    x: y\n") == "google"
    assert docstring_style("Do it.") == "plain"


def test_strip_annotations_removes_parameter_and_return_annotations() -> None:
    before = (
        "def plain(a):\n    return a\n\n\n"
        "async def typed(\n    a: int,\n    *rest: str,\n    flag: bool = False,\n)"
        " -> dict[str, int]:\n    return {}\n"
    )
    after, lines = inject_strip_annotations(before) or ("", ())
    assert after == (
        "def plain(a):\n    return a\n\n\n"
        "async def typed(\n    a,\n    *rest,\n    flag=False,\n):\n    return {}\n"
    )
    assert lines == (6, 7, 8, 9)
    assert inject_strip_annotations("def f(a):\n    return a\n") is None
    assert inject_strip_annotations("def test_f() -> None:\n    pass\n") is None


def test_print_for_logger_replaces_the_call_target() -> None:
    before = "import logging\nlog = logging.getLogger()\nlog.warning('x %s', 1)\n"
    after, lines = inject_print_for_logger(before) or ("", ())
    assert after == "import logging\nlog = logging.getLogger()\nprint('x %s', 1)\n"
    assert lines == (3,)
    method = "class C:\n    def f(self):\n        self._logger.debug('d')\n"
    assert inject_print_for_logger(method) == (
        "class C:\n    def f(self):\n        print('d')\n",
        (3,),
    )
    assert inject_print_for_logger("blog.info('not a logger')\n") is None


def test_unittest_class_adds_import_after_imports_and_class_at_end() -> None:
    before = '"""Tests."""\nimport pytest\n\n\ndef test_a():\n  assert True\n'
    after, lines = inject_unittest_class(before) or ("", ())
    assert after == (
        '"""Tests."""\nimport pytest\nimport unittest\n\n\ndef test_a():\n  assert True\n'
        "\n\nclass TestInjectedCase(unittest.TestCase):\n"
        "  def test_injected(self):\n    self.assertTrue(True)\n"
    )
    assert lines == (3, 8, 9, 10, 11, 12)


def test_unittest_class_reuses_existing_import() -> None:
    before = "import unittest\n"
    after, lines = inject_unittest_class(before) or ("", ())
    assert after == (
        "import unittest\n\n\nclass TestInjectedCase(unittest.TestCase):\n"
        "    def test_injected(self):\n        self.assertTrue(True)\n"
    )
    assert lines == (2, 3, 4, 5, 6)


def test_percent_format_rewrites_simple_fstring() -> None:
    before = 'msg = f"{n!r} of {total} done, 100%"\nother = f"{x:>4}"\n'
    assert inject_percent_format(before) == (
        'msg = "%r of %s done, 100%%" % (n, total)\nother = f"{x:>4}"\n',
        (1,),
    )


def test_percent_format_parenthesises_where_precedence_needs_it() -> None:
    before = "s = f'{a}'.upper()\n"
    assert inject_percent_format(before) == ("s = ('%s' % (a,)).upper()\n", (1,))
    assert inject_percent_format("s = f'{x:>4}' + f'''{y}'''\n") is None


def test_camel_case_renames_only_the_definition() -> None:
    before = "def test_x():\n    pass\n\n\ndef load_all_items():\n    return load_all_items\n"
    after, lines = inject_camel_case(before) or ("", ())
    assert after == (
        "def test_x():\n    pass\n\n\ndef loadAllItems():\n    return load_all_items\n"
    )
    assert lines == (5,)
    assert inject_camel_case("def _private_one():\n    pass\n") is None
    assert inject_camel_case("def error_500():\n    pass\n") is None
    assert inject_camel_case("def set_up(self):\n    pass\n") is None
    assert inject_camel_case("def assert_same(a):\n    pass\n") is None


def test_remove_future_annotations() -> None:
    before = '"""Doc."""\n\nfrom __future__ import annotations\n\nimport os\n'
    assert inject_remove_future_annotations(before) == ('"""Doc."""\n\n\nimport os\n', (3,))
    assert (
        inject_remove_future_annotations("from __future__ import annotations, division\n") is None
    )
