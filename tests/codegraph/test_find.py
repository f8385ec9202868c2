from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from codegraph.find import find
from codegraph.index import build_index
from codegraph.stacktrace import scan
from codegraph.tokens import identifier_tokens, is_test_path, split_identifier, tokenize
from tests.conftest import MakeRepo

# A small shop used by the query tests: cart → pricing calls, a renderer, a test file.
SHOP = {
    "shop/__init__.py": "",
    "shop/cart.py": '''"""Shopping cart."""
from shop.pricing import apply_discount


class Cart:
    """A cart of items."""

    def __init__(self):
        self.items = []

    def add_item(self, name, price):
        """Add an item to the cart."""
        self.items.append((name, price))

    def total(self):
        """Sum of item prices after discounts."""
        return apply_discount(sum(p for _, p in self.items))
''',
    "shop/pricing.py": '''"""Prices and discounts."""
RATE = 0.1


def apply_discount(amount):
    """Apply the seasonal discount rate to an amount."""
    return round_price(amount * (1 - RATE))


def round_price(amount):
    """Round a price to cents."""
    return round(amount, 2)
''',
    "shop/render.py": '''"""Receipts as text."""
from shop.cart import Cart


def render_receipt(cart):
    """Format the receipt header and lines."""
    lines = [f"{n}: {p}" for n, p in cart.items]
    return "\\n".join(lines) + f"\\nTotal: {cart.total()}"


def empty_receipt():
    """A receipt for an empty cart."""
    return render_receipt(Cart())
''',
    "tests/__init__.py": "",
    "tests/test_cart.py": """from shop.cart import Cart


def test_total():
    cart = Cart()
    cart.add_item("a", 10)
    assert cart.total() == 9.0


def test_add_item():
    cart = Cart()
    cart.add_item("a", 1)
    assert cart.items == [("a", 1)]
""",
}


def shop_index(make_repo: MakeRepo, tmp_path: Path):  # type: ignore[no-untyped-def]
    return build_index(make_repo(SHOP), data_dir=tmp_path / "data")


def test_identifiers_split_into_subtokens() -> None:
    assert split_identifier("HTTPResponse_code2") == ["http", "response", "code", "2"]
    assert identifier_tokens("from_file") == ["file", "from_file"]
    assert identifier_tokens("QuerySet") == ["query", "set", "queryset"]
    assert tokenize("Rows of headers in the RST writer") == ["row", "header", "rst", "writer"]


def test_test_paths_follow_the_usual_conventions() -> None:
    assert is_test_path("tests/test_cart.py")
    assert is_test_path("pkg/test_x.py")
    assert is_test_path("src/app/conftest.py")
    assert not is_test_path("shop/cart.py")
    assert not is_test_path("shop/testing_utils_not.py")


def test_scan_finds_frames_paths_and_identifiers() -> None:
    text = (
        "Calling `Cart.total` fails in shop/cart.py:\n"
        'Traceback (most recent call last):\n  File "/site-packages/shop/pricing.py", '
        "line 7, in apply_discount\n    return round_price(x)\n"
        "src/_pytest/main.py:191: in wrap_session\n"
    )
    mentions = scan(text)
    assert [(f.path, f.line, f.function) for f in mentions.frames] == [
        ("/site-packages/shop/pricing.py", 7, "apply_discount"),
        ("src/_pytest/main.py", 191, "wrap_session"),
    ]
    assert "shop/cart.py" in mentions.paths
    assert "Cart.total" in mentions.dotted
    assert "round_price" in mentions.names


