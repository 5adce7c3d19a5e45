"""``comparer --format docx``: a Word redline, the new document with genuine tracked changes.

The comparison is python-redlines' Docxodus engine (MIT; a .NET program shipped inside the
``python-redlines-docxodus`` wheel, extracted once into the user's cache, nothing downloaded
at run time). Measured beside the alternatives, it was the only one that tracks header
changes, table rows inserted as rows and moved paragraphs as moves, and whose « reject all »
gives back the old document. It is an optional extra (``pip install 'clause_kit[revue]'``):
without it, this format says how to install it and the other formats still work.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

from clause_kit.commun.erreurs import ErreurDocument, raison_systeme

__all__ = ["INSTALLATION", "redline"]

INSTALLATION = (
    "la comparaison au format docx (modifications suivies Word) demande le module facultatif python-redlines : "
    "installez-le avec  pip install 'clause_kit[revue]'  (ou relancez outils/installer.sh)"
)


def redline(ancien: Path, nouveau: Path, *, auteur: str, quand: datetime.datetime | None = None) -> bytes:
    """The redline .docx: ``nouveau`` with every difference from ``ancien`` as a tracked change by ``auteur``."""
    try:
        from python_redlines import DocxodusEngine, EngineExecutionError, EngineNotInstalledError
    except ImportError as err:
        raise ErreurDocument(INSTALLATION) from err
    try:
        moteur = DocxodusEngine()
    except EngineNotInstalledError as err:
        raise ErreurDocument(INSTALLATION) from err
    except OSError as err:  # the engine is extracted into the user's cache on first use
        raise ErreurDocument(f"moteur de comparaison Word inutilisable ({raison_systeme(err)})") from err
    horodatage = (quand or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    try:
        contenu, _, _ = moteur.run_redline(
            auteur,
            ancien,
            nouveau,
            detect_moves=True,
            date_time=horodatage.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
    except EngineExecutionError as err:
        detail = " ".join((err.stderr or "").split())[:300]
        raise ErreurDocument(f"comparaison Word de {ancien.name} et {nouveau.name} impossible ({detail})") from err
    except OSError as err:
        raise ErreurDocument(f"moteur de comparaison Word inutilisable ({raison_systeme(err)})") from err
    _verifier(contenu, nouveau.name)
    return contenu


def _verifier(contenu: bytes, nom: str) -> None:
    """The engine's output must be a Word document, never something half written."""
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ErreurDocument(f"le moteur de comparaison a produit un document sans texte pour {nom}")
    except zipfile.BadZipFile as err:
        raise ErreurDocument(f"le moteur de comparaison a produit un fichier illisible pour {nom}") from err
