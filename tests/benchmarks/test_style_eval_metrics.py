"""Counters and rates of the style benchmark."""

from __future__ import annotations

from benchmarks.style_eval_metrics import MAX_EXAMPLES, Tally, merge, ratio, summary


def test_summary_rates_from_counts() -> None:
    tally = Tally("p", "1.0", files=10, heldout=4, flagged_files=1, window_flagged_files=0)
    tally.observed.update({"quotes": 4, "indent": 4})
    tally.committed.update({"quotes": 4, "indent": 2})
    tally.correct.update({"quotes": 3, "indent": 2})
    tally.injected.update({"quotes": 4})
    tally.detected.update({"quotes": 3})
    tally.base_committed.update({"quotes": 4})
    tally.base_correct.update({"quotes": 2})
    tally.base_flagged_files = 2
    row = summary(tally)
    assert row["accuracy"] == 5 / 6
    assert row["coverage"] == 6 / 8
    assert row["false_alarm_rate"] == 0.25
    assert row["window_false_alarm_rate"] == 0.0
    assert row["recall"] == 0.75
    assert row["recall_enforced"] is None
    assert row["conventions_committed"] == 2
    assert row["baseline"]["accuracy"] == 0.5
    assert row["baseline"]["false_alarm_rate"] == 0.5
    assert row["per_convention"]["indent"]["coverage"] == 0.5
    assert row["per_injector"]["quotes"]["recall"] == 0.75


def test_merge_adds_counts_and_tags_examples() -> None:
    first, second = Tally("a", files=2, heldout=2), Tally("b", files=3, heldout=1)
    first.committed["quotes"] = 2
    second.committed["quotes"] = 1
    first.timed("learn", 1.0, 3.5)
    second.timed("learn", 0.0, 1.0)
    second.example("alarms", "quotes", {"path": "x.py"})
    total = merge("overall", [first, second])
    assert (total.files, total.heldout, total.committed["quotes"]) == (5, 3, 3)
    assert total.seconds == {"learn": 3.5}
    assert total.alarms == [{"project": "b", "path": "x.py"}]


def test_examples_are_bounded_and_ratio_handles_zero() -> None:
    tally = Tally("p")
    for number in range(MAX_EXAMPLES + 5):
        tally.example("misses", "quotes", {"n": number})
        tally.example("misses", "camel_case", {"n": number})
    assert len(tally.misses) == 2 * MAX_EXAMPLES
    assert ratio(1, 0) is None
    assert summary(tally)["accuracy"] is None
