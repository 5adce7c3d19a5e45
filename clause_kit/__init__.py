"""clause_kit: social insertion clauses for French public procurement, from YAML to tender dossier."""

__version__ = "0.1.0"

__all__ = ["__version__"]
