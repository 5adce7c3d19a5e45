"""Commands of the template review: ``texte`` and ``comparer``.

Registered in ``clause_kit/cli.py``. ``comparer`` exits as diff(1) does: 0 identical, 1
different, 2 error (a usage error is 2 as well).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from clause_kit.cli_fr import CommandeFr
from clause_kit.erreurs import ClauseKitError, ErreurSortie, raison_systeme
from clause_kit.revue.difference import Paire, rapport_texte
from clause_kit.revue.difference import comparer as comparer_documents

__all__ = ["comparer", "texte"]


def _echouer(err: ClauseKitError, code: int = 1) -> NoReturn:
    click.echo(f"Erreur : {err}", err=True)
    sys.exit(code)


def _relatif(chemin: Path | str) -> str:
    """A path as short as possible for a message: relative to the current folder when inside it."""
    try:
        return str(Path(chemin).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(chemin)


def _ecrire(chemin: Path, contenu: bytes) -> None:
    """Write a file whole or not at all (temporary file beside it, then renamed)."""
    temporaire = chemin.with_name(f".{chemin.name}.{os.getpid()}.tmp")
    try:
        chemin.parent.mkdir(parents=True, exist_ok=True)
        temporaire.write_bytes(contenu)
        os.replace(temporaire, chemin)
    except OSError as err:
        temporaire.unlink(missing_ok=True)
        raise ErreurSortie(f"impossible d'écrire {chemin} ({raison_systeme(err)})") from err


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


_OPTIONS_SORTIE = [
    click.option(
        "--format",
        "format_",
        type=click.Choice(["texte", "html", "docx"]),
        default="texte",
        help="texte : différences ligne à ligne (par défaut) ; html : page côte à côte ; "
        "docx : document Word avec modifications suivies (requiert clause_kit[revue]).",
    ),
    click.option(
        "-o",
        "--sortie",
        type=click.Path(path_type=Path),
        metavar="SORTIE",
        help="Fichier (ou dossier, pour comparer deux dossiers en docx) où écrire ; obligatoire en docx.",
    ),
    click.option("--auteur", default="clause_kit", metavar="NOM", help="Auteur des modifications suivies (docx)."),
]


def _options_sortie(fonction):  # type: ignore[no-untyped-def]
    for option in reversed(_OPTIONS_SORTIE):
        fonction = option(fonction)
    return fonction


@click.command(cls=CommandeFr)
@click.argument("ancien", type=click.Path(path_type=Path), metavar="ANCIEN")
@click.argument("nouveau", type=click.Path(path_type=Path), metavar="NOUVEAU")
@_options_sortie
def comparer(ancien: Path, nouveau: Path, format_: str, sortie: Path | None, auteur: str) -> None:
    """Compare deux documents Word, ou deux dossiers de modèles (appariés par nom).

    Code de sortie : 0 identiques, 1 différents, 2 erreur.
    """
    try:
        paires = comparer_documents(ancien, nouveau)
        _produire([("", paires)], format_, sortie, auteur, f"Comparaison de {ancien} et {nouveau}")
    except ClauseKitError as err:
        _echouer(err, 2)
    sys.exit(0 if all(p.identique for p in paires) else 1)


def _produire(
    sections: list[tuple[str, list[Paire]]], format_: str, sortie: Path | None, auteur: str, titre: str
) -> None:
    """Print or write a comparison in the chosen format."""
    if format_ == "docx":
        _redlines([p for _, paires in sections for p in paires], sortie, auteur)
        return
    if format_ == "html":
        from clause_kit.revue.html import page_html

        page = page_html([p for _, paires in sections for p in paires], titre)
        if sortie is None:
            click.echo(page, nl=False)
        else:
            _ecrire(sortie, page.encode("utf-8"))
            click.echo(f"Page de comparaison écrite : {sortie}")
        return
    couleur = sortie is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    morceaux = []
    for intitule, paires in sections:
        if intitule:
            morceaux.append(f"== {intitule} ==\n")
        morceaux.append(rapport_texte(paires, couleur=couleur) or "Aucune différence.\n")
    if sortie is None:
        click.echo("".join(morceaux), nl=False)
    else:
        _ecrire(sortie, "".join(morceaux).encode("utf-8"))


def _redlines(paires: list[Paire], sortie: Path | None, auteur: str) -> None:
    """One redline per document present on both sides: SORTIE is the file, or the folder when there are several."""
    from clause_kit.revue.redline import redline

    if sortie is None:
        raise click.UsageError("le format docx demande -o / --sortie (fichier .docx, ou dossier)")
    communes = [p for p in paires if p.ancien is not None and p.nouveau is not None]
    plusieurs = len(paires) > 1
    for paire in paires:
        if paire.ancien is None or paire.nouveau is None:
            click.echo(f"{paire.nom} : {'ajouté' if paire.ancien is None else 'retiré'}, pas de comparaison Word")
    for paire in communes:
        if plusieurs and paire.identique:
            continue
        assert paire.ancien is not None and paire.nouveau is not None
        cible = sortie / paire.nouveau.name if plusieurs else sortie
        contenu = redline(paire.ancien, paire.nouveau, auteur=auteur)
        _ecrire(cible, contenu)
        click.echo(f"{paire.nom} : modifications suivies écrites dans {cible}")
        for libelle, noms in (("retirées", paire.variables_retirees), ("ajoutées", paire.variables_ajoutees)):
            if noms:
                click.echo(f"  variables {libelle} : {', '.join(noms)}")
