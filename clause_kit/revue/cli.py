"""Commands of the template review: ``texte``, ``comparer`` and the ``modeles`` group.

Registered in ``clause_kit/cli.py``. ``comparer`` exits as diff(1) does: 0 identical, 1
different, 2 error (a usage error is 2 as well). ``modeles verifier`` exits 0 only when every
template is sound.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from clause_kit.commun.cli_fr import Choix, CommandeFr, GroupeFr, code_en_erreur
from clause_kit.commun.erreurs import ErreurSortie, Probleme, raison_systeme
from clause_kit.commun.signaux import arrets_comme_ctrl_c
from clause_kit.revue.redline import DELAI  # the standard library only: the Word engine loads on use

if TYPE_CHECKING:
    from clause_kit.rendu.couches import Couches
    from clause_kit.revue.difference import Paire
    from clause_kit.revue.verification import DocumentAVerifier

# The layers, the pydantic model and the Word readers are imported by the commands that use
# them: registering these commands must not slow down `clause-kit --help` or `suivi etat`.

__all__ = ["comparer", "modeles", "texte"]

_RACINE_SOURCES = Path(__file__).resolve().parent.parent.parent


def _relatif(chemin: Path | str) -> str:
    """A path as short as possible for a message: relative to the current folder when inside it."""
    try:
        return str(Path(chemin).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(chemin)


def _ecrire(contenus: dict[Path, bytes]) -> None:
    """Write the outputs whole, all or none, as ``generer`` does.

    Each goes to an exclusive temporary file beside it (a random name, created with ``O_EXCL``:
    a link planted at a predictable name is never followed), then all are renamed.
    """
    from clause_kit.commun.fichiers import ecrire_ensemble

    try:
        for chemin in contenus:
            chemin.parent.mkdir(parents=True, exist_ok=True)
        ecrire_ensemble(contenus)
    except OSError as err:
        noms = ", ".join(str(c) for c in contenus)
        raise ErreurSortie(f"impossible d'écrire {noms} ({raison_systeme(err)})") from err


@click.command(cls=CommandeFr)
@click.argument("fichier", type=click.Path(path_type=Path, dir_okay=False), metavar="FICHIER.docx")
def texte(fichier: Path) -> None:
    """Affiche le texte de FICHIER tel qu'un lecteur le lit, un paragraphe par ligne.

    En-têtes, corps, tableaux (une ligne par rangée, cellules séparées par « | »), pieds de page et notes ;
    numérotation comme dans Word ; balises Jinja telles quelles. Utilisable comme « textconv » de git.
    """
    from clause_kit.revue.texte import texte as texte_de

    click.echo(texte_de(fichier, str(fichier)), nl=False)


_OPTIONS_SORTIE = [
    click.option(
        "--format",
        "format_",
        type=Choix(["texte", "html", "docx"]),
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
    click.option(
        "--delai",
        type=click.FloatRange(min=1, max=86_400),
        default=DELAI,
        show_default=False,
        metavar="SECONDES",
        help=f"Temps accordé au moteur de comparaison Word pour chaque document (docx ; par défaut : {DELAI:g} s).",
    ),
]


def _options_sortie(fonction):  # type: ignore[no-untyped-def]
    for option in reversed(_OPTIONS_SORTIE):
        fonction = option(fonction)
    return fonction


@click.command(cls=CommandeFr)
@click.argument("ancien", type=click.Path(path_type=Path), metavar="ANCIEN")
@click.argument("nouveau", type=click.Path(path_type=Path), metavar="NOUVEAU")
@_options_sortie
def comparer(ancien: Path, nouveau: Path, format_: str, sortie: Path | None, auteur: str, delai: float) -> None:
    """Compare deux documents Word, ou deux dossiers de modèles (appariés par nom).

    Code de sortie : 0 identiques, 1 différents, 2 erreur.
    """
    code_en_erreur(2)
    from clause_kit.revue.difference import comparer as comparer_documents

    paires = comparer_documents(ancien, nouveau)
    _produire([("", paires)], format_, sortie, (auteur, delai), f"Comparaison de {ancien} et {nouveau}")
    sys.exit(0 if all(p.identique for p in paires) else 1)


def _produire(
    sections: list[tuple[str, list[Paire]]],
    format_: str,
    sortie: Path | None,
    redline: tuple[str, float],
    titre: str,
) -> None:
    """Print or write a comparison in the chosen format (``redline``: the author and time limit of docx)."""
    if format_ == "docx":
        with arrets_comme_ctrl_c():  # SIGTERM too stops the engine and removes its files
            _redlines([p for _, paires in sections for p in paires], sortie, *redline)
        return
    if format_ == "html":
        from clause_kit.revue.html import page_html

        page = page_html([p for _, paires in sections for p in paires], titre)
        if sortie is None:
            click.echo(page, nl=False)
        else:
            _ecrire({sortie: page.encode("utf-8")})
            click.echo(f"Page de comparaison écrite : {sortie}")
        return
    couleur = sortie is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    morceaux = []
    for intitule, paires in sections:
        if intitule:
            morceaux.append(f"== {intitule} ==\n")
        from clause_kit.revue.difference import rapport_texte

        morceaux.append(rapport_texte(paires, couleur=couleur) or "Aucune différence.\n")
    if sortie is None:
        click.echo("".join(morceaux), nl=False)
    else:
        _ecrire({sortie: "".join(morceaux).encode("utf-8")})


def _redlines(paires: list[Paire], sortie: Path | None, auteur: str, delai: float) -> None:
    """One redline per document present on both sides: SORTIE is the file, or the folder when there are several."""
    from clause_kit.revue.redline import redline

    if sortie is None:
        raise click.UsageError("le format docx demande -o / --sortie (fichier .docx, ou dossier)")
    communes = [p for p in paires if p.ancien is not None and p.nouveau is not None]
    plusieurs = len(paires) > 1
    for paire in paires:
        if paire.ancien is None or paire.nouveau is None:
            click.echo(f"{paire.nom} : {'ajouté' if paire.ancien is None else 'retiré'}, pas de comparaison Word")
    contenus: dict[Path, bytes] = {}
    for paire in communes:
        if plusieurs and paire.identique:
            continue
        assert paire.ancien is not None and paire.nouveau is not None
        cible = sortie / paire.nouveau.name if plusieurs else sortie
        contenus[cible] = redline(paire.ancien, paire.nouveau, auteur=auteur, delai=delai)
    _ecrire(contenus)  # every redline, or (when one failed or the run was stopped) none
    for paire in communes:
        if plusieurs and paire.identique:
            continue
        assert paire.nouveau is not None
        click.echo(
            f"{paire.nom} : modifications suivies écrites dans {sortie / paire.nouveau.name if plusieurs else sortie}"
        )
        for libelle, noms in (("retirées", paire.variables_retirees), ("ajoutées", paire.variables_ajoutees)):
            if noms:
                click.echo(f"  variables {libelle} : {', '.join(noms)}")


@click.group(cls=GroupeFr, subcommand_metavar="COMMANDE [ARGUMENTS]...")
def modeles() -> None:
    """Modèles Word : vérifier, lister par couche, comparer et copier pour une commune."""


_OPTION_DOSSIERS = click.option(
    "--dossiers",
    "racine",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("dossiers"),
    show_default=False,
    metavar="RACINE",
    help="Dossier des communes (par défaut : dossiers).",
)
_OPTION_MODELES = click.option(
    "--modeles",
    "choisi",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    metavar="DOSSIER",
    help="Jeu de modèles choisi, entre la commune et le standard (comme generer --modeles).",
)


def _couches(commune: str | None, racine: Path, choisi: Path | None) -> tuple[Couches, Path | None]:
    from clause_kit.revue.personnalisation import trouver_commune

    dossier = trouver_commune(commune, racine) if commune else None
    from clause_kit.rendu.couches import couches_pour

    return couches_pour(commune=dossier, choisi=choisi), dossier


def _exemples(chemins: tuple[Path, ...], racine: Path) -> list[Path]:
    """The example contracts for trial renders: those given, else the communes' root, else the source tree's."""
    from clause_kit.lot.selection import collecter

    if not chemins:
        chemins = tuple(p for p in (racine, _RACINE_SOURCES / "dossiers") if p.is_dir())[:1]
    fichiers, _ = collecter(list(chemins))
    return fichiers


@modeles.command(cls=CommandeFr)
@click.argument("dossier", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--commune", metavar="NOM", help="Vérifier les modèles tels que cette commune les utilise.")
@_OPTION_DOSSIERS
@click.option(
    "--exemples",
    multiple=True,
    type=click.Path(path_type=Path, exists=True),
    metavar="CHEMIN",
    help="Marchés (fichiers ou dossiers) pour les rendus d'essai (par défaut : ceux de RACINE).",
)
def verifier(dossier: Path | None, commune: str | None, racine: Path, exemples: tuple[Path, ...]) -> None:
    """Vérifie chaque modèle avant usage : balises, blocs, variables, pièces, rendu d'essai.

    DOSSIER : jeu de modèles à vérifier (par défaut : les modèles standard). Code de sortie 0 seulement
    si tout est sain.
    """
    from clause_kit.revue.variables import lire_variables
    from clause_kit.revue.verification import verifier_jeu

    couches, _ = _couches(commune, racine, dossier)
    from clause_kit.rendu.pieces import dossier_modeles

    schema = lire_variables(dossier_modeles() / "VARIABLES.md")
    fichiers = _exemples(exemples, racine)
    rapport = verifier_jeu(couches, schema, fichiers, _documents(couches))
    for probleme in rapport.erreurs:
        click.echo(str(_court(probleme)))
    for probleme in rapport.avertissements:
        click.echo(f"avertissement : {_court(probleme)}")
    if not fichiers:
        click.echo("avertissement : aucun marché d'exemple trouvé, rendu d'essai non fait (voir --exemples)")
    click.echo(
        f"{len(rapport.modeles)} modèle(s) vérifié(s), {rapport.rendus} rendu(s) d'essai avec {len(fichiers)} "
        f"marché(s) d'exemple : {len(rapport.erreurs)} erreur(s), {len(rapport.avertissements)} avertissement(s)"
    )
    sys.exit(0 if rapport.sain else 1)


def _documents(couches: Couches) -> list[DocumentAVerifier]:
    """The other documents' templates (``documents`` of ``pieces.yaml``), with their variables and examples."""
    from clause_kit.rendu.pieces import lire_documents
    from clause_kit.revue.variables import lire_variables
    from clause_kit.revue.verification import DocumentAVerifier

    documents = []
    for document in lire_documents(couches.dossier_pieces):
        schema = lire_variables(couches.dossier_pieces / document.variables)
        documents.append(DocumentAVerifier(document.code, document.modele, schema, _contextes(document.commande)))
    return documents


