"""Errors of the follow-up capability, in the project's single error tree."""

from __future__ import annotations

from clause_kit.commun.erreurs import ClauseKitError

__all__ = ["ErreurFichier", "ErreurRegistre"]


class ErreurFichier(ClauseKitError):
    """Raised when a file given to the import cannot be read or recognised (the register is left unchanged)."""


class ErreurRegistre(ClauseKitError):
    """Raised when the register database cannot be opened, is not one, or comes from a newer clause_kit."""
