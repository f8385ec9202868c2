"""Apply a patch in a throw-away workspace and run the repository's tests in a sandbox."""

__all__: list[str] = []
