"""The form served for real and Debian's Chromium driven by Playwright: shared by the browser test and the
screenshots script (``outils/captures_formulaire.py``). No browser is downloaded: ``/usr/bin/chromium``.

axe-core (the accessibility rules engine) comes from npm, installed by ``outils/installer.sh`` into
``outils/axe``: nothing is fetched when the tests run."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

RACINE = Path(__file__).resolve().parent.parent
#: axe-core's script, installed by outils/installer.sh (npm install --prefix outils/axe axe-core).
AXE = RACINE / "outils" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
#: The rules checked: WCAG 2.1 A and AA, and axe's best practices.
REGLES_AXE = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

CHROMIUM = "/usr/bin/chromium"
#: Without the networking flags Chromium's background connections fail on a closed network.
OPTIONS_CHROMIUM = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=fr-FR",  # dates shown as an officer in France sees them (jj/mm/aaaa)
]


def port_libre() -> int:
    with socket.socket() as essai:
        essai.bind(("127.0.0.1", 0))
        return int(essai.getsockname()[1])


@dataclass
class Serveur:
    """A running ``clause-kit formulaire``: its address, then, once stopped, what it printed."""

    adresse: str
    sortie: str = ""
    erreurs: str = ""
    code: int | None = None


@contextlib.contextmanager
def serveur(dossier: Path, dans: Path | None = None, port: int | None = None) -> Iterator[Serveur]:
    """``clause-kit formulaire DOSSIER`` started as a user starts it (from ``dans``); stopped by Ctrl-C (SIGINT)."""
    port = port or port_libre()
    processus = subprocess.Popen(
        [sys.executable, "-m", "clause_kit", "formulaire", str(dossier), "--port", str(port), "--sans-navigateur"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=dans,
    )
    lance = Serveur(f"http://127.0.0.1:{port}")
    try:
        limite = time.monotonic() + 30
        while True:
            with socket.socket() as essai:
                if essai.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert processus.poll() is None, processus.communicate()
            assert time.monotonic() < limite, "le serveur du formulaire n'a pas démarré"
            time.sleep(0.1)
        yield lance
    finally:
        if processus.poll() is None:
            processus.send_signal(signal.SIGINT)  # as Ctrl-C
        lance.sortie, lance.erreurs = processus.communicate(timeout=20)
        lance.code = processus.returncode


@contextlib.contextmanager
def navigateur() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=OPTIONS_CHROMIUM)
        try:
            yield chromium
        finally:
            chromium.close()


def violations_graves(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (one line each)."""
    assert AXE.is_file(), f"{AXE} manque : lancez outils/installer.sh (npm install --prefix outils/axe axe-core)"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))  # the context bypasses the page's CSP for this only
    resultats = page.evaluate(
        "async (regles) => (await axe.run(document, {runOnly: {type: 'tag', values: regles}})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ' (' + v.impact + ') : ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))",
        REGLES_AXE,
    )
    return [str(r) for r in resultats]
