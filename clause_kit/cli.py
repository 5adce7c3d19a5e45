"""Command-line interface: parse options, call the core, print, map errors to exit codes.

Exit codes: 0 success, 1 a user error (invalid contract, template, output...), 2 bad usage
(click's own). A user's mistake is one French message on stderr, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from clause_kit import __version__
from clause_kit.calcul import calculer
from clause_kit.chargement import charger, charger_parametres
from clause_kit.dossier import generer as generer_dossier
from clause_kit.erreurs import ClauseKitError, ErreursValidation
from clause_kit.synthese import synthese, synthese_texte

__all__ = ["main"]


def _message(err: ClauseKitError) -> str:
    """Validation problems are already ``FICHIER:LIGNE: champ: message`` lines; others get a prefix."""
    return str(err) if isinstance(err, ErreursValidation) else f"Erreur : {err}"


def _echouer(err: ClauseKitError) -> NoReturn:
    click.echo(_message(err), err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clause-kit", message="%(prog)s %(version)s")
def main() -> None:
    """clause-kit : clauses d'insertion dans les marchés publics, du fichier YAML au dossier de consultation."""


@main.command()
@click.argument("fichier", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "format_", type=click.Choice(["texte", "json"]), default="texte", show_default=True,
              help="Présentation du résultat.")
def verifier(fichier: Path, format_: str) -> None:
    """Valide FICHIER et affiche les chiffres calculés et les choix appliqués."""
    try:
        consultation = charger(fichier)
        donnees = synthese(consultation, calculer(consultation, charger_parametres()))
    except ClauseKitError as err:
        _echouer(err)
    if format_ == "json":
        click.echo(json.dumps(donnees, ensure_ascii=False, indent=2))
    else:
        click.echo(synthese_texte(donnees))


@main.command()
@click.argument("fichiers", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--sortie", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Dossier où écrire SORTIE/<commune>/<reference>/.")
@click.option("--force", is_flag=True, help="Remplacer un dossier déjà généré.")
@click.option("--modeles", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="Dossier des modèles Word (par défaut : modeles/ du projet).")
def generer(fichiers: tuple[Path, ...], sortie: Path, force: bool, modeles: Path | None) -> None:
    """Génère le dossier de consultation clausé de chaque FICHIER YAML."""
    echecs = 0
    for fichier in fichiers:
        try:
            chemin, construit = generer_dossier(fichier, sortie, force=force, modeles=modeles)
        except ClauseKitError as err:
            click.echo(_message(err), err=True)
            echecs += 1
            continue
        click.echo(f"{chemin} : {len(construit.pieces)} pièces, {construit.chiffres.heures_total} heures d'insertion")
    if echecs:
        sys.exit(1)
