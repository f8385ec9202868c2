"""Profiles and findings as plain JSON-able data (CLI output, the on-disk cache, SARIF)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, fields
from typing import Any

from style.conventions import describe
from style.errors import StyleError
from style.model import Convention, DeclaredConfig, Finding, StyleProfile

FORMAT_VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_URI = "https://github.com/patchwright/patchwright"


def profile_to_dict(profile: StyleProfile) -> dict[str, Any]:
    """The whole profile, committed conventions and abstentions, as JSON-able data."""
    declared = profile.declared
    return {
        "format": FORMAT_VERSION,
        "files": profile.files,
        "declared": {
            "values": dict(declared.values),
            "sources": dict(declared.sources),
            "tools": list(declared.tools),
            "formatter": declared.formatter,
            "exclude": list(declared.exclude),
            "settings": dict(declared.settings),
        },
        "conventions": [_convention_dict(c) for c in profile.conventions],
    }


def _convention_dict(convention: Convention) -> dict[str, Any]:
    data = asdict(convention)
    data["evidence"] = list(convention.evidence)
    data["exceptions"] = list(convention.exceptions)
    data["description"] = describe(convention.name, convention.value) if convention.value else ""
    return data


def profile_from_dict(data: dict[str, Any]) -> StyleProfile:
    """Inverse of `profile_to_dict`; a malformed document raises `StyleError`."""
    try:
        if data.get("format") != FORMAT_VERSION:
            raise StyleError("cached style profile has another format version")
        raw = data["declared"]
        declared = DeclaredConfig(
            values=dict(raw["values"]),
            sources=dict(raw["sources"]),
            tools=tuple(raw["tools"]),
            formatter=raw["formatter"],
            exclude=tuple(raw["exclude"]),
            settings=dict(raw["settings"]),
        )
        names = {f.name for f in fields(Convention)}
        conventions = []
        for item in data["conventions"]:
            values = {k: v for k, v in item.items() if k in names}
            values["evidence"] = tuple(values.get("evidence", ()))
            values["exceptions"] = tuple(values.get("exceptions", ()))
            conventions.append(Convention(**values))
        return StyleProfile(tuple(conventions), files=int(data["files"]), declared=declared)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StyleError(f"malformed style profile: {exc}") from exc


def finding_dict(finding: Finding) -> dict[str, Any]:
    """One finding as JSON-able data (the fix, when there is one, as old/new line)."""
    data = asdict(finding)
    if finding.fix is None:
        data["fix"] = None
    return data


def findings_to_sarif(findings: Sequence[Finding]) -> dict[str, Any]:
    """Findings as a SARIF 2.1.0 log with one run; fixes become SARIF `fixes`."""
    rules = sorted({f.convention for f in findings})
    results = []
    for finding in findings:
        result: dict[str, Any] = {
            "ruleId": finding.convention,
            "ruleIndex": rules.index(finding.convention),
            "level": "warning",
            "message": {"text": f"{finding.message} ({finding.evidence})"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": finding.path, "uriBaseId": "SRCROOT"},
                        "region": {"startLine": finding.line},
                    }
                }
            ],
        }
        if finding.fix is not None:
            result["fixes"] = [_sarif_fix(finding)]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "patchwright-style",
                        "informationUri": TOOL_URI,
                        "rules": [
                            {"id": rule, "shortDescription": {"text": _rule_text(rule)}}
                            for rule in rules
                        ],
                    }
                },
                "results": results,
            }
        ],
    }


def _sarif_fix(finding: Finding) -> dict[str, Any]:
    assert finding.fix is not None
    fix = finding.fix
    return {
        "description": {"text": "mechanical fix keeping the syntax tree"},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": finding.path, "uriBaseId": "SRCROOT"},
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": fix.line,
                            "startColumn": 1,
                            "endLine": fix.line,
                            "endColumn": len(fix.old) + 1,
                        },
                        "insertedContent": {"text": fix.new},
                    }
                ],
            }
        ],
    }


def _rule_text(rule: str) -> str:
    return f"deviation from the repository's convention `{rule}`"
