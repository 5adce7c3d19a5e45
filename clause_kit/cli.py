"""Command-line interface: parse options, call the core, print, map errors to exit codes.

Exit codes: 0 success, 1 a user error (invalid contract, template, output...), 2 bad usage
(click's own). A user's mistake is one French message on stderr, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from clause_kit.commun.cli_fr import GroupeFr, message_erreur, option_format
from clause_kit.commun.erreurs import ClauseKitError, ErreurSortie
from clause_kit.commun.journal import configurer, debug_demande
from clause_kit.commun.signaux import arrets_comme_ctrl_c, code_de_sortie, ignorer_arrets
from clause_kit.lot.restes import nettoyer_restes
from clause_kit.revue.cli import comparer, modeles, texte
from clause_kit.suivi.cli import CONSERVATION
from clause_kit.suivi.cli import suivi as groupe_suivi

if TYPE_CHECKING:
    from clause_kit.lot.batch import Options
    from clause_kit.lot.compte_rendu import Resultat

# The core's heavy modules (pydantic model, Word rendering, babel) are imported by the commands
# that use them: `clause-kit suivi etat` and `--help` do not pay for them.

__all__ = ["main"]


@click.group(
    cls=GroupeFr,
    context_settings={"help_option_names": ["-h", "--help"]},
    subcommand_metavar="COMMANDE [ARGUMENTS]...",
)
@click.version_option(
    # package_name: click reads the installed metadata only when --version is asked for.
    package_name="clause_kit",
    prog_name="clause-kit",
    message="%(prog)s %(version)s",
    help="Afficher la version et quitter.",
)
@click.option(
    "--debug",
    is_flag=True,
    help="Afficher sur l'écran la trace complète d'une erreur inattendue (aussi : CLAUSE_KIT_DEBUG=1).",
)
def main(debug: bool) -> None:
    """clause-kit : clauses d'insertion dans les marchés publics, du fichier YAML au dossier de consultation."""
    configurer(debug=debug or debug_demande())
    # A purge keeps the annual report's counts of the people it deletes: wired here, above both capabilities.
    click.get_current_context().meta[CONSERVATION] = _conserver_bilan


def _conserver_bilan(registre: Any) -> None:
    from clause_kit.bilan.agregats import conserver

    conserver(registre)


main.add_command(groupe_suivi)


@main.command()
@click.argument("fichier", type=click.Path(path_type=Path), metavar="FICHIER.yaml")
@option_format
def verifier(fichier: Path, format_: str) -> None:
    """Valide FICHIER et affiche les chiffres calculés et les choix appliqués."""
    from clause_kit.marche.chargement import charger_detail
    from clause_kit.marche.synthese import synthese, synthese_texte

    detail = charger_detail(fichier)
    donnees = synthese(detail.consultation, detail.chiffres, detail.origines, detail.defauts)
    if format_ == "json":
        click.echo(json.dumps(donnees, ensure_ascii=False, indent=2))
    else:
        click.echo(synthese_texte(donnees))


@main.command()
@click.argument("chemins", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="CHEMIN...")
@click.option(
    "-o",
    "--sortie",
    type=click.Path(path_type=Path),
    metavar="SORTIE",
    help="Obligatoire : dossier où écrire SORTIE/<commune>/<reference>/.",
)
@click.option("--force", is_flag=True, help="Remplacer un dossier déjà généré.")
@click.option(
    "--mettre-a-jour",
    "mettre_a_jour",
    is_flag=True,
    help="Ne régénérer que les dossiers dont une entrée a changé (marché, _commune.yaml, modèles, "
    "paramètres, options, version) ; les autres sont laissés tels quels, « à jour ».",
)
@click.option(
    "--commune", "communes", multiple=True, metavar="NOM", help="Ne générer que cette commune (option répétable)."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Processus en parallèle, au moins 1 (par défaut : nombre de cœurs).",
)
@click.option(
    "--pdf", is_flag=True, help="Ajouter dossier.pdf (toutes les pièces, avec signets) ; requiert LibreOffice."
)
@click.option("--zip", "archive", is_flag=True, help="Ajouter une archive ZIP du dossier, prête à déposer.")
@click.option(
    "--brouillon",
    is_flag=True,
    help="Brouillon : accepter les choix laissés par défaut (procédure, facilitateur) et surligner "
    "dans les pièces chaque valeur par défaut.",
)
@click.option(
    "--modeles",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    metavar="DOSSIER",
    help="Dossier des modèles Word (par défaut : modeles/ du projet).",
)
def generer(
    chemins: tuple[Path, ...],
    sortie: Path | None,
    force: bool,
    mettre_a_jour: bool,
    communes: tuple[str, ...],
    jobs: int | None,
    pdf: bool,
    archive: bool,
    brouillon: bool,
    modeles: Path | None,
) -> None:
    """Génère le dossier de consultation clausé de chaque marché.

    CHEMIN : fichiers YAML ou dossiers (tous les .yaml en dessous, sauf _commune.yaml).
    """
    if sortie is None:  # checked here rather than by click, whose "[required]" is not translatable
        raise click.UsageError("option obligatoire manquante : -o / --sortie")
    if force and mettre_a_jour:
        raise click.UsageError(
            "--force et --mettre-a-jour s'excluent : --force remplace tout, --mettre-a-jour ce qui a changé"
        )
    from clause_kit.lot.batch import Options
    from clause_kit.lot.compte_rendu import liberer, preparer_sortie, reserver_rapport
    from clause_kit.lot.selection import collecter, reperer_doublons, selectionner_communes

    fichiers, absents = collecter(list(chemins))
    racines = tuple(c for c in chemins if c.is_dir())
    fichiers = selectionner_communes(fichiers, communes, racines)
    fichiers, doublons = reperer_doublons(fichiers, racines)
    if pdf:
        from clause_kit.dossier.pdf import trouver_soffice  # pypdf is only needed with --pdf

        trouver_soffice()
    if not fichiers and not absents:
        raise ErreurSortie("aucun fichier de marché (.yaml) trouvé" + (" pour ces communes" if communes else ""))
    preparer_sortie(sortie)
    for message in nettoyer_restes(sortie):
        click.echo(f"Nettoyage : {message}", err=True)
    options = Options(
        sortie=sortie, force=force, modeles=modeles, pdf=pdf, archive=archive, racines=racines, brouillon=brouillon
    )
    deja: list[Resultat] = []
    if mettre_a_jour:
        fichiers, options, deja = _trier(fichiers, options)
    reserve = reserver_rapport(sortie, len(fichiers) + len(absents) + len(doublons) + len(deja))
    try:
        code = _lancer(fichiers, options, [*absents, *doublons, *deja], jobs or os.cpu_count() or 1, reserve)
    finally:
        liberer(reserve)
    if code:
        sys.exit(code)


