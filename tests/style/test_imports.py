from __future__ import annotations

import ast

from style import Finding, apply_fixes
from style.imports import absolute_module, import_fixes, package_parts, relative_module


def test_package_of_a_path() -> None:
    assert package_parts("pkg/sub/mod.py") == ["pkg", "sub"]
    assert package_parts("src/pkg/mod.py") == ["pkg"]
    assert package_parts("setup.py") is None
    assert package_parts("my-scripts/run.py") is None


def test_absolute_and_relative_names() -> None:
    assert absolute_module("pkg/sub/mod.py", 1, "x") == "pkg.sub.x"
    assert absolute_module("pkg/sub/mod.py", 2, "x") == "pkg.x"
    assert absolute_module("pkg/sub/__init__.py", 1, None) == "pkg.sub"
    assert absolute_module("pkg/mod.py", 3, "x") is None
    assert relative_module("pkg/sub/mod.py", "pkg.sub.x") == ".x"
    assert relative_module("pkg/sub/mod.py", "pkg.other") == "..other"
    assert relative_module("pkg/sub/mod.py", "pkg.sub") == "."
    assert relative_module("pkg/sub/mod.py", "other.x") is None


def fix(source: str, path: str, target: str) -> str:
    fixes = import_fixes(source, ast.parse(source), path, target)
    findings = [Finding(path, line, "imports.relative", "", "", f) for line, f in fixes.items()]
    return apply_fixes(source, findings)


def test_relative_to_absolute_keeps_names_and_parentheses() -> None:
    before = (
        "from __future__ import annotations\n"
        "from . import helpers\n"
        "from ..models import (\n    User,\n    Group,  # comment\n)\n"
        "import os\n"
    )
    after = (
        "from __future__ import annotations\n"
        "from pkg.sub import helpers\n"
        "from pkg.models import (\n    User,\n    Group,  # comment\n)\n"
        "import os\n"
    )
    assert fix(before, "pkg/sub/views.py", "absolute") == after


def test_absolute_to_relative() -> None:
    before = "from pkg.sub.x import a\nfrom pkg.y import b\nfrom other.z import c\n"
    after = "from .x import a\nfrom ..y import b\nfrom other.z import c\n"
    assert fix(before, "pkg/sub/views.py", "relative") == after


def test_import_fix_outside_a_package_does_nothing() -> None:
    before = "from .x import a\n"
    assert fix(before, "script.py", "absolute") == before


def test_a_rewrite_to_another_module_is_refused() -> None:
    from style import Fix

    before = "from .x import a\n"
    wrong = Fix(1, "from .x import a", "from pkg.elsewhere.x import a")
    right = Fix(1, "from .x import a", "from pkg.sub.x import a")
    finding = Finding("pkg/sub/v.py", 1, "imports.relative", "", "", wrong)
    assert apply_fixes(before, [finding]) == before
    finding = Finding("pkg/sub/v.py", 1, "imports.relative", "", "", right)
    assert apply_fixes(before, [finding]) == "from pkg.sub.x import a\n"


def test_check_proposes_the_import_form_fix(make_repo) -> None:  # type: ignore[no-untyped-def]
    from style import check_source, learn_profile

    files = {
        f"pkg/m{i}.py": f'"""M."""\n\nfrom pkg.base import thing_{i}\n\nVALUE_{i} = thing_{i}\n'
        for i in range(30)
    }
    profile = learn_profile(make_repo(files))
    source = '"""New."""\n\nfrom .base import thing\n\nVALUE = thing\n'
    (finding,) = [f for f in check_source(profile, "pkg/new.py", source) if f.fix is not None]
    assert finding.convention == "imports.relative" and finding.found == "relative"
    assert apply_fixes(source, [finding]) == source.replace("from .base", "from pkg.base")
