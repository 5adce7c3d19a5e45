"""The ``clause-kit suivi`` command group: import, state, undo, journal, purge. Parse, call, print, exit code."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path
from typing import Any

import click

from clause_kit.commun.affichage import affichable
from clause_kit.commun.cli_fr import DateIso, GroupeFr, confirmer, option_format, terminal
from clause_kit.commun.horloge import aujourdhui

__all__ = ["CONSERVATION", "suivi"]

#: Key of the root context's ``meta``: what a purge must keep for the reports (``suivi.purge.Conservation``).
CONSERVATION = "clause_kit.conservation_purge"

_BASE = Path("suivi.sqlite")


def _option_base(fonction: Any) -> Any:
    return click.option(
        "--base",
        type=click.Path(path_type=Path, dir_okay=False),
        default=_BASE,
        metavar="FICHIER",
        help="Base SQLite du registre (par défaut : suivi.sqlite dans le dossier courant).",
    )(fonction)


@click.group(cls=GroupeFr, subcommand_metavar="COMMANDE [ARGUMENTS]...")
def suivi() -> None:
    """Suivi de l'exécution : fiches remplies par les entreprises, registre des heures, état, purge RGPD."""


_STATUTS = {
    "importe": "importée",
    "deja_importe": "déjà importée, rien ne change",
    "reprise": "fiche annulée, reprise",
    "marche_enregistre": "marché enregistré",
    "marche_inchange": "marché déjà enregistré, inchangé",
    "vide": "aucune ligne remplie, rien à importer",
    "refuse": "refusée",
}


def _detail(compte: Any) -> str:
    """What happened to a file, in one French phrase."""
    detail = _STATUTS[compte.statut]
    if compte.statut == "importe":
        detail = f"{compte.lignes} ligne(s) importée(s), {compte.rejets} rejetée(s)"
        if compte.remplacees:
            detail += f", {compte.remplacees} ligne(s) d'une fiche précédente remplacée(s)"
        if compte.neants:
            detail += f", {compte.neants} mois déclaré(s) « néant » (personne n'a travaillé)"
    elif compte.statut == "reprise":
        detail += f" : {compte.lignes} ligne(s) de nouveau en vigueur"
    elif compte.reference:
        detail += f" ({compte.reference})"
    return detail


@suivi.command()
@click.argument("chemins", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="CHEMIN...")
@_option_base
@click.option("--strict", is_flag=True, help="Refuser toute une fiche dès qu'une de ses lignes est en erreur.")
def importer(chemins: tuple[Path, ...], base: Path, strict: bool) -> None:
    """Enregistre des marchés (YAML, manifest.json) et des fiches remplies (.xlsx, .ods, .csv).

    CHEMIN : fichiers ou dossiers (parcourus). Code de sortie 1 si une ligne ou un fichier est refusé.
    """
    from clause_kit.suivi.importer import importer as importer_fichiers

    comptes = importer_fichiers(list(chemins), base, strict=strict)
    for compte in comptes:
        for message in [*compte.messages, *compte.avertissements]:
            # Last guard: a message quotes cells, sheet and file names, none may drive the terminal.
            click.echo(affichable(message, None), err=True)
    vierges = [c.fichier for c in comptes if c.statut == "vide"]
    for compte in comptes:
        if compte.statut == "vide" and len(vierges) > 1:
            continue  # blank templates of a folder of dossiers: one line for all of them, below
        click.echo(affichable(f"{compte.fichier} : {_detail(compte)}", None))
        for correction in compte.corrections:
            click.echo(f"  {affichable(correction, None)}")
    if len(vierges) > 1:
        exemples = ", ".join(Path(f).name for f in vierges[:3]) + (" …" if len(vierges) > 3 else "")
        click.echo(f"{len(vierges)} fiches sans aucune ligne remplie (modèles vierges), ignorées : {exemples}")
    if not comptes:
        click.echo("Aucun fichier de marché ou de suivi trouvé.", err=True)
    if not comptes or any(c.en_echec for c in comptes):
        sys.exit(1)


