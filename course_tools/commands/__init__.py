"""CLI command modules: each registers subcommands over plain Python functions."""
