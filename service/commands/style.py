"""`patchwright style [PATH] [--json]`: the conventions learned from a repository."""

from __future__ import annotations

import argparse

from service.commands._common import emit_json, repo_root
from style import learn_profile, profile_to_dict, render_profile
from style.conventions import describe

HELP = "learn and print the repository's conventions"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="repository root (default: .)")
    parser.add_argument("--json", action="store_true", help="machine output")
    parser.add_argument(
        "--prompt", action="store_true", help="the compact rule list an agent's prompt gets"
    )


def run(args: argparse.Namespace) -> int:
    root = repo_root(args.path)
    profile = learn_profile(root)
    if args.json:
        payload = profile_to_dict(profile)
        payload["root"] = str(root)
        emit_json(payload)
        return 0
    if args.prompt:
        print(render_profile(profile), end="")
        return 0
    print(f"{root}: {profile.files} files")
    if profile.declared.tools:
        print(f"declared tools: {', '.join(profile.declared.tools)}")
    committed = [c for c in profile.conventions if not c.abstained]
    abstained = [c for c in profile.conventions if c.abstained]
    print("\nconventions (value, confidence, support/total, scope):")
    for c in committed:
        flags = [x for x, on in (("declared", c.declared), ("enforced", c.enforced)) if on]
        scope = c.scope or "(repository)"
        where = f"  e.g. {c.evidence[0]}" if c.evidence else ""
        print(
            f"  {c.name:<22} {c.value:<12} {c.confidence:.2f} {c.support:>5}/{c.total:<5}"
            f" {scope:<16} {' '.join(flags)}{where}"
        )
    if abstained:
        print("\nabstained:")
        for c in abstained:
            scope = f" in {c.scope}" if c.scope else ""
            print(f"  {c.name}{scope}: {c.reason}")
    if committed:
        print("\nin words:")
        for c in committed:
            scope = f"in {c.scope}: " if c.scope else ""
            print(f"  - {scope}{describe(c.name, c.value)}")
    return 0