@suivi.command()
@_option_base
@option_format
@click.option(
    "--au", type=DateIso(), default=None, metavar="DATE", help="Date de l'état, AAAA-MM-JJ (par défaut : aujourd'hui)."
)
def etat(base: Path, format_: str, au: datetime.date | None) -> None:
    """Heures dues et réalisées par donneur d'ordre, marché et lot ; mois manquants, pénalités, fins de contrat."""
    from clause_kit.suivi.etat import calculer_etat, etat_texte

    donnees = calculer_etat(base, au or aujourdhui())
    click.echo(json.dumps(donnees, ensure_ascii=False, indent=2) if format_ == "json" else etat_texte(donnees))


@suivi.command()
@click.argument("designation", metavar="FICHIER|SHA256")
@_option_base
def annuler(designation: str, base: Path) -> None:
    """Retire une fiche importée (par son fichier ou son empreinte SHA-256) et rétablit ce qu'elle avait remplacé.

    Rien n'est effacé : la fiche reste dans le journal, marquée annulée.
    """
    from clause_kit.suivi.annulation import annulation_texte
    from clause_kit.suivi.annulation import annuler as annuler_fiche

    for ligne in annulation_texte(annuler_fiche(base, designation)):
        click.echo(ligne)


@suivi.command()
@_option_base
@option_format
def journal(base: Path, format_: str) -> None:
    """Opérations du registre : marchés, fiches (lignes ajoutées, remplacées, rejetées par lot), annulations, purges."""
    from clause_kit.suivi.annulation import journal as lire_journal
    from clause_kit.suivi.annulation import journal_texte

    donnees = lire_journal(base)
    if format_ == "json":
        click.echo(json.dumps(donnees, ensure_ascii=False, indent=2))
    else:  # file names come from the companies: none may drive the terminal
        click.echo("\n".join(affichable(ligne, None) for ligne in journal_texte(donnees).split("\n")))


@suivi.command()
@_option_base
@click.option(
    "--avant",
    type=DateIso(),
    default=None,
    metavar="DATE",
    help="Date à laquelle la durée de conservation est appréciée, AAAA-MM-JJ, au plus aujourd'hui sauf avec --essai "
    "(par défaut : aujourd'hui).",
)
@click.option("--essai", is_flag=True, help="Dire ce qui serait supprimé, sans rien supprimer.")
@click.option(
    "--oui",
    is_flag=True,
    help="Supprimer sans demander de confirmation (obligatoire sans terminal, ex. tâche planifiée).",
)
def purger(base: Path, avant: datetime.date | None, essai: bool, oui: bool) -> None:
    """Supprime les lignes des personnes dont la durée de conservation est dépassée, en gardant les totaux anonymes.

    Sur un terminal, la purge dit ce qu'elle va supprimer et demande confirmation ; sinon, --oui.
    """
    from clause_kit.suivi.purge import purger as purger_registre
    from clause_kit.suivi.purge import verifier_avant

    jour = avant or aujourdhui()
    verifier_avant(jour, essai=essai)  # before anything is read: a refused date touches nothing
    # The main command group gives what the annual report keeps of the people purged (a layer above this one).
    conserver = click.get_current_context().find_root().meta.get(CONSERVATION)
    if not essai and not oui:
        # Deleting is final: a person sees what will go before it goes; a script says so with --oui.
        if not terminal():
            raise click.UsageError(
                "purge sans confirmation : pas de terminal pour la demander ; ajoutez --oui pour supprimer "
                "(ou --essai pour voir ce qui serait supprimé) ; rien n'est supprimé"
            )
        apercu = purger_registre(base, jour, essai=True, conserver=conserver)
        if apercu.personnes or apercu.preuves:
            click.echo(_resume(apercu))
            if not confirmer("Supprimer définitivement ces données ?"):
                click.echo("Purge abandonnée : rien n'est supprimé.", err=True)
                sys.exit(1)
    bilan = purger_registre(base, jour, essai=essai, conserver=conserver)
    click.echo(_resume(bilan))


def _resume(bilan: Any) -> str:
    """What a purge deleted, or would delete for a trial run, in one French sentence."""
    verbe = "seraient supprimées" if bilan.essai else "supprimées"
    return (
        f"Personnes dont le dernier contrat a pris fin avant le {bilan.limite.isoformat()} "
        f"(conservation : {bilan.annees} ans) : {bilan.personnes}. {verbe.capitalize()} : {bilan.lignes} ligne(s), "
        f"{bilan.rejets} ligne(s) rejetée(s), {bilan.preuves} copie(s) de fiche ; totaux anonymes conservés."
    )
