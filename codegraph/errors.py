"""The project's error tree. Every package raises these; entry points translate them.

```text
PatchwrightError
├── RepositoryError      not a directory / git repo, unreadable file, bad revision
│   └── HistoryError     the git history cannot be read (find then ranks without it)
├── ParseError           a file tree-sitter could not parse (the file is skipped, never the repo)
├── IndexStoreError      the on-disk index is missing, corrupt or from another version
└── QueryError           a symbol or query that names nothing in the index
```

The executor and style packages extend this tree from the same root (`SandboxError`,
`PatchError`, `StyleError`, ...), so one handler per entry point covers everything.
"""

from __future__ import annotations


class PatchwrightError(Exception):
    """Root of every error patchwright raises on purpose; the message is for a user."""


class RepositoryError(PatchwrightError):
    """The repository or one of its files cannot be read as asked."""


class HistoryError(RepositoryError):
    """The commit history cannot be read: not a git repository, no such revision."""


class ParseError(PatchwrightError):
    """A file could not be parsed; callers skip the file and report it."""


class IndexStoreError(PatchwrightError):
    """The persisted index cannot be used (corrupt, wrong version, unwritable)."""


class QueryError(PatchwrightError):
    """A query names something the index does not hold."""
