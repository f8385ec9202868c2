from __future__ import annotations

import pytest

from style.naming import classify, convert, is_role_name


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("build_widget", "snake_case"),
        ("_private_helper", "snake_case"),
        ("buildWidget", "camelCase"),
        ("BuildWidget", "PascalCase"),
        ("HTTPServer", "PascalCase"),
        ("MAX_SIZE", "UPPER_CASE"),
        ("test__utils", "snake_case"),
        ("Build_widget", "mixed"),
        ("run", None),  # one lowercase word: snake_case and camelCase alike
        ("URL", None),  # one all-caps word: an acronym or a constant
        ("x", None),
        ("_", None),
    ],
)
def test_classify(name: str, shape: str | None) -> None:
    assert classify(name) == shape


@pytest.mark.parametrize(
    "name", ["setUp", "tearDownClass", "assertAlmostEqual", "visit_Name", "leave_Call", "do_GET"]
)
def test_framework_role_names(name: str) -> None:
    assert is_role_name(name)


@pytest.mark.parametrize("name", ["fetchIt", "visitor", "setup_thing", "do_get"])
def test_ordinary_names_are_not_roles(name: str) -> None:
    assert not is_role_name(name)


def test_convert_between_shapes() -> None:
    assert convert("fetchItNow", "snake_case") == "fetch_it_now"
    assert convert("_fetch_it", "camelCase") == "_fetchIt"
    assert convert("max_size", "UPPER_CASE") == "MAX_SIZE"
    assert convert("widget_box", "PascalCase") == "WidgetBox"
    assert convert("x", "mixed") is None
