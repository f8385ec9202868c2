"""Learn a repository's conventions and check changes against them."""

from style.check import check_diff, check_source
from style.declared import read_declared
from style.errors import StyleError
from style.fixes import apply_fixes
from style.learn import profile_from_observations
from style.model import (
    Convention,
    DeclaredConfig,
    Finding,
    Fix,
    Observations,
    StyleProfile,
)
from style.observe import observe_source
from style.paths import is_skipped as skip_reason
from style.profile import learn_profile
from style.render import render_profile
from style.revision import learn_profile_at
from style.serialize import finding_dict, findings_to_sarif, profile_from_dict, profile_to_dict

__all__ = [
    "Convention",
    "DeclaredConfig",
    "Finding",
    "Fix",
    "Observations",
    "StyleError",
    "StyleProfile",
    "apply_fixes",
    "check_diff",
    "check_source",
    "finding_dict",
    "findings_to_sarif",
    "learn_profile",
    "learn_profile_at",
    "observe_source",
    "profile_from_dict",
    "profile_from_observations",
    "profile_to_dict",
    "read_declared",
    "render_profile",
    "skip_reason",
]
