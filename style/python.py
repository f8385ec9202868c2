"""Evidence from one Python file, read with `tokenize` (formatting) and `ast` (structure).

Every observation is an `Item`: a convention, the value this occurrence shows, and its
line. Only occurrences where the author had a free choice are recorded: a string that
contains a quote character, a role name such as `setUp`, or an override of a base
class's method says nothing about the author's taste.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings

from style.items import Item, Scan, split_lines
from style.naming import classify, is_role_name
from style.paths import is_cli_module, is_test_path, own_package
from style.python_ast import (
    annotation_value,
    branches,
    docstring_style,
    dotted,
    flatten,
    has_parameters,
    is_docstring,
    is_literal,
    is_none,
    looks_like_class,
    style_marker,
)
from style.python_tokens import EXEMPT_LONG, token_items

_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical"})
_LOGGER_NAMES = frozenset({"log", "logger", "logging", "_log", "_logger", "LOG", "LOGGER"})


def scan(path: str, source: str) -> Scan:
    """Every observation of one Python file; a file that does not parse yields none."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes in hostile input: not our news
            tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return Scan((), (), None)
    lines = split_lines(source)
    observer = _AstObserver(path, lines)
    items = observer.observe(tree)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        tokens = []
    items.extend(token_items(tokens, observer.docstrings))
    lengths = [
        (number, len(text))
        for number, text in enumerate(lines, start=1)
        if text.strip() and not (("#" in text or "://" in text) and EXEMPT_LONG.search(text))
    ]
    comments = {
        t.start[0]
        for t in tokens
        if t.type == tokenize.COMMENT
        and not t.string.startswith("#!")
        and not EXEMPT_LONG.search(t.string)
    }
    return Scan(tuple(items), tuple(lengths), tree, len(comments))


# ctypes classes take the C struct's name: not the author's choice
_C_MIRRORS = frozenset({"Structure", "Union", "BigEndianStructure", "LittleEndianStructure"})
# ctypes functions that build an exception from the OS error state: no message to give
_EXCEPTION_FACTORIES = frozenset({"WinError", "FormatError"})
# a Protocol or an ABC spells out someone's interface, names and all
_INTERFACES = frozenset({"Protocol", "ABC", "ABCMeta"})
_SCOPES = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_EXPRESSIONS: frozenset[type[ast.AST]] = frozenset(
    {ast.JoinedStr, ast.BinOp, ast.Call, ast.ExceptHandler, ast.Raise, ast.ImportFrom, ast.Import}
)


