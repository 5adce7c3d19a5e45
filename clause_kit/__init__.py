"""clause_kit: social insertion clauses for French public procurement, from YAML to tender dossier."""

from importlib.metadata import PackageNotFoundError, version

try:  # the version is written once, in pyproject.toml, and read from the installed metadata
    __version__ = version("clause_kit")
except PackageNotFoundError:  # sources run without being installed (pip install -e . fixes it)
    __version__ = "0+non-installe"

__all__ = ["__version__"]
