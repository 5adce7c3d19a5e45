"""``comparer --format docx``: a Word redline, the new document with genuine tracked changes.

The comparison is python-redlines' Docxodus engine (MIT; a .NET program shipped inside the
``python-redlines-docxodus`` wheel, extracted once into the user's cache, nothing downloaded
at run time). Measured beside the alternatives, it was the only one that tracks header
changes, table rows inserted as rows and moved paragraphs as moves, and whose « reject all »
gives back the old document. It is an optional extra (``pip install 'clause_kit[revue]'``):
without it, this format says how to install it and the other formats still work.

The engine runs under our hand rather than through python-redlines' ``run_redline``, which
waits for ever and leaves its files behind when stopped: in its own process group, killed
with its children after ``delai`` seconds or on a stop (Ctrl-C, SIGTERM), dying with us, and
with its temporary folder (``TMPDIR``, where .NET also puts its diagnostic pipes) and its
output in a private folder removed whatever happens.
"""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import tempfile
import zipfile
from pathlib import Path

from clause_kit.commun.erreurs import ErreurDocument, raison_systeme
from clause_kit.commun.signaux import preexec_mourir_avec_le_parent, tuer_groupe

__all__ = ["DELAI", "INSTALLATION", "PREFIXE_TEMPORAIRE", "redline"]

#: Seconds allowed to the engine for one comparison by default (``comparer --delai``): a
#: template of a hundred pages takes a few seconds; a document that takes minutes is pathological.
DELAI = 180.0
#: The private folder of one comparison in the system's temporary directory.
PREFIXE_TEMPORAIRE = "clause_kit-redline-"

INSTALLATION = (
    "la comparaison au format docx (modifications suivies Word) demande le module facultatif python-redlines : "
    "installez-le avec  pip install 'clause_kit[revue]'  (ou relancez outils/installer.sh)"
)


def redline(
    ancien: Path, nouveau: Path, *, auteur: str, quand: datetime.datetime | None = None, delai: float = DELAI
) -> bytes:
    """The redline .docx: ``nouveau`` with every difference from ``ancien`` as a tracked change by ``auteur``."""
    try:
        from python_redlines import DocxodusEngine, EngineNotInstalledError
    except ImportError as err:
        raise ErreurDocument(INSTALLATION) from err
    try:
        moteur = DocxodusEngine()
    except EngineNotInstalledError as err:
        raise ErreurDocument(INSTALLATION) from err
    except OSError as err:  # the engine is extracted into the user's cache on first use
        raise ErreurDocument(f"moteur de comparaison Word inutilisable ({raison_systeme(err)})") from err
    horodatage = (quand or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    with tempfile.TemporaryDirectory(prefix=PREFIXE_TEMPORAIRE) as dossier:
        cible = Path(dossier) / "revue.docx"
        # The command as python-redlines builds it (pinned version): only the running is ours.
        commande = moteur._build_command(
            auteur,
            str(ancien.resolve()),
            str(nouveau.resolve()),
            str(cible),
            detect_moves=True,
            date_time=horodatage.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        code, journal = _executer(commande, dossier, delai, f"{ancien.name} et {nouveau.name}")
        if code != 0:
            detail = " ".join(journal.split())[:300]
            raise ErreurDocument(f"comparaison Word de {ancien.name} et {nouveau.name} impossible ({detail})")
        try:
            contenu = cible.read_bytes()
        except OSError as err:
            raise ErreurDocument(f"le moteur de comparaison n'a rien produit pour {nouveau.name}") from err
    _verifier(contenu, nouveau.name)
    return contenu


def _executer(commande: list[str], dossier: str, delai: float, noms: str) -> tuple[int, str]:
    """Run the engine in ``dossier`` (its TMPDIR); its exit code and messages. Killed on a stop or after ``delai``."""
    try:
        processus = subprocess.Popen(
            commande,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # its progress lines; its errors are on stderr
            stderr=subprocess.PIPE,
            cwd=dossier,
            env={**os.environ, "TMPDIR": dossier},
            start_new_session=True,  # its own group: killed whole, and the terminal's Ctrl-C is ours to relay
            preexec_fn=preexec_mourir_avec_le_parent(),
        )
    except OSError as err:
        raise ErreurDocument(f"moteur de comparaison Word inutilisable ({raison_systeme(err)})") from err
    try:
        _, erreurs = processus.communicate(timeout=delai)
    except subprocess.TimeoutExpired as err:
        tuer_groupe(processus)
        raise ErreurDocument(
            f"comparaison Word de {noms} arrêtée après {delai:g} s (--delai) : document trop lourd pour le "
            "moteur ; comparez en texte ou en html, ou accordez plus de temps"
        ) from err
    except BaseException:  # Ctrl-C, SIGTERM: the engine stops with us, its folder is removed by the caller
        tuer_groupe(processus)
        raise
    return processus.returncode, erreurs.decode("utf-8", errors="replace")


def _verifier(contenu: bytes, nom: str) -> None:
    """The engine's output must be a Word document, never something half written."""
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ErreurDocument(f"le moteur de comparaison a produit un document sans texte pour {nom}")
    except zipfile.BadZipFile as err:
        raise ErreurDocument(f"le moteur de comparaison a produit un fichier illisible pour {nom}") from err
