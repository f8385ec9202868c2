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
    "learn_profile",
    "observe_source",
    "profile_from_observations",
    "read_declared",
    "render_profile",
    "skip_reason",
]
