"""The service layer: CLI (and later the agent, memory, HTTP API, hooks and review bot)."""

from service.cli import COMMANDS, main

__all__ = ["COMMANDS", "main"]
