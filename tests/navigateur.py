"""The form served for real and Debian's Chromium driven by Playwright: shared by the browser test and the
screenshots script (``outils/captures_formulaire.py``). No browser is downloaded: ``/usr/bin/chromium``."""

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

from playwright.sync_api import Browser, sync_playwright

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
def serveur(dossier: Path, dans: Path | None = None) -> Iterator[Serveur]:
    """``clause-kit formulaire DOSSIER`` started as a user starts it (from ``dans``); stopped by Ctrl-C (SIGINT)."""
    port = port_libre()
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