class _AstObserver:
    """Structural conventions: naming, docstrings, annotations, imports, idioms."""

    def __init__(self, path: str, lines: list[str]) -> None:
        self.path = path
        self.lines = lines
        self.is_test = is_test_path(path)
        self.is_cli = is_cli_module(path)
        self.package = own_package(path)
        self.items: list[Item] = []
        self.docstrings: set[int] = set()
        self.binds_c = False  # a ctypes binding keeps the C API's names
        self.platform_blocks: list[tuple[int, int]] = []

    def _noqa(self, line: int) -> bool:
        return 0 < line <= len(self.lines) and "noqa" in self.lines[line - 1]

    def add(self, convention: str, value: str, line: int, name: str = "", end: int = 0) -> None:
        self.items.append(Item(convention, value, line, name, end))

    def observe(self, tree: ast.Module) -> list[Item]:
        if not tree.body:
            return self.items
        self.binds_c = any(
            (isinstance(n, ast.Import) and any(a.name.split(".")[0] == "ctypes" for a in n.names))
            or (isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "ctypes")
            for n in tree.body
        )
        if any(marker in line for line in self.lines for marker in _PLATFORM_MARKERS):
            self.platform_blocks = _platform_blocks(tree)
        self._module(tree)
        self._import_grouping(tree)
        for node in tree.body:
            self._top_level(node)
        annotations: list[ast.expr] = []
        optional: list[ast.expr] = []
        # One walk for everything structural: large modules are read in one pass.
        for child in ast.walk(tree):
            if isinstance(child, _SCOPES):
                body = child.body
                if (
                    body
                    and isinstance(body[0], ast.Expr)
                    and isinstance(body[0].value, ast.Constant)
                ):
                    self.docstrings.add(body[0].lineno)
                if not isinstance(child, ast.ClassDef | ast.Module) and child.returns is not None:
                    annotations.append(child.returns)
            elif isinstance(child, ast.arg | ast.AnnAssign) and child.annotation is not None:
                annotations.append(child.annotation)
            elif isinstance(child, ast.Subscript | ast.BinOp):
                optional.append(child)
            if type(child) in _EXPRESSIONS:
                self._expression(child)
        if optional and annotations:
            inside = {id(n) for root in annotations for n in ast.walk(root)}
            for candidate in optional:
                if id(candidate) in inside:
                    self._optional(candidate)
        return self.items

    def _optional(self, node: ast.expr) -> None:
        # Only annotations count: a runtime alias must say Optional before Python 3.10.
        if isinstance(node, ast.Subscript):
            if dotted(node.value) in {"Optional", "typing.Optional", "t.Optional"}:
                self.add("optional_syntax", "Optional", node.lineno)
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.BitOr)
            and (is_none(node.left) or is_none(node.right))
        ):
            self.add("optional_syntax", "pipe", node.lineno)

    def _module(self, tree: ast.Module) -> None:
        stem = self.path.rsplit("/", 1)[-1].removesuffix(".py")
        importable = stem.isidentifier() and not self.is_cli
        if importable and not stem.startswith("__") and stem not in {"conftest", "setup"}:
            value = classify(stem)
            if value is not None:
                self.add("naming.module", value, 1, stem)
        meaningful = [n for n in tree.body if not is_docstring(n)]
        has_definitions = any(
            isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) for n in tree.body
        )
        if has_definitions and not self.is_test and stem not in {"conftest", "__init__"}:
            present = ast.get_docstring(tree) is not None
            self.add("docstring.module", "present" if present else "missing", 1)
        # definitions or module-level values: a two-line `__main__.py` that imports and
        # calls has nothing the future import would change
        substantial = has_definitions or any(
            isinstance(n, ast.Assign | ast.AnnAssign) for n in meaningful
        )
        if substantial:
            future = [
                n.lineno
                for n in tree.body
                if isinstance(n, ast.ImportFrom)
                and n.module == "__future__"
                and any(a.name == "annotations" for a in n.names)
            ]
            self.add("future_annotations", "present" if future else "missing", (future or [1])[0])
        if self.is_test:
            self._test_file(tree)

    def _test_file(self, tree: ast.Module) -> None:
        tests = [
            n
            for n in tree.body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("test")
        ]
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
        for node in tests:
            self.add("tests.framework", "pytest", node.lineno)
        for cls in classes:
            bases = {dotted(b).rsplit(".", 1)[-1] for b in cls.bases}
            if any(b.endswith("TestCase") for b in bases):
                self.add("tests.framework", "unittest", cls.lineno)
            elif cls.name.startswith("Test") and not cls.bases:
                self.add("tests.framework", "pytest", cls.lineno)
        if tests or classes:
            stem = self.path.rsplit("/", 1)[-1]
            if stem.startswith("test_") or stem.endswith("_test.py"):
                naming = "test_prefix" if stem.startswith("test_") else "test_suffix"
                self.add("tests.file_naming", naming, 1)
            parts = self.path.split("/")[:-1]
            # a test module in a benchmark suite's own directory is not next to the code
            layout = "tests_dir" if any(p in _TEST_TREES for p in parts) else "colocated"
            self.add("tests.layout", layout, 1)

    def _top_level(self, node: ast.stmt) -> None:
        if isinstance(node, ast.ClassDef):
            self._class(node)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self._function(node, method=False)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            self._constant(node)
        elif isinstance(node, ast.If | ast.Try):
            for child in branches(node):
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    self._top_level(child)

    def _class(self, node: ast.ClassDef) -> None:
        bases = {dotted(b).rsplit(".", 1)[-1] for b in node.bases}
        bases.update(dotted(k.value).rsplit(".", 1)[-1] for k in node.keywords)
        bases |= {
            dotted(b.value).rsplit(".", 1)[-1] for b in node.bases if isinstance(b, ast.Subscript)
        }
        if not self._noqa(node.lineno) and not bases & _C_MIRRORS and _class_name_counts(node):
            value = classify(node.name.lstrip("_"))
            if value is not None and not (self.is_test and value == "mixed"):
                self.add("naming.class", value, node.lineno, node.name)
        if not node.name.startswith("_") and not self.is_test:
            present = ast.get_docstring(node) is not None
            self.add("docstring.class", "present" if present else "missing", node.lineno)
        interface = bool(bases & _INTERFACES)
        for child in flatten(node.body):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                self._function(child, method=True, interface=interface)
            elif isinstance(child, ast.ClassDef):
                self._class(child)

    def _function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, *, method: bool, interface: bool = False
    ) -> None:
        name = node.name
        dunder = name.startswith("__") and name.endswith("__")
        test = self.is_test and name.startswith("test")
        decorators = {dotted(d).rsplit(".", 1)[-1] for d in node.decorator_list}
        if not dunder and not self._noqa(node.lineno) and not interface:
            if test:
                value = _test_name_shape(name)
                if value is not None:
                    self.add("naming.test_function", value, node.lineno, name)
            elif not is_role_name(name) and "override" not in decorators:
                value = classify(name.lstrip("_"))
                kind = "naming.method" if method else "naming.function"
                # a PascalCase function stands in for a class (a factory, a duck-typed
                # `Lock()`): it follows the class rule on purpose
                if value is not None and value != "PascalCase":
                    self.add(kind, value, node.lineno, name)
        self._nested(node)
        public = not name.startswith("_") and not self.is_test and "overload" not in decorators
        doc = ast.get_docstring(node)
        if public and not test:
            kind = "docstring.method" if method else "docstring.function"
            self.add(kind, "present" if doc is not None else "missing", node.lineno)
        self._docstring_style(node, doc)
        if not test and "overload" not in decorators:
            self._annotations(node, method=method)

    def _docstring_style(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, doc: str | None
    ) -> None:
        if doc is None:
            return
        style = docstring_style(doc, has_parameters(node))
        if style is not None:
            first = node.body[0]
            start, end = first.lineno, first.end_lineno or first.lineno
            # the style lives in the section lines: an edit to the summary of an
            # inherited reST docstring does not choose its style
            marked = [
                n for n in range(start, end + 1) if style_marker(style, self.lines[n - 1 : n + 1])
            ]
            if marked:
                start, end = marked[0], marked[-1]
            self.add("docstring.style", style, start, end=end)

    def _annotations(self, node: ast.FunctionDef | ast.AsyncFunctionDef, *, method: bool) -> None:
        end = node.body[0].lineno - 1 if node.body else node.lineno
        signature = self.lines[node.lineno - 1 : max(end, node.lineno)]
        if any(_TYPE_IGNORE.search(text) for text in signature):
            return  # the author told the type checker to look away: no evidence either way
        if any(start <= node.lineno <= stop for start, stop in self.platform_blocks):
            return  # type checkers skip other platforms' branches: annotations go unchecked
        value = annotation_value(node, method=method)
        self.add("annotations", value, node.lineno, node.name, end=max(end, node.lineno))

    def _nested(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Functions defined inside a function (closures, callbacks): names, signatures."""
        stack: list[ast.AST] = list(node.body)
        while stack:
            child = stack.pop()
            if isinstance(child, ast.ClassDef | ast.Lambda):
                continue
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = child.name
                if not is_role_name(name) and not self._noqa(child.lineno):
                    value = classify(name.lstrip("_"))
                    if value is not None and value != "PascalCase":
                        self.add("naming.function", value, child.lineno, name)
                self._docstring_style(child, ast.get_docstring(child))
                if not (self.is_test and name.startswith("test")):
                    self._annotations(child, method=False)
            stack.extend(ast.iter_child_nodes(child))

    def _constant(self, node: ast.Assign | ast.AnnAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if node.value is None or not is_literal(node.value):
            return
        for target in targets:
            if isinstance(target, ast.Name) and not target.id.startswith("__"):
                value = classify(target.id.lstrip("_"))
                if value is not None and value != "PascalCase":
                    self.add("naming.constant", value, node.lineno, target.id)

    def _expression(self, node: ast.AST) -> None:
        if isinstance(node, ast.JoinedStr):
            if any(isinstance(v, ast.FormattedValue) for v in node.values):
                self.add("string_format", "fstring", node.lineno)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            left = node.left
            if isinstance(left, ast.Constant) and isinstance(left.value, str) and "%" in left.value:
                self.add("string_format", "percent", node.lineno)
        elif isinstance(node, ast.Call):
            self._call(node)
        elif isinstance(node, ast.ExceptHandler):
            # `except: ...; raise` cleans up and re-raises: nothing is swallowed
            reraises = bool(node.body) and _is_reraise(node.body[-1])
            if not (node.type is None and reraises):
                self.add("exceptions.bare", "bare" if node.type is None else "typed", node.lineno)
        elif isinstance(node, ast.Raise) and node.exc is not None:
            self._raise(node)
        elif isinstance(node, ast.ImportFrom):
            self._import_from(node)
        elif isinstance(node, ast.Import) and self._imports_own_module(node):
            self.add("imports.form", "import", node.lineno)

    def _imports_own_module(self, node: ast.Import) -> bool:
        # `import pkg.mod as alias` is chosen to dodge a name clash or a cycle: no evidence
        package = self.package
        return bool(package) and any(
            a.name.split(".")[0] == package and "." in a.name and a.asname is None
            for a in node.names
        )

    def _call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "format"
            and isinstance(func.value, ast.Constant)
            and isinstance(func.value.value, str)
            and "{" in func.value.value
            and _fstring_expressible(func.value.value, node)
        ):
            self.add("string_format", "format", node.lineno)
        if self.is_test or self.is_cli:
            return
        if isinstance(func, ast.Name) and func.id == "print":
            self.add("output", "print", node.lineno)
        elif isinstance(func, ast.Attribute) and func.attr in _LOG_METHODS:
            owner = dotted(func.value).rsplit(".", 1)[-1]
            if owner in _LOGGER_NAMES or owner.endswith("logger") or owner.endswith("log"):
                self.add("output", "logging", node.lineno)

    def _raise(self, node: ast.Raise) -> None:
        if self.is_test:
            return  # tests raise bare exceptions to exercise the handlers under test
        exc = node.exc
        factory = isinstance(exc, ast.Call) and (
            dotted(exc.func).rsplit(".", 1)[-1] in _EXCEPTION_FACTORIES
        )
        if isinstance(exc, ast.Call) and looks_like_class(dotted(exc.func)) and not factory:
            value = "message" if exc.args or exc.keywords else "no_message"
            self.add("exceptions.message", value, node.lineno)
        elif isinstance(exc, ast.Name | ast.Attribute) and looks_like_class(dotted(exc)):
            name = dotted(exc).rsplit(".", 1)[-1]
            if name not in {"NotImplementedError", "StopIteration"}:
                self.add("exceptions.message", "no_message", node.lineno)

    def _import_from(self, node: ast.ImportFrom) -> None:
        if node.module == "__future__":
            return
        if node.level > 0:
            self.add("imports.relative", "relative", node.lineno)
        elif self.package and (node.module or "").split(".")[0] == self.package:
            self.add("imports.relative", "absolute", node.lineno)
            self.add("imports.form", "from", node.lineno)

    def _import_grouping(self, tree: ast.Module) -> None:
        seen: dict[tuple[str, int], int] = {}
        # isort keeps `from m import a as b` on its own line by default, and the names
        # after it then start a new statement: a module imported with an alias says
        # nothing about grouping
        aliased = {
            (n.module or "", n.level)
            for n in tree.body
            if isinstance(n, ast.ImportFrom) and any(a.asname for a in n.names)
        }
        for node in tree.body:
            if not isinstance(node, ast.ImportFrom) or node.module == "__future__":
                continue
            key = (node.module or "", node.level)
            if key in aliased:
                continue
            if len(node.names) > 1:
                self.add("imports.names", "grouped", node.lineno)
            elif key in seen:
                self.add("imports.names", "one_per_line", node.lineno)
            seen[key] = node.lineno


_TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore")
# `{:{width}}`: a format spec built from a field, which an f-string spells only clumsily
_NESTED_SPEC = re.compile(r"\{[^{}]*:[^{}]*\{")


def _fstring_expressible(template: str, call: ast.Call) -> bool:
    """Whether `template.format(...)` reads as simply as an f-string would: not with
    `*args`/`**kwargs`, nested format specs, a field used more than once, or an
    argument holding an escaped or quoted string."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return False
    if _NESTED_SPEC.search(template):
        return False
    # before Python 3.12 an f-string's expressions cannot hold a backslash or its quote
    for argument in [*call.args, *(k.value for k in call.keywords)]:
        for node in ast.walk(argument):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and any(c in node.value for c in "\\\n\r\t'\"")
            ):
                return False
    fields = re.findall(r"\{([A-Za-z_]\w*|\d+)[^{}]*\}", template)
    return len(fields) == len(set(fields))


