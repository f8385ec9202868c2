from __future__ import annotations

import pytest

from style import DeclaredConfig
from style.measures import comment_density, line_length, wilson_lower


def test_wilson_lower_bound() -> None:
    assert wilson_lower(0, 0) == 0.0
    assert wilson_lower(30, 30) == pytest.approx(0.917, abs=0.001)
    assert wilson_lower(15, 30) < 0.4
    assert wilson_lower(10, 10) < wilson_lower(100, 100)


def test_line_length_picks_the_smallest_common_limit_kept() -> None:
    limit = line_length([70 + i % 18 for i in range(40)], DeclaredConfig())
    assert (limit.value, limit.enforced, limit.support, limit.total) == ("88", True, 40, 40)


def test_line_length_abstains_when_no_limit_holds() -> None:
    limit = line_length([60 + 5 * i for i in range(40)], DeclaredConfig())
    assert limit.abstained and limit.reason.startswith("no common limit holds")
    assert line_length([80] * 3, DeclaredConfig()).reason == "too few files (3 < 8)"


def test_declared_line_length_is_enforced_only_when_kept() -> None:
    declared = DeclaredConfig(values={"line_length": "100"}, sources={"line_length": "setup.cfg"})
    kept = line_length([90] * 40, declared)
    assert (kept.value, kept.declared, kept.enforced, kept.source) == (
        "100",
        True,
        True,
        "setup.cfg",
    )
    broken = line_length([90] * 30 + [140] * 10, declared)
    assert broken.declared and not broken.enforced


def test_comment_density_median() -> None:
    density = comment_density([0.04, 0.05, 0.06, 0.05, 0.3, 0.05, 0.05, 0.04])
    assert (density.value, density.abstained, density.enforced) == ("5%", False, False)
    assert density.support == 7


def test_test_modules_mirror_the_package() -> None:
    from style.measures import test_mirroring

    sources = [f"src/pkg/sub/m{i}.py" for i in range(30)]
    mirrored = test_mirroring(sources + [f"tests/pkg/sub/test_m{i}.py" for i in range(30)])
    assert (mirrored.value, mirrored.abstained) == ("mirrored", False)
    assert mirrored.example == "tests/pkg/sub/test_m0.py"
    named = test_mirroring(sources + [f"tests/test_m{i}.py" for i in range(30)])
    assert (named.value, named.abstained) == ("named", False)
    few = test_mirroring([*sources, "tests/test_m1.py"])
    assert few.abstained and few.reason == "too few test files (1 < 8)"
