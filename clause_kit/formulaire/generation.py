"""« Générer le dossier » : the command line's own ``generer``, in a child process, into a temporary folder.

A child process rather than a call: a hostile template, a runaway LibreOffice or a crash can
cost that process, never the server, and a time limit ends it. The ZIP it writes (pieces,
manifest, PDF when LibreOffice is installed) is read back and handed to the browser; the
temporary folder is removed whatever happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from clause_kit.commun.erreurs import ClauseKitError
from clause_kit.marche.communes import NIVEAUX_MAX

__all__ = ["DELAI_GENERATION", "Archive", "generer_archive", "libreoffice_present"]

#: Longest a generation may take (LibreOffice included) before it is stopped.
DELAI_GENERATION = 300.0


@dataclass(frozen=True)
class Archive:
    """The ZIP of a generated dossier, or the command's messages when it failed."""

    nom: str
    contenu: bytes | None
    messages: str = ""


def libreoffice_present() -> bool:
    """Whether LibreOffice can convert the pieces (then the ZIP holds ``dossier.pdf``)."""
    from clause_kit.dossier.pdf import trouver_soffice

    try:
        trouver_soffice()
    except ClauseKitError:
        return False
    return True


async def generer_archive(
    texte_yaml: str, nom_fichier: str, verrou: asyncio.Lock, *, brouillon: bool = False
) -> Archive:
    """Run ``clause-kit generer FICHIER --zip [--pdf] [--brouillon]`` on the YAML text; return the ZIP.

    ``verrou`` lets one generation run at a time: the machine's cores are better spent finishing it.
    """
    async with verrou:
        with tempfile.TemporaryDirectory(prefix="clause-kit-generation-") as racine:
            dossier = Path(racine).joinpath(*["isole"] * NIVEAUX_MAX)
            dossier.mkdir(parents=True)
            source = dossier / nom_fichier
            source.write_text(texte_yaml, encoding="utf-8")
            sortie = Path(racine) / "sortie"
            commande = [
                sys.executable,
                "-m",
                "clause_kit",
                "generer",
                str(source),
                "-o",
                str(sortie),
                "--zip",
                "-j",
                "1",
            ]
            if libreoffice_present():
                commande.append("--pdf")
            if brouillon:
                commande.append("--brouillon")
            code, journal = await _executer(commande)
            archives = sorted(sortie.glob("*/*/*.zip"))
            if code != 0 or len(archives) != 1:
                messages = journal.replace(f"{source}", nom_fichier).replace(f"{sortie}{os.sep}", "")
                return Archive(nom_fichier, None, messages.strip() or f"échec de la génération (code {code})")
            return Archive(archives[0].name, archives[0].read_bytes())


async def _executer(commande: list[str]) -> tuple[int, str]:
    """Run the command in its own process group; stop the whole group past the time limit."""
    processus = await asyncio.create_subprocess_exec(
        *commande,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C on the server is not sent to it; LibreOffice goes with it
    )
    try:
        sortie, _ = await asyncio.wait_for(processus.communicate(), DELAI_GENERATION)
    except (TimeoutError, asyncio.CancelledError):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(processus.pid, signal.SIGKILL)
        await processus.wait()
        return -1, f"génération arrêtée au bout de {int(DELAI_GENERATION)} secondes"
    return processus.returncode or 0, sortie.decode("utf-8", "replace")
