"""CLI command modules: each registers subcommands over plain Python functions (`register(subparsers)`);
`add_command` lives here so the command modules never import the CLI that imports them."""

from __future__ import annotations

import argparse


def add_command(subparsers, name: str, func, help: str, examples: str) -> argparse.ArgumentParser:
    """Register one subcommand whose --help ends with examples."""
    summary = f"{help}  e.g. {examples.splitlines()[0].strip()}".replace("%", "%%")  # argparse %-formats it
    parser = subparsers.add_parser(
        name, help=summary, description=help,
        epilog="examples:\n" + examples, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=func)
    return parser
