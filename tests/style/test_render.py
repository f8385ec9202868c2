from __future__ import annotations

from style import (
    Convention,
    StyleProfile,
    observe_source,
    profile_from_observations,
    render_profile,
)
from tests.style.conftest import typed_repo_files


def test_render_lists_confident_conventions_with_examples() -> None:
    files = typed_repo_files(30, tests=30)
    profile = profile_from_observations({p: observe_source(p, t) for p, t in files.items()})
    text = render_profile(profile, max_items=40)
    assert text.startswith("Conventions of this repository (learned from 60 files; follow them):\n")
    assert '- string quotes: double (30/30 files), e.g. `logger.info("rendering %s", name)`' in text
    assert "- module names: snake_case (30/30 files), e.g. `tests/test_mod0.py`" in text
    assert "- in tests/: type annotations on function signatures: none" in text
    assert "e.g. `def build_widget(size: int | None = None) -> Widget" in text
    assert render_profile(profile, max_items=40) == text  # deterministic
    assert len(render_profile(profile, max_items=3).splitlines()) == 4


def test_declared_conventions_come_first_and_say_where() -> None:
    profile = StyleProfile(
        (
            Convention("quotes", "single", 1.0, 3, 3, declared=True, source="pyproject.toml"),
            Convention("indent", "spaces-4", 0.95, 40, 40, evidence=("a.py:2",)),
            Convention("docstring.style", "google", 0.3, 3, 9, abstained=True, reason="x"),
        ),
        files=40,
    )
    assert render_profile(profile, max_items=1) == (
        "Conventions of this repository (learned from 40 files; follow them):\n"
        "- string quotes: single (declared in pyproject.toml)\n"
    )
    assert "e.g. a.py:2" in render_profile(profile)
    assert "google" not in render_profile(profile)


def test_empty_profile() -> None:
    assert render_profile(StyleProfile(())) == (
        "No confident conventions were learned from this repository.\n"
    )
