"""The naive majority-vote baseline of the style benchmark."""

from __future__ import annotations

from collections import Counter

from benchmarks.style_eval_baseline import commit, detects, flags, totals, without

A = {"quotes": {"double": 50}, "indent": {"spaces-4": 10}}
B = {"quotes": {"double": 49, "single": 1}}
C = {"quotes": {"single": 3}, "indent": {"spaces-4": 2}}


def test_totals_and_without_are_inverse() -> None:
    summed = totals([A, B, C])
    assert summed["quotes"] == Counter({"double": 99, "single": 4})
    assert without(summed, C) == totals([A, B])
    assert without(summed, C)["quotes"] == Counter({"double": 99, "single": 1})


def test_commit_uses_the_threshold_on_raw_occurrences() -> None:
    summed = totals([A, B])
    assert commit(summed) == {"quotes": "double", "indent": "spaces-4"}
    assert commit(totals([A, B, C])) == {"indent": "spaces-4"}
    assert commit(totals([A, B, C]), threshold=0.95) == {"quotes": "double", "indent": "spaces-4"}
    assert commit({"quotes": Counter()}) == {}


def test_flags_any_deviating_occurrence() -> None:
    committed = {"quotes": "double", "indent": "spaces-4"}
    assert flags(committed, B) == ["quotes"]
    assert flags(committed, A) == []
    assert flags(committed, {"quotes": {"single": 0}, "other": {"x": 3}}) == []


def test_detects_only_an_increase_of_a_deviating_value() -> None:
    committed = {"quotes": "double"}
    assert detects(committed, ["quotes"], B, {"quotes": {"double": 48, "single": 2}})
    assert not detects(committed, ["quotes"], B, B)
    assert not detects(committed, ["indent"], B, {"indent": {"tabs": 1}})
