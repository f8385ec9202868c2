from __future__ import annotations

from style import Convention, DeclaredConfig, Observations, StyleProfile


def test_observations_majority_and_votes() -> None:
    observed = Observations("a.py", "python", {"quotes": {"double": 3, "single": 1}})
    assert observed.majority("quotes") == "double"
    assert observed.votes == {"quotes": ("double", None)}
    tie = Observations("a.py", "python", {"quotes": {"double": 1, "single": 1}})
    assert tie.majority("quotes") is None


def test_profile_get_picks_the_most_specific_scope() -> None:
    profile = StyleProfile(
        (
            Convention("annotations", "full", 0.9, 30, 30),
            Convention("annotations", "none", 0.9, 20, 20, scope="tests/"),
            Convention("annotations", "partial", 0.9, 9, 9, scope="tests/legacy/"),
        ),
        declared=DeclaredConfig(exclude=("gen/",)),
    )
    assert profile.get("annotations").scope == ""  # type: ignore[union-attr]
    assert profile.get("annotations", "pkg/a.py").value == "full"  # type: ignore[union-attr]
    assert profile.get("annotations", "tests/a.py").value == "none"  # type: ignore[union-attr]
    legacy = profile.get("annotations", "tests/legacy/a.py")
    assert legacy is not None and legacy.value == "partial"
    assert profile.get("annotations", "gen/a.py") is None
    assert profile.get("quotes", "pkg/a.py") is None
    assert len(profile.committed()) == 3
