from __future__ import annotations

from style import Observations, observe_source


def test_counts_examples_names_and_votes() -> None:
    source = "A = 'x'\nB = 'y'\nC = \"z\"\n\n\ndef run_all(): ...\ndef runOne(): ...\n"
    observed = observe_source("pkg/m.py", source)
    assert observed.counts["quotes"] == {"single": 2, "double": 1}
    assert observed.examples["quotes"] == {"single": (1, 2), "double": (3,)}
    assert observed.snippets["quotes"]["double"] == 'C = "z"'
    assert observed.names["naming.function"] == {"run_all": "snake_case", "runOne": "camelCase"}
    assert observed.majority("quotes") == "single"
    assert observed.majority("naming.function") is None  # a tie says nothing
    assert observed.majority("missing") is None
    assert observed.votes["quotes"] == ("single", None)
    assert observed.language == "python" and not observed.is_test


def test_sole_value_marks_a_clean_file() -> None:
    observed = observe_source("pkg/m.py", 'A = "x"\nB = "y"\n')
    assert observed.votes["quotes"] == ("double", "double")


def test_line_lengths_histogram_skips_exempt_lines() -> None:
    source = "x = 1\ny = 22\n# see https://example.com/" + "a" * 100 + "\n"
    assert observe_source("m.py", source).line_lengths == {5: 1, 6: 1}


def test_files_that_say_nothing() -> None:
    for path, source in [
        ("pkg/__init__.py", ""),
        ("README.md", "# title 'x'"),
        ("m.py", "def (:\n"),
        ("m.py", "x = 'a'\x00"),
    ]:
        observed = observe_source(path, source)
        assert isinstance(observed, Observations) and observed.counts == {}


def test_migrations_do_not_vote_on_naming_or_docstrings() -> None:
    source = "class Migration:\n    def forwardsFunc(self): ...\n"
    counts = observe_source("app/migrations/0001_initial.py", source).counts
    assert not [name for name in counts if name.startswith(("naming.", "docstring."))]
    assert "indent" in counts


def test_plain_docstrings_do_not_outvote_a_sectioned_style() -> None:
    doc = '    """Do it.\n\n    More words\n    here.\n    """\n'
    google = '    """Do it.\n\n    Args:\n        a: thing.\n    """\n'
    source = "".join(
        f"def f{i}(a):\n" + (google if i == 0 else doc) + "    return a\n\n\n" for i in range(3)
    )
    observed = observe_source("pkg/m.py", source)
    assert observed.counts["docstring.style"] == {"google": 1, "plain": 2}
    assert observed.majority("docstring.style") == "google"
    assert observed.votes["docstring.style"] == ("google", "google")
