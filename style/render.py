"""The profile as a compact, explicit rule list for an agent's prompt (deterministic)."""

from __future__ import annotations

from style.conventions import describe
from style.model import Convention, StyleProfile

_MAX_EXAMPLE = 70


def render_profile(profile: StyleProfile, *, max_items: int = 20) -> str:
    """Confident conventions, declared first, then enforced, each with one example."""
    chosen = sorted(
        (c for c in profile.committed() if c.value),
        key=lambda c: (
            not c.declared,
            not c.enforced,
            c.scope != "",
            -c.confidence,
            c.name,
            c.scope,
        ),
    )[: max(0, max_items)]
    if not chosen:
        return "No confident conventions were learned from this repository.\n"
    lines = [f"Conventions of this repository (learned from {profile.files} files; follow them):"]
    for convention in sorted(chosen, key=lambda c: (c.scope, c.name)):
        lines.append("- " + _line(convention))
    return "\n".join(lines) + "\n"


def _line(convention: Convention) -> str:
    text = describe(convention.name, convention.value)
    if convention.scope:
        text = f"in {convention.scope}: {text}"
    if convention.declared:
        text += f" (declared in {convention.source or 'configuration'})"
    elif convention.total:
        text += f" ({convention.support}/{convention.total} files)"
    example = convention.example
    if example:
        if len(example) > _MAX_EXAMPLE:
            example = example[: _MAX_EXAMPLE - 1] + "…"
        text += f", e.g. `{example}`"
    elif convention.evidence:
        text += f", e.g. {convention.evidence[0]}"
    if convention.exceptions:
        text += "; except " + ", ".join(convention.exceptions[:5])
    return text