def test_a_function_named_in_the_issue_ranks_first(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = shop_index(make_repo, tmp_path)
    result = find(index, "round_price() gives too many decimals for some prices")
    assert result.symbols[0].id == "shop/pricing.py::round_price"
    assert result.files[0].id == "shop/pricing.py"
    assert any(r.startswith("name mention: round_price") for r in result.symbols[0].reasons)


def test_words_alone_find_the_symbol(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = shop_index(make_repo, tmp_path)
    result = find(index, "The receipt header is formatted wrongly")
    assert result.symbols[0].id == "shop/render.py::render_receipt"
    assert any('"receipt"' in r for r in result.symbols[0].reasons)


def test_a_traceback_frame_pins_its_symbol(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = shop_index(make_repo, tmp_path)
    trace = (
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python3/site-packages/shop/cart.py", line 17, in total\n'
        '  File "/usr/lib/python3/site-packages/shop/pricing.py", line 11\n'
        "TypeError: unsupported operand\n"
    )
    result = find(index, trace)
    top = [h.id for h in result.symbols[:2]]
    assert top == ["shop/pricing.py::round_price", "shop/cart.py::Cart.total"]
    assert "stack frame: shop/pricing.py:11" in result.symbols[0].reasons


def test_a_path_mention_pins_its_file(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = shop_index(make_repo, tmp_path)
    result = find(index, "Something is off in shop/render.py when the amount is large")
    assert result.files[0].id == "shop/render.py"
    assert "path mention: shop/render.py" in result.files[0].reasons


def test_propagation_lifts_a_caller(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = shop_index(make_repo, tmp_path)
    result = find(index, "seasonal rate is wrong")
    ids = [h.id for h in result.symbols]
    assert ids[0] == "shop/pricing.py::apply_discount"
    caller = next(h for h in result.symbols if h.id == "shop/cart.py::Cart.total")
    assert "graph: calls apply_discount" in caller.reasons
    assert caller.reasons[0] == "graph: calls apply_discount"
    assert not any(r.startswith("lexical") for r in caller.reasons)
    assert "shop/cart.py::Cart.add_item" not in ids


def test_tests_rank_below_sources_unless_named(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = shop_index(make_repo, tmp_path)
    plain = [h.id for h in find(index, "cart total add item", limit=20).symbols]
    assert plain.index("shop/cart.py::Cart.total") < plain.index("tests/test_cart.py::test_total")
    named = find(index, "tests/test_cart.py fails: total add item", limit=20)
    assert named.files[0].id == "tests/test_cart.py"


def test_ranking_is_deterministic(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = shop_index(make_repo, tmp_path)
    first = find(index, "cart price receipt discount", limit=50)
    again = find(
        build_index(index.root, data_dir=tmp_path / "other"),
        "cart price receipt discount",
        limit=50,
    )
    assert first == again
    keys = [(-h.score, h.id) for h in first.symbols]
    assert keys == sorted(keys)


def test_text_without_any_match_finds_nothing(make_repo: MakeRepo, tmp_path: Path) -> None:
    index = shop_index(make_repo, tmp_path)
    result = find(index, "zebra quokka")
    assert result.symbols == () and result.files == ()


PRINTERS = {
    "fmt/__init__.py": "",
    "fmt/shapes.py": '''class Circle:
    """A round shape."""


class Square:
    """A shape with four sides."""
''',
    "fmt/printer.py": """class Printer:
    def doprint(self, obj):
        return getattr(self, "_print_" + type(obj).__name__)(obj)

    def _print_Circle(self, obj):
        return "o"

    def _print_Square(self, obj):
        if obj is None:
            raise ValueError("cannot draw a square of negative side %s" % obj)
        return "[]"
""",
}


def test_a_mentioned_class_finds_the_hook_named_after_it(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    index = build_index(make_repo(PRINTERS), data_dir=tmp_path / "data")
    result = find(index, "Displaying a Circle() gives garbage", limit=5)
    hook = next(h for h in result.symbols if h.id == "fmt/printer.py::Printer._print_Circle")
    assert "name mention: Circle in name" in hook.reasons
    ids = [h.id for h in result.symbols]
    assert "fmt/printer.py::Printer._print_Square" not in ids[: ids.index(hook.id)]


def test_a_quoted_error_message_pins_the_code_that_raises_it(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    index = build_index(make_repo(PRINTERS), data_dir=tmp_path / "data")
    text = "I get ValueError: Cannot draw a square of negative side -1 when printing"
    result = find(index, text, limit=3)
    top = result.symbols[0]
    assert top.id == "fmt/printer.py::Printer._print_Square"
    assert "message: cannot draw a square of negative side" in top.reasons
    # A message of fewer words than MIN_MESSAGE_WORDS is too common to say anything.
    short = find(index, "it says: negative side", limit=3)
    assert not any(r.startswith("message:") for h in short.symbols for r in h.reasons)


def test_a_named_package_lifts_its_modules(make_repo: MakeRepo, tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/ext/__init__.py": "",
        "app/ext/napkin/__init__.py": "def setup(app):\n    return app\n",
        "app/ext/napkin/docstring.py": "def parse(text):\n    return text\n",
        "app/ext/napkin/tests/test_docstring.py": "def test_parse():\n    pass\n",
        "app/ext/other.py": "def unrelated():\n    pass\n",
    }
    index = build_index(make_repo(files), data_dir=tmp_path / "data")

    result = find(index, "Trailing underscores come out wrong with app.ext.napkin", limit=10)

    by_path = {h.path: h for h in result.files}
    assert "in package app.ext.napkin" in by_path["app/ext/napkin/docstring.py"].reasons
    assert not any("in package" in r for r in by_path["app/ext/other.py"].reasons)
    paths = [h.path for h in result.files]
    assert paths.index("app/ext/napkin/docstring.py") < paths.index("app/ext/other.py")
    assert not any("in package" in r for h in result.files if "tests/" in h.path for r in h.reasons)


_FIND_SCRIPT = """
import sys
from codegraph.find import find
from codegraph.index import build_index
index = build_index(sys.argv[1], data_dir=sys.argv[2])
for text in ("the discount is applied twice to the cart total", "receipt header render"):
    found = find(index, text, limit=15)
    for hit in found.files + found.symbols:
        print(hit.id, f"{hit.score:.9f}", "|".join(hit.reasons))
"""


def test_answers_are_identical_across_hash_seeds_built_or_stored(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    repo = make_repo(SHOP)

    def run(seed: str, data: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", _FIND_SCRIPT, str(repo), str(tmp_path / data)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        return done.stdout

    built = [run("1", "a"), run("2", "b")]
    stored = run("3", "a")  # reads the lexicon the first run stored
    assert (tmp_path / "a" / "lexicon.npz").is_file()
    assert built[0] == built[1] == stored
    assert built[0].count("\n") >= 10
