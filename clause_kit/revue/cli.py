"""Commands of the template review: ``texte``. Registered in ``clause_kit/cli.py``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from clause_kit.cli_fr import CommandeFr
from clause_kit.erreurs import ClauseKitError

__all__ = ["texte"]


def _echouer(err: ClauseKitError, code: int = 1) -> NoReturn:
    click.echo(f"Erreur : {err}", err=True)
    sys.exit(code)


@click.command(cls=CommandeFr)
@click.argument("fichier", type=click.Path(path_type=Path, dir_okay=False), metavar="FICHIER.docx")
def texte(fichier: Path) -> None:
    """Affiche le texte de FICHIER tel qu'un lecteur le lit, un paragraphe par ligne.

    En-têtes, corps, tableaux (une ligne par rangée, cellules séparées par « | »), pieds de page et notes ;
    numérotation comme dans Word ; balises Jinja telles quelles. Utilisable comme « textconv » de git.
    """
    from clause_kit.revue.texte import texte as texte_de

    try:
        click.echo(texte_de(fichier, str(fichier)), nl=False)
    except ClauseKitError as err:
        _echouer(err)
