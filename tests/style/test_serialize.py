from __future__ import annotations

import json

import pytest

from style import Finding, Fix, StyleError, observe_source, profile_from_observations
from style.model import DeclaredConfig
from style.serialize import (
    finding_dict,
    findings_to_sarif,
    profile_from_dict,
    profile_to_dict,
)
from tests.style.conftest import typed_repo_files


def test_profile_round_trip() -> None:
    files = typed_repo_files(30, tests=30)
    declared = DeclaredConfig(
        values={"line_length": "99"}, sources={"line_length": "setup.cfg"}, tools=("flake8",)
    )
    profile = profile_from_observations(
        {p: observe_source(p, t) for p, t in files.items()}, declared=declared
    )
    data = json.loads(json.dumps(profile_to_dict(profile)))
    assert profile_from_dict(data) == profile
    quotes = next(c for c in data["conventions"] if c["name"] == "quotes")
    assert quotes["description"] == "string quotes: double"


def test_malformed_profile_document() -> None:
    with pytest.raises(StyleError, match="format version"):
        profile_from_dict({"format": 0})
    with pytest.raises(StyleError, match="malformed"):
        profile_from_dict({"format": 1, "declared": {}})


def test_sarif_shape() -> None:
    findings = [
        Finding("pkg/a.py", 3, "quotes", "single quotes", "30 of 30", Fix(3, "x = 'a'", 'x = "a"')),
        Finding("pkg/b.py", 7, "naming.function", "camelCase", "20 of 20"),
    ]
    log = findings_to_sarif(findings)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["naming.function", "quotes"]
    first, second = run["results"]
    assert first["ruleId"] == "quotes" and first["ruleIndex"] == 1
    location = first["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {"uri": "pkg/a.py", "uriBaseId": "SRCROOT"},
        "region": {"startLine": 3},
    }
    replacement = first["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"] == {"text": 'x = "a"'}
    assert replacement["deletedRegion"]["endColumn"] == len("x = 'a'") + 1
    assert "fixes" not in second
    assert findings_to_sarif([])["runs"][0]["results"] == []


def test_finding_dict() -> None:
    data = finding_dict(Finding("a.py", 1, "quotes", "m", "e", Fix(1, "a", "b")))
    assert data["fix"] == {"line": 1, "old": "a", "new": "b"}
    assert finding_dict(Finding("a.py", 1, "quotes", "m", "e"))["fix"] is None
