"""Style errors, a branch of the project's one tree (`codegraph.errors`).

```text
PatchwrightError
└── StyleError        unreadable configuration, a diff that cannot be parsed, a bad fix request
```
A change that deviates from the profile is *not* an error: it is a finding.
"""

from __future__ import annotations

from codegraph import PatchwrightError


class StyleError(PatchwrightError):
    """The style profiler could not do what was asked; the message says why."""
