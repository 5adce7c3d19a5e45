"""clause_kit: social insertion clauses for French public procurement, from YAML to tender dossier."""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["__version__", "version"]


@functools.cache
def version() -> str:
    """The installed version, written once in pyproject.toml and read from the package's metadata.

    Read on first use, not at import: importing ``importlib.metadata`` costs some 50 ms, which
    every command (``--help`` included) would pay before doing anything.
    """
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as version_installee

    try:
        return version_installee("clause_kit")
    except PackageNotFoundError:  # sources run without being installed (pip install -e . fixes it)
        return "0+non-installe"


def __getattr__(nom: str) -> Any:
    """``clause_kit.__version__``, computed when asked for."""
    if nom == "__version__":
        return version()
    raise AttributeError(f"module 'clause_kit' has no attribute {nom!r}")
