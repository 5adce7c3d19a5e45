"""The ``clause-kit`` entry point: a Ctrl-C while Python is still importing ends quietly, like any other.

Importing click, pydantic, docxtpl and lxml takes a few tenths of a second; a Ctrl-C then would
print a traceback from somewhere inside them. This module imports nothing heavy itself: it
imports the command line inside a ``try``.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    """Import and run the command line; a Ctrl-C during the imports prints « Interrompu. » (code 130)."""
    try:
        from clause_kit.cli import main as cli
    except KeyboardInterrupt:
        sys.stderr.write("Interrompu.\n")
        sys.exit(130)
    cli()
