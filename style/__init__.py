"""Learn a repository's conventions and check changes against them."""

__all__: list[str] = []
