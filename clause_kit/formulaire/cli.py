"""The form's commands: ``clause-kit formulaire`` (the local server) and ``clause-kit schema``.

Registered on the main group by ``clause_kit/cli.py``; the server's libraries are imported
only when the server starts.
"""

from __future__ import annotations

import errno
import json
import socket
import sys
import threading
import webbrowser
from pathlib import Path

import click

from clause_kit.commun.cli_fr import CommandeFr

__all__ = ["formulaire", "schema"]

#: The only address the server listens on: this machine, never the network.
ADRESSE = "127.0.0.1"


@click.command(cls=CommandeFr)
@click.argument("dossier", required=False, type=click.Path(path_type=Path, file_okay=False), metavar="[DOSSIER]")
@click.option("--port", type=int, default=8765, metavar="N", help="Port local, de 1024 à 65535 (par défaut : 8765).")
@click.option("--sans-navigateur", is_flag=True, help="Ne pas ouvrir le navigateur (l'adresse est affichée).")
def formulaire(dossier: Path | None, port: int, sans_navigateur: bool) -> None:
    """Ouvre le formulaire guidé dans le navigateur (serveur local, 127.0.0.1 seulement).

    DOSSIER : dossier des communes où lire et enregistrer les marchés (par défaut : dossiers).
    Ctrl-C arrête le serveur.
    """
    if not 1024 <= port <= 65535:
        raise click.BadParameter(f"{port} : un port de 1024 à 65535 est attendu", param_hint="--port")
    dossier = dossier or Path("dossiers")
    if dossier.exists() and not dossier.is_dir():
        raise click.BadParameter(f"{dossier} n'est pas un dossier", param_hint="DOSSIER")
    _verifier_port(port)
    import uvicorn

    from clause_kit.formulaire.app import creer_application

    adresse = f"http://{ADRESSE}:{port}/"
    configuration = uvicorn.Config(
        creer_application(dossier, port), host=ADRESSE, port=port, log_level="warning", server_header=False
    )
    serveur = uvicorn.Server(configuration)
    click.echo(f"Formulaire : {adresse}  (dossier des communes : {dossier} ; Ctrl-C pour arrêter)")
    if not sans_navigateur:
        threading.Timer(1.0, webbrowser.open, [adresse]).start()
    try:
        serveur.run()
    except KeyboardInterrupt:
        pass
    click.echo("Formulaire arrêté.")


def _verifier_port(port: int) -> None:
    """A clear message when the port is taken, before the server prints its own English one.

    The test binds as uvicorn will (``SO_REUSEADDR``): after Ctrl-C the port's old connections
    linger in TIME_WAIT for about a minute, which uvicorn ignores and a plain bind does not.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as essai:
        essai.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            essai.bind((ADRESSE, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                click.echo(f"Erreur : le port {port} est déjà utilisé ; choisissez-en un autre avec --port", err=True)
                sys.exit(1)
            raise


@click.command(cls=CommandeFr)
def schema() -> None:
    """Affiche le schéma JSON des fichiers de marché (complétion et contrôle dans les éditeurs)."""
    from clause_kit.formulaire.schema import schema_json  # the pydantic model: only for this command

    click.echo(json.dumps(schema_json(), ensure_ascii=False, indent=2))
