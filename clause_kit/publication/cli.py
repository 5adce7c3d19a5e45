"""``clause-kit publier``: the eForms notice sheet of a contract, or its essential data after award.

Registered on the main group by ``clause_kit/cli.py``. Files are written together or not at all,
and an existing file is replaced only with ``--force``.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import click

from clause_kit.commun.cli_fr import CommandeFr, DateIso
from clause_kit.commun.fichiers import ecrire_sorties
from clause_kit.commun.formats import slug
from clause_kit.commun.horloge import aujourdhui

__all__ = ["publier"]


@click.command(cls=CommandeFr)
@click.argument("fichier", type=click.Path(path_type=Path), metavar="FICHIER.yaml")
@click.option(
    "-o",
    "--sortie",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    metavar="DOSSIER",
    help="Dossier où écrire (par défaut : le dossier courant).",
)
@click.option(
    "--decp",
    is_flag=True,
    help="Après l'attribution : les données essentielles (DECP 2.0.3), depuis le bloc execution du fichier.",
)
@click.option(
    "--date-publication",
    "date_publication",
    type=DateIso(),
    default=None,
    metavar="AAAA-MM-JJ",
    help="Avec --decp : date de publication des données (par défaut : aujourd'hui).",
)
@click.option("--force", is_flag=True, help="Remplacer les fichiers déjà écrits.")
def publier(fichier: Path, sortie: Path, decp: bool, date_publication: datetime.date | None, force: bool) -> None:
    """Fiche de publicité eForms (fiche-publicite.html et .json) ou, avec --decp, données essentielles.

    La fiche donne, lot par lot, les champs eForms de l'avis avec le code ou le texte à coller. Les
    données essentielles sont vérifiées selon les règles du format DECP 2.0.3 avant d'être écrites ;
    une information absente du fichier est nommée, jamais inventée, et rien n'est écrit.
    """
    if date_publication is not None and not decp:
        raise click.UsageError("--date-publication va avec --decp")
    if decp:
        from clause_kit.publication.decp import donnees_essentielles

        document = donnees_essentielles(fichier, date_publication or aujourdhui())
        contenus = {sortie / f"{slug(fichier.stem)}.decp.json": _json(document)}
    else:
        contenus = _fiche(fichier, sortie)
    ecrire_sorties(contenus, next(iter(contenus)).parent, force=force, suite=" : --force pour remplacer")
    for chemin in contenus:
        click.echo(f"Écrit : {chemin}")


def _fiche(fichier: Path, sortie: Path) -> dict[Path, bytes]:
    from clause_kit.commun.parametres import charger_parametres
    from clause_kit.dossier.fiche_publicite import NOM_HTML, NOM_JSON, fiche_html, fiche_json, fiche_publicite
    from clause_kit.marche.chargement import charger_detail
    from clause_kit.rendu.contexte import construire_contexte

    detail = charger_detail(fichier)
    consultation = detail.consultation
    contexte = construire_contexte(consultation, detail.chiffres, charger_parametres(), aujourdhui())
    fiches = fiche_publicite(consultation, detail.chiffres, contexte)
    return {sortie / NOM_HTML: fiche_html(fiches, consultation), sortie / NOM_JSON: fiche_json(fiches, consultation)}


def _json(document: dict[str, object]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