def _test_name_shape(name: str) -> str | None:
    """A test's name quotes the code it tests (`test_returns_Attr`, `test_exampleGraph`):
    `testFooBar` against `test_foo_bar` is the only evidence."""
    rest = name.removeprefix("test")
    if rest.startswith("_"):
        return "snake_case" if classify(rest.lstrip("_") or "x") == "snake_case" else None
    value = classify(rest[:1].lower() + rest[1:]) if rest else None
    return value if value == "camelCase" else None


_TEST_TREES = frozenset({"tests", "test", "testing", "bench", "benchmark", "benchmarks"})
_PLATFORM_MARKERS = ("sys.platform", "os.name", "platform.system")


def _platform_blocks(tree: ast.Module) -> list[tuple[int, int]]:
    """Line spans of `if sys.platform == ...:` / `if os.name == ...:` blocks."""
    spans: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and any(
            isinstance(n, ast.Attribute | ast.Call)
            and dotted(n.func if isinstance(n, ast.Call) else n) in _PLATFORM_MARKERS
            for n in ast.walk(node.test)
        ):
            spans.append((node.lineno, node.end_lineno or node.lineno))
    return spans


def _class_name_counts(node: ast.ClassDef) -> bool:
    """Private classes without methods are sentinels or namespaces (`_MISSING`,
    `_python_symbols`) whose names mimic values, not types."""
    if not node.name.startswith("_"):
        return True
    return any(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) for n in node.body) and (
        classify(node.name.lstrip("_")) != "UPPER_CASE"
    )


def _is_reraise(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Raise) and statement.exc is None