def _contextes(commande: str) -> list[tuple[str, dict[str, Any]]]:
    """Trial contexts of a document, from the capability whose command fills it."""
    if commande == "bilan":
        from clause_kit.bilan.exemple import contextes_exemple

        return contextes_exemple()
    return []


def _court(probleme: Probleme) -> Probleme:
    return dataclasses.replace(probleme, fichier=_relatif(probleme.fichier))


@modeles.command(cls=CommandeFr)
@click.option("--commune", metavar="NOM", help="Montrer les modèles tels que cette commune les utilise.")
@_OPTION_MODELES
@_OPTION_DOSSIERS
def liste(commune: str | None, choisi: Path | None, racine: Path) -> None:
    """Liste le modèle de chaque pièce, sa couche (commune, choisi, standard) et son empreinte."""
    from clause_kit.revue.personnalisation import LigneListe, liste_modeles

    couches, _ = _couches(commune, racine, choisi)
    lignes, orphelins = liste_modeles(couches)
    for couche in couches.couches:
        click.echo(f"couche {couche.nom} : {_relatif(couche.dossier)}")
    largeur = max(len(x.piece) for x in [*lignes, LigneListe("pièce", "", "", None, "")])
    click.echo(f"{'pièce':<{largeur}}  {'couche':<9}  {'empreinte':<12}  modèle")
    for ligne in lignes:
        etat = ""
        if ligne.standard_modifie:
            etat = "  (le standard a changé depuis la copie : clause-kit modeles comparer --commune)"
        elif ligne.couche == "commune" and ligne.standard_modifie is None:
            etat = "  (origine inconnue)"
        chemin = _relatif(ligne.chemin) if ligne.chemin else ligne.modele
        click.echo(f"{ligne.piece:<{largeur}}  {ligne.couche:<9}  {ligne.sha256[:12]:<12}  {chemin}{etat}")
    for orphelin in orphelins:
        click.echo(f"avertissement : {_relatif(orphelin.chemin)} ne remplace aucune pièce (nom différent ?)")