def _trier(fichiers: list[Path], options: Options) -> tuple[list[Path], Options, list[Resultat]]:
    """``--mettre-a-jour``: contracts to build, options letting their stale dossiers be replaced, the rest."""
    import dataclasses

    from clause_kit.dossier.entrees import Reglages
    from clause_kit.lot.mise_a_jour import trier

    reglages = Reglages(pdf=options.pdf, zip=options.archive, brouillon=options.brouillon)
    tri = trier(fichiers, options.sortie, reglages, modeles=options.modeles, racines=options.racines)
    return tri.a_generer, dataclasses.replace(options, a_remplacer=tri.a_remplacer), tri.a_jour


def _lancer(
    fichiers: list[Path], options: Options, resultats: list[Resultat], jobs: int, reserve: dict[Path, Path]
) -> int:
    """Run the batch and write its report (in the room ``reserve`` kept for it), even when stopped; return the code.

    SIGTERM and SIGHUP stop like Ctrl-C (codes 143, 129, 130); a second signal while the
    report is being written is only noted.
    """
    from clause_kit.lot.batch import generer_tout
    from clause_kit.lot.compte_rendu import REUSSIS, completer

    with arrets_comme_ctrl_c():
        try:
            with _barre(len(fichiers)) as avancer:

                def suivi(paquet: list[Resultat]) -> None:
                    resultats.extend(paquet)
                    avancer(len(paquet))

                generer_tout(fichiers, options, jobs=jobs, suivi=suivi)
        except KeyboardInterrupt:
            ignorer_arrets()
            _rapporter(completer(resultats, fichiers), options.sortie, reserve)
            code = code_de_sortie() or 130
            nom = "Ctrl-C" if code == 130 else signal.Signals(code - 128).name
            click.echo(
                f"Interrompu ({nom}) : les dossiers terminés sont complets, aucun dossier n'est resté à moitié écrit.",
                err=True,
            )
            return code
        ignorer_arrets()
        rapport_ecrit = _rapporter(resultats, options.sortie, reserve)
    # A stop signal that came while the report was written: the report was finished first.
    reussi = all(r.statut in REUSSIS for r in resultats)
    return code_de_sortie() or (0 if rapport_ecrit and reussi else 1)


@contextlib.contextmanager
def _barre(total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal for long runs; nothing when stderr is not a terminal."""
    if total < 5 or not sys.stderr.isatty():
        yield lambda n: None
        return
    with click.progressbar(length=total, label="Génération", file=sys.stderr) as barre:
        yield barre.update


def _rapporter(resultats: list[Resultat], sortie: Path, reserve: dict[Path, Path]) -> bool:
    """Errors on stderr, the summary table on stdout, the batch report beside the dossiers; False if unwritten."""
    from clause_kit.lot.compte_rendu import ecrire_rapport, tableau_resume

    resultats = sorted(resultats, key=lambda r: r.fichier)  # packets finish in any order
    for r in resultats:
        if r.statut == "erreur":
            click.echo(r.message, err=True)
    click.echo(tableau_resume(resultats))
    try:
        json_, _ = ecrire_rapport(resultats, sortie, reserve)
    except ClauseKitError as err:  # the summary is printed: say why the report is missing, exit 1
        click.echo(message_erreur(err), err=True)
        return False
    click.echo(f"Rapport : {json_} (et .csv)")
    return True


# The template review (clause_kit/revue/): its commands live with it.
main.add_command(texte)
main.add_command(comparer)
main.add_command(modeles)
# The guided form's commands live in their capability's package (see formulaire/cli.py).
from clause_kit.formulaire.cli import formulaire, schema  # noqa: E402

main.add_command(formulaire)
main.add_command(schema)
# The annual report (clause_kit/bilan/).
from clause_kit.bilan.cli import bilan  # noqa: E402

main.add_command(bilan)
# Publishing: the eForms notice sheet, the essential data after award (clause_kit/publication/).
from clause_kit.publication.cli import publier  # noqa: E402

main.add_command(publier)
