"""The journal of unexpected errors: a bug keeps its traceback, and the user is told where it is.

A user's mistake is one French line (``ClauseKitError``); a bug in clause_kit is something else,
and the message « à signaler » is useless without the stack. Every unexpected error goes
through ``signaler``: its traceback is appended to a log file (standard ``logging``, a file
handler opened only when there is something to write) and the French message names that file,
so that a bug report can carry it. With ``--debug`` or ``CLAUSE_KIT_DEBUG=1`` the traceback is
printed on stderr as well.

Where the file is: ``CLAUSE_KIT_JOURNAL`` if set, else ``$XDG_STATE_HOME/clause-kit/clause-kit.log``
(``~/.local/state/clause-kit/clause-kit.log`` by default), else the system's temporary folder when
the home folder cannot be written (a service account, a read-only home).
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

__all__ = ["chemin_journal", "configurer", "debug_demande", "journal", "signaler"]

journal = logging.getLogger("clause_kit")
_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s : %(message)s"


class _Fichier(logging.FileHandler):
    """A log file that, when it cannot be written, says so in the message instead of on stderr."""

    echec = False

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        """Remember the failure: the user's message will say the trace could not be kept."""
        self.echec = True


_fichier: _Fichier | None = None


def debug_demande() -> bool:
    """Whether ``CLAUSE_KIT_DEBUG`` asks for tracebacks on the screen (1, oui, true)."""
    return os.environ.get("CLAUSE_KIT_DEBUG", "").strip().lower() in {"1", "oui", "true", "yes"}


def chemin_journal() -> Path:
    """The log file's path (see the module's docstring); its folder is created when possible."""
    choisi = os.environ.get("CLAUSE_KIT_JOURNAL")
    if choisi:
        return Path(choisi)
    etat = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    dossier = Path(etat) / "clause-kit"
    try:
        dossier.mkdir(parents=True, exist_ok=True)
        if os.access(dossier, os.W_OK):
            return dossier / "clause-kit.log"
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / f"clause-kit-{os.getuid() if hasattr(os, 'getuid') else 'u'}.log"


def configurer(*, debug: bool = False) -> None:
    """Route clause_kit's records: errors to the log file, everything to stderr with ``debug``."""
    global _fichier
    journal.setLevel(logging.DEBUG if debug else logging.WARNING)
    journal.propagate = False
    chemin = os.path.abspath(chemin_journal())
    if _fichier is None or _fichier.baseFilename != chemin or _fichier not in journal.handlers:
        if _fichier is not None:
            journal.removeHandler(_fichier)
            _fichier.close()
        # delay=True: the file is opened at the first record, so an ordinary run writes nothing.
        _fichier = _Fichier(chemin, encoding="utf-8", delay=True)
        _fichier.setLevel(logging.WARNING)
        _fichier.setFormatter(logging.Formatter(_FORMAT))
        journal.addHandler(_fichier)
    ecrans = [h for h in journal.handlers if type(h) is logging.StreamHandler]
    if debug and not ecrans:
        ecran = logging.StreamHandler()
        ecran.setFormatter(logging.Formatter("%(levelname)s %(name)s : %(message)s"))
        journal.addHandler(ecran)
    elif not debug:
        for ecran in ecrans:
            journal.removeHandler(ecran)


def signaler(err: BaseException, ou: str = "") -> str:
    """Log ``err`` with its traceback; return the French message that names the log file.

    ``ou`` says what was being done (« data/marche.yaml », « /generer »): it starts the message.
    """
    if _fichier is None or _fichier not in journal.handlers:
        configurer(debug=debug_demande())
    journal.error("erreur inattendue%s", f" ({ou})" if ou else "", exc_info=err)
    debut = f"{ou} : " if ou else ""
    message = f"{debut}erreur inattendue de clause_kit ({type(err).__name__} : {err}) ; "
    if _fichier is None or _fichier.echec:
        return message + "à signaler (la trace n'a pas pu être écrite : relancez avec --debug pour la voir)"
    return message + f"la trace est dans {_fichier.baseFilename} : joignez-la à votre signalement"
