"""Accept or reject every tracked change of Word documents in LibreOffice, as a reviewer would.

Usage (Debian's own Python, which has LibreOffice's ``uno`` module: ``apt-get install python3-uno``):

    /usr/bin/python3 tests/revisions_libreoffice.py accepter ENTREE.docx SORTIE.docx [rejeter ENTREE SORTIE]...

One headless LibreOffice (its own throw-away profile) opens each document, runs « Accepter
tout » or « Rejeter tout » (the same commands as Édition > Suivi des modifications), and saves
the result as .docx. Prints, for each document, how many changes it had before and after.
The tests run it as a subprocess: the project's virtual environment cannot import ``uno``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

COMMANDES = {"accepter": ".uno:AcceptAllTrackedChanges", "rejeter": ".uno:RejectAllTrackedChanges"}


def _propriete(nom: str, valeur: object) -> PropertyValue:
    propriete = PropertyValue()
    propriete.Name, propriete.Value = nom, valeur
    return propriete


def _compter(document: object) -> int:
    enumeration = document.getRedlines().createEnumeration()  # type: ignore[attr-defined]
    n = 0
    while enumeration.hasMoreElements():
        enumeration.nextElement()
        n += 1
    return n


def _connecter(tube: str) -> object:
    local = uno.getComponentContext()
    resolveur = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    limite = time.monotonic() + 60
    while True:
        try:
            return resolveur.resolve(f"uno:pipe,name={tube};urp;StarOffice.ComponentContext")
        except Exception:  # noqa: BLE001 - LibreOffice is still starting
            if time.monotonic() > limite:
                raise
            time.sleep(0.1)


def traiter(travaux: list[tuple[str, str, str]]) -> None:
    profil = tempfile.mkdtemp(prefix="clause-kit-lo-")
    tube = f"clause_kit_{os.getpid()}"
    soffice = shutil.which("soffice") or "soffice"
    processus = subprocess.Popen(
        [
            soffice,
            f"-env:UserInstallation=file://{profil}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={tube};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bureau = None
    try:
        contexte = _connecter(tube)
        gestionnaire = contexte.ServiceManager  # type: ignore[attr-defined]
        bureau = gestionnaire.createInstanceWithContext("com.sun.star.frame.Desktop", contexte)
        repartiteur = gestionnaire.createInstanceWithContext("com.sun.star.frame.DispatchHelper", contexte)
        for action, entree, sortie in travaux:
            url = uno.systemPathToFileUrl(os.path.abspath(entree))
            document = bureau.loadComponentFromURL(url, "_blank", 0, (_propriete("Hidden", True),))
            avant = _compter(document)
            cadre = document.getCurrentController().getFrame()
            repartiteur.executeDispatch(cadre, COMMANDES[action], "", 0, ())
            apres = _compter(document)
            cible = uno.systemPathToFileUrl(os.path.abspath(sortie))
            document.storeToURL(cible, (_propriete("FilterName", "MS Word 2007 XML"),))
            document.close(True)
            print(f"{action} {entree} : {avant} -> {apres}")
    finally:
        if bureau is not None:
            try:
                bureau.terminate()
            except Exception:  # noqa: BLE001 - the bridge closes as LibreOffice quits
                pass
        try:
            processus.wait(30)
        except subprocess.TimeoutExpired:
            processus.kill()
        shutil.rmtree(profil, ignore_errors=True)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if not arguments or len(arguments) % 3 or any(a not in COMMANDES for a in arguments[::3]):
        sys.exit(__doc__)
    traiter([(arguments[i], arguments[i + 1], arguments[i + 2]) for i in range(0, len(arguments), 3)])
