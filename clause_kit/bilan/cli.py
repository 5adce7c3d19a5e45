"""``clause-kit bilan``: the annual report. Parse, call, print, exit code; nothing more.

Registered on the main group by ``clause_kit/cli.py`` with one line. Given folders, the
contracts and sheets below them are imported into a temporary register by ``suivi.importer``
(the one import path), so a report works on a fresh clone with no prior step.
"""

from __future__ import annotations

import contextlib
import datetime
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from clause_kit.commun.affichage import affichable
from clause_kit.commun.cli_fr import CommandeFr, DateIso, option_format
from clause_kit.commun.erreurs import ClauseKitError

__all__ = ["bilan"]


def _afficher_json(donnees: dict[str, Any]) -> None:
    """The report's JSON on stdout, written in pieces: people's paths are never one string in memory."""
    from clause_kit.bilan.flux import morceaux_json

    tampon: list[str] = []
    taille = 0
    for morceau in morceaux_json(donnees):
        tampon.append(morceau)
        taille += len(morceau)
        if taille >= 1 << 16:
            click.echo("".join(tampon), nl=False)
            tampon, taille = [], 0
    click.echo("".join(tampon))


@contextlib.contextmanager
def _registre(chemins: tuple[Path, ...], base: Path | None) -> Iterator[tuple[Path, bool]]:
    """The register to read, and whether some file or row was refused while importing the folders."""
    if not chemins:
        yield base or Path("suivi.sqlite"), False
        return
    from clause_kit.suivi.importer import importer

    with tempfile.TemporaryDirectory(prefix="clause_kit-bilan-") as dossier:
        temporaire = Path(dossier) / "suivi.sqlite"
        comptes = importer(list(chemins), temporaire)
        for compte in comptes:
            for message in [*compte.messages, *compte.avertissements]:
                click.echo(affichable(message, None), err=True)  # they quote cells of the sheets
        if not any(c.statut == "marche_enregistre" for c in comptes):
            lieux = ", ".join(map(str, chemins))
            if any(c.en_echec for c in comptes):
                # Contracts were there but refused: an error in a file (1), not a mistyped command (2).
                raise ClauseKitError(f"aucun marché valide sous {lieux} : corrigez les erreurs ci-dessus")
            raise click.UsageError(f"aucun fichier de marché sous {lieux}")
        yield temporaire, any(c.en_echec for c in comptes)


def _periode(annee: int | None, du: datetime.date | None, au: datetime.date | None) -> Any:
    from clause_kit.bilan.periode import periode_annee, periode_dates

    if annee is not None and (du or au):
        raise click.UsageError("--annee ou --du/--au, pas les deux")
    if (du is None) != (au is None):
        raise click.UsageError("--du et --au vont ensemble")
    if du is not None and au is not None:
        if au < du:
            raise click.UsageError(f"--au ({au}) avant --du ({du})")
        return periode_dates(du, au)
    return periode_annee(annee) if annee is not None else None


@click.command(cls=CommandeFr)
@click.argument("chemins", nargs=-1, type=click.Path(path_type=Path, exists=True), metavar="[CHEMIN]...")
@click.option(
    "--base",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FICHIER",
    help="Registre à lire (par défaut : suivi.sqlite du dossier courant) ; sans objet avec CHEMIN.",
)
@click.option("--annee", type=click.IntRange(2000, 2099), default=None, metavar="AAAA", help="Année civile du bilan.")
@click.option(
    "--du", type=DateIso(), default=None, metavar="DATE", help="Début de la période, AAAA-MM-JJ (mois entier)."
)
@click.option("--au", type=DateIso(), default=None, metavar="DATE", help="Fin de la période, AAAA-MM-JJ (mois entier).")
@click.option("--donneur-ordre", default=None, metavar="NOM", help="Bilan d'un seul donneur d'ordre.")
@click.option(
    "-o",
    "--sortie",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="SORTIE",
    help="Dossier où écrire le classeur (.xlsx) et le rapport Word (.docx).",
)
@option_format
@click.option("--pdf", is_flag=True, help="Ajouter le rapport en PDF (LibreOffice) ; avec -o.")
@click.option("--par-donneur-ordre", is_flag=True, help="Écrire aussi un rapport par donneur d'ordre ; avec -o.")
@click.option(
    "--texte",
    "texte_qualitatif",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FICHIER.md",
    help="Partie qualitative du rapport (par défaut : CHEMIN/bilan/<période>.md s'il existe).",
)
@click.option(
    "--diviseur-etp", type=click.IntRange(1, 10000), default=None, metavar="N", help="Heures par ETP (1 607)."
)
@click.option(
    "--interne",
    is_flag=True,
    help="Écrire aussi les fichiers internes (…-interne) : parcours des personnes et pénalités par lot ; avec -o.",
)
@click.option("--force", is_flag=True, help="Remplacer les fichiers d'un bilan déjà écrit dans SORTIE.")
def bilan(
    chemins: tuple[Path, ...],
    base: Path | None,
    annee: int | None,
    du: datetime.date | None,
    au: datetime.date | None,
    donneur_ordre: str | None,
    sortie: Path | None,
    format_: str,
    pdf: bool,
    par_donneur_ordre: bool,
    texte_qualitatif: Path | None,
    diviseur_etp: int | None,
    interne: bool,
    force: bool,
) -> None:
    """Bilan annuel : indicateurs, marchés par donneur d'ordre, parcours, heures à venir ; classeur et rapport Word.

    CHEMIN : dossiers ou fichiers de marchés et de fiches, importés dans un registre temporaire ;
    sans CHEMIN, le registre --base. Sans période, tout ce que le registre contient. Code de sortie 1
    si une fiche ou une ligne a été refusée à l'import : le bilan est affiché sans elle, et rien
    n'est écrit dans SORTIE.
    """
    if chemins and base is not None:
        raise click.UsageError("CHEMIN ou --base, pas les deux")
    if (pdf or par_donneur_ordre or interne) and sortie is None:
        raise click.UsageError("--pdf, --par-donneur-ordre et --interne demandent -o SORTIE")
    periode = _periode(annee, du, au)
    from clause_kit.bilan.etablir import etablir_bilan
    from clause_kit.bilan.phrases import bilan_texte

    with _registre(chemins, base) as (registre, refus):
        donnees = etablir_bilan(registre, periode, donneur_ordre=donneur_ordre, diviseur=diviseur_etp)
        ecrits: list[Path] = []
        if sortie is not None and not refus:
            from clause_kit.bilan.publier import Demande, publier

            demande = Demande(sortie, pdf, par_donneur_ordre, force, texte_qualitatif, chemins, diviseur_etp, interne)
            ecrits = publier(donnees, registre, demande)
    if format_ == "json":
        _afficher_json(donnees)
    else:
        click.echo(bilan_texte(donnees))
    for chemin in ecrits:
        click.echo(f"Écrit : {chemin}", err=format_ == "json")
    if refus:
        # A published report missing a refused sheet would look complete: none is written.
        click.echo("Bilan établi sans les fichiers ou lignes refusés ci-dessus.", err=True)
        if sortie is not None:
            click.echo(f"Erreur : rien n'est écrit dans {sortie} ; corrigez les fiches refusées et relancez.", err=True)
        sys.exit(1)
