"""Fixture repositories with known conventions for the style tests."""

from __future__ import annotations

import pytest

TYPED_MODULE = '''"""Module {i}."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

LIMIT_{i} = 10


class Widget{i}:
    """A widget."""

    def render_item(self, name: str) -> str:
        """Render one item."""
        logger.info("rendering %s", name)
        return f"{{name}}-{i}"


def build_widget(size: int | None = None) -> Widget{i}:
    """Build a widget."""
    if size is None:
        raise ValueError("size is required")
    return Widget{i}()
'''

TEST_MODULE = """from pkg.mod{i} import build_widget


def make_size(value):
    return value


def test_build_{i}():
    assert build_widget(make_size(1))
"""


def typed_repo_files(count: int = 30, *, tests: int = 0) -> dict[str, str]:
    """`count` modules in `pkg/` that agree on every convention, plus `tests` test files."""
    files = {f"pkg/mod{i}.py": TYPED_MODULE.format(i=i) for i in range(count)}
    files["pkg/__init__.py"] = ""
    files.update({f"tests/test_mod{i}.py": TEST_MODULE.format(i=i) for i in range(tests)})
    return files


@pytest.fixture
def typed_files() -> dict[str, str]:
    return typed_repo_files()