@modeles.command(name="comparer", cls=CommandeFr)
@click.option("--commune", required=True, metavar="NOM", help="Commune dont les modèles sont comparés.")
@_options_sortie
@_OPTION_MODELES
@_OPTION_DOSSIERS
def comparer_commune(
    commune: str, format_: str, sortie: Path | None, auteur: str, delai: float, choisi: Path | None, racine: Path
) -> None:
    """Ce que la commune a changé dans ses modèles, et ce qui a changé dans le standard depuis ses copies.

    Code de sortie : 0 aucune différence, 1 différences, 2 erreur.
    """
    from clause_kit.revue.personnalisation import revue_commune, trouver_commune

    code_en_erreur(2)
    revue = revue_commune(trouver_commune(commune, racine), choisi=choisi)
    sections = [("Ce que la commune a changé par rapport au standard", revue.changements_commune)]
    sections.append(("Ce qui a changé dans le standard depuis la copie de la commune", revue.mises_a_jour))
    _produire(sections, format_, sortie, (auteur, delai), f"Modèles de la commune {commune}")
    for nom in revue.sans_origine:
        click.echo(
            f"{nom} : origine inconnue, les mises à jour du standard ne peuvent pas être suivies "
            f"(clause-kit modeles copier {nom} --commune … --origine-seulement l'enregistre)"
        )
    differences = revue.mises_a_jour or any(not p.identique for p in revue.changements_commune)
    sys.exit(1 if differences else 0)


@modeles.command(cls=CommandeFr)
@click.argument("modele", metavar="MODELE.docx")
@click.option("--commune", required=True, metavar="NOM", help="Commune qui reçoit la copie.")
@click.option(
    "--origine-seulement",
    is_flag=True,
    help="Ne recopier que l'origine : les changements du standard ont été repris dans la version de la commune.",
)
@_OPTION_MODELES
@_OPTION_DOSSIERS
def copier(modele: str, commune: str, origine_seulement: bool, choisi: Path | None, racine: Path) -> None:
    """Copie un modèle standard dans le dossier de la commune, pour qu'elle l'adapte dans Word."""
    from clause_kit.revue.personnalisation import copier_modele, trouver_commune

    cible = copier_modele(modele, trouver_commune(commune, racine), choisi=choisi, origine_seulement=origine_seulement)
    if origine_seulement:
        click.echo(f"Origine de {_relatif(cible)} mise à jour : le standard actuel est tenu pour relu.")
    else:
        click.echo(f"Modèle copié : {_relatif(cible)} (à modifier dans Word ; l'original est gardé dans origine/)")
