"""The single error tree of clause_kit.

Every error a user can cause derives from ``ClauseKitError``; the CLI catches that
base once, prints its French message on stderr and exits with code 1. Third-party
errors (YAML, Jinja, LibreOffice...) are translated into these classes where they
enter the code, with ``raise ... from err``, so the message names the file, the line,
the field, the template or the variable concerned.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

__all__ = [
    "ClauseKitError",
    "ErreurDocument",
    "ErreurDonnees",
    "ErreurModele",
    "ErreurPdf",
    "ErreurSortie",
    "ErreursValidation",
    "Interruption",
    "Probleme",
    "raison_systeme",
]


class ClauseKitError(Exception):
    """Base of every error caused by the user's input or environment (never a bug)."""


@dataclass(frozen=True)
class Probleme:
    """One problem found in a contract file, located by file, line and field path."""

    fichier: str
    ligne: int | None
    champ: str
    message: str

    def __str__(self) -> str:
        ligne = f":{self.ligne}" if self.ligne else ""
        champ = f" {self.champ}:" if self.champ else ""
        return f"{self.fichier}{ligne}:{champ} {self.message}"


class ErreursValidation(ClauseKitError):
    """Raised when a contract file is unreadable or invalid; carries every problem found at once."""

    def __init__(self, problemes: list[Probleme]) -> None:
        self.problemes = problemes
        super().__init__("\n".join(str(p) for p in problemes))


class ErreurDonnees(ClauseKitError):
    """Raised when a data file shipped with or configured for clause_kit (parameters, piece list) is wrong."""


class ErreurModele(ClauseKitError):
    """Raised when a Word template cannot be read or rendered (syntax error, unknown variable...)."""


class ErreurDocument(ClauseKitError):
    """Raised when a Word document to read or compare is unreadable, or the comparison engine fails or is missing."""


class ErreurSortie(ClauseKitError):
    """Raised when the output folder cannot be written (dossier already there, path outside SORTIE...)."""


class Interruption(Exception):  # noqa: N818 - a request, not an error: not a ClauseKitError
    """Raised in a batch worker when the user asked to stop (Ctrl-C in the main process)."""


class ErreurPdf(ClauseKitError):
    """Raised when LibreOffice is missing or fails to convert a piece, or a PDF cannot be assembled."""


_RAISONS = {
    errno.ENOENT: "chemin introuvable",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOSPC: "disque plein",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EEXIST: "existe déjà",
    errno.ENOTEMPTY: "dossier non vide",
    errno.ENAMETOOLONG: "nom trop long",
}


def raison_systeme(err: OSError) -> str:
    """The reason of a system error, in French (the system's own text is English here)."""
    return _RAISONS.get(err.errno or 0, err.strerror or type(err).__name__)
