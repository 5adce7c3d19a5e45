"""Public names of a capability's package, imported on first use.

A capability's ``__init__.py`` names its public functions (STYLE.md), but importing them all
when the command line registers its commands would load the contract model, Starlette or the
spreadsheet readers for ``clause-kit --help``. ``exports_paresseux`` gives the package a
module ``__getattr__`` that imports each name from its module only when it is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["exports_paresseux"]


def exports_paresseux(paquet: str, publics: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``paquet``: ``publics`` maps each public name to its module."""

    def __getattr__(nom: str) -> Any:  # noqa: N807 - the module hook Python looks for
        if nom not in publics:
            raise AttributeError(f"module {paquet!r} has no attribute {nom!r}")
        return getattr(importlib.import_module(f"{paquet}.{publics[nom]}"), nom)

    return __getattr__
