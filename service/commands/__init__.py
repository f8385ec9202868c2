"""One module per CLI command; see `service.cli.COMMANDS`."""
