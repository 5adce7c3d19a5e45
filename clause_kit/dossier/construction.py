"""Building a dossier: which pieces, rendered in memory, then written all-or-nothing.

``construire`` does everything that can fail on the user's input (loading, checking,
computing, rendering) before anything touches the disk; ``ecrire`` then writes into a
temporary folder beside the target and renames it at the end, so an interrupted or
failed run never leaves a half dossier and never damages an existing one.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clause_kit import version
from clause_kit.commun.erreurs import ErreurSortie, raison_systeme
from clause_kit.commun.fichiers import ecrire_exclusif, nom_ancien, prefixe_temporaire, umask, verrou
from clause_kit.commun.formats import slug
from clause_kit.commun.horloge import aujourdhui
from clause_kit.commun.parametres import charger_parametres
from clause_kit.dossier.classeur_gabarit import construire_classeur
from clause_kit.dossier.classeur_suivi import NOM_FICHIER as CLASSEUR_SUIVI
from clause_kit.dossier.classeur_suivi import donnees_suivi
from clause_kit.dossier.entrees import Reglages, releve
from clause_kit.dossier.fiche_publicite import NOM_HTML as FICHE_HTML
from clause_kit.dossier.fiche_publicite import NOM_JSON as FICHE_JSON
from clause_kit.dossier.fiche_publicite import fiche_html, fiche_json, fiche_publicite
from clause_kit.marche.calcul import Chiffres, avec_clause
from clause_kit.marche.chargement import charger_detail
from clause_kit.marche.modele import Consultation
from clause_kit.rendu.contexte import construire_contexte
from clause_kit.rendu.couches import STANDARD, Couches, couches_pour
from clause_kit.rendu.moteur import compiler, rendre, variables
from clause_kit.rendu.pieces import Piece, pieces_applicables

__all__ = [
    "DossierConstruit",
    "DossierEnCours",
    "PieceRendue",
    "abandonner",
    "construire",
    "ecrire",
    "finaliser",
    "preparer",
]


@dataclass(frozen=True)
class PieceRendue:
    """A rendered piece, in memory."""

    piece: Piece
    nom_fichier: str
    contenu: bytes
    sha256_modele: str
    #: Template layer the piece came from: commune, choisi (--modeles) or standard.
    couche_modele: str = STANDARD


@dataclass
class DossierConstruit:
    """Everything a dossier needs before being written."""

    source: Path
    sha256_source: str
    consultation: Consultation
    chiffres: Chiffres
    pieces: list[PieceRendue]
    #: The commune's ``_commune.yaml`` the contract inherited from, if any, and the SHA-256 of what was read.
    defauts: Path | None = None
    sha256_defauts: str | None = None
    #: A draft: defaults highlighted, legal choices left to defaults accepted.
    brouillon: bool = False
    genere_le: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))
    #: Files of the dossier that are not Word pieces (the follow-up workbook): name → content.
    fichiers: dict[str, bytes] = field(default_factory=dict)
    #: The template layers the pieces were resolved in (their ``pieces.yaml`` is an input).
    couches: Couches | None = None
    #: The day the content depends on (launch date defaulted to today, a template printing the
    #: generation date), None when it depends on no day: recorded for ``--mettre-a-jour``.
    jour_decisif: datetime.date | None = None

    @property
    def chemin_relatif(self) -> Path:
        """``<commune>/<reference>``, both slugified."""
        return Path(slug(self.consultation.acheteur.commune)) / slug(self.consultation.marche.reference)


def construire(
    source: Path,
    *,
    modeles: Path | None = None,
    aujourd_hui: datetime.date | None = None,
    racine: Path | None = None,
    brouillon: bool = False,
) -> DossierConstruit:
    """Load, check, compute and render a contract file into pieces in memory.

    ``racine``: the folder named on the command line, above which no ``_commune.yaml`` is looked
    for. A ``brouillon`` (draft) accepts the legal choices left to a default and highlights every
    default in the pieces; otherwise those choices must be in the file.
    """
    jour = aujourd_hui or aujourdhui()
    detail = charger_detail(source, racine, strict=not brouillon, aujourd_hui=jour)
    consultation = detail.consultation
    parametres = charger_parametres()
    chiffres = detail.chiffres
    # The commune's own templates sit beside its _commune.yaml (see couches.py).
    couches = couches_pour(commune=detail.defauts.parent if detail.defauts else source.resolve().parent, choisi=modeles)
    contexte = construire_contexte(consultation, chiffres, parametres, jour, brouillon=brouillon)
    valeurs = variables(contexte)  # wrapped once for the seven pieces
    rendues = []
    depend_du_jour = consultation.marche.date_lancement is None
    for numero, piece in enumerate(pieces_applicables(couches.pieces(), consultation, chiffres.heures_total), start=1):
        resolu = couches.resoudre(piece.modele)
        modele = compiler(resolu.chemin)
        depend_du_jour = depend_du_jour or modele.date_generation
        nom = f"{numero:02d}-{piece.fichier}.docx"
        rendues.append(PieceRendue(piece, nom, rendre(modele, valeurs), modele.sha256, resolu.couche))
    genere_le = datetime.datetime.now(datetime.UTC)
    # No follow-up workbook for a reserved contract without an insertion clause: nothing to follow up.
    fichiers = (
        {
            CLASSEUR_SUIVI: construire_classeur(
                consultation, chiffres, contexte["facilitateur"]["designation"], detail.sha256_source
            )
        }
        if avec_clause(consultation, chiffres.heures_total)
        else {}
    )
    # The eForms fields of the notice, to paste into the buyer's publication form.
    fiches = fiche_publicite(consultation, chiffres, contexte)
    fichiers[FICHE_HTML] = fiche_html(fiches, consultation)
    fichiers[FICHE_JSON] = fiche_json(fiches, consultation)
    return DossierConstruit(
        source,
        detail.sha256_source,
        consultation,
        chiffres,
        rendues,
        defauts=detail.defauts,
        sha256_defauts=detail.sha256_defauts,
        brouillon=brouillon,
        genere_le=genere_le,
        fichiers=fichiers,
        couches=couches,
        jour_decisif=jour if depend_du_jour else None,
    )


def manifeste(
    construit: DossierConstruit, autres: dict[str, bytes] | None = None, reglages: Reglages | None = None
) -> dict[str, Any]:
    """The manifest: versions and fingerprints to prove which input and templates made which piece.

    ``entrees`` lists everything that decided the dossier, for ``generer --mettre-a-jour`` (see ``entrees``).
    """
    return {
        "clause_kit": version(),
        "genere_le": construit.genere_le.isoformat(timespec="seconds"),
        "source": {"fichier": construit.source.name, "sha256": construit.sha256_source},
        "valeurs_communes": (
            {"fichier": construit.defauts.name, "sha256": construit.sha256_defauts}
            if construit.defauts is not None
            else None
        ),
        "acheteur": construit.consultation.acheteur.nom,
        "commune": construit.consultation.acheteur.commune,
        "reference": construit.consultation.marche.reference,
        "date_lancement": construit.chiffres.date_lancement.isoformat(),
        "brouillon": construit.brouillon,
        "heures_insertion": construit.chiffres.heures_total,
        # What the follow-up register reads when it is given this manifest (clause-kit suivi importer).
        "suivi": donnees_suivi(construit.consultation, construit.chiffres),
        "pieces": [
            {
                "fichier": r.nom_fichier,
                "titre": r.piece.titre,
                "modele": r.piece.modele,
                "sha256_modele": r.sha256_modele,
                "couche_modele": r.couche_modele,
                "sha256": hashlib.sha256(r.contenu).hexdigest(),
            }
            for r in construit.pieces
        ],
        "autres_fichiers": {nom: hashlib.sha256(contenu).hexdigest() for nom, contenu in (autres or {}).items()},
        "entrees": releve(construit, reglages or Reglages(brouillon=construit.brouillon)),
    }


Complement = Callable[[Path, DossierConstruit], None]


@dataclass
class DossierEnCours:
    """A dossier being written: its pieces are in a temporary folder beside the target."""

    construit: DossierConstruit
    temporaire: Path
    cible: Path
    force: bool = False


def preparer(construit: DossierConstruit, sortie: Path, *, force: bool = False) -> DossierEnCours:
    """Check the target and write the pieces into a temporary folder beside it."""
    racine = sortie.resolve()
    cible = (racine / construit.chemin_relatif).resolve()
    if racine not in cible.parents:  # slugs cannot escape, but the check costs nothing
        raise ErreurSortie(f"chemin de sortie hors de {sortie} : {cible}")
    try:
        if cible.exists() and not force:
            raise ErreurSortie(f"{cible} existe déjà : utilisez --force pour le remplacer")
        temporaire = _dossier_temporaire(cible)
    except OSError as err:
        raise ErreurSortie(f"impossible d'écrire dans {cible.parent} ({raison_systeme(err)})") from err
    en_cours = DossierEnCours(construit, temporaire, cible, force)
    try:
        for rendue in construit.pieces:
            # Created exclusively: a link planted in the folder is never followed.
            ecrire_exclusif(temporaire / rendue.nom_fichier, rendue.contenu)
        for nom, contenu in construit.fichiers.items():
            ecrire_exclusif(temporaire / nom, contenu)
    except OSError as err:
        abandonner(en_cours)
        raise ErreurSortie(f"impossible d'écrire les pièces dans {cible.parent} ({raison_systeme(err)})") from err
    except BaseException:
        abandonner(en_cours)
        raise
    return en_cours


def _dossier_temporaire(cible: Path) -> Path:
    """A private temporary folder beside the target, named after this process (``.<ref>.<pid>-<aléa>.tmp``).

    Another run may remove the commune folder when it leaves it empty, between our mkdir and
    our mkdtemp: then try again.
    """
    for essai in range(3):
        cible.parent.mkdir(parents=True, exist_ok=True)
        try:
            return Path(tempfile.mkdtemp(prefix=prefixe_temporaire(cible.name), suffix=".tmp", dir=cible.parent))
        except FileNotFoundError:
            if essai == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def abandonner(en_cours: DossierEnCours) -> None:
    """Remove the temporary folder, and the commune folder if that left it empty; the target is untouched."""
    shutil.rmtree(en_cours.temporaire, ignore_errors=True)
    with contextlib.suppress(OSError):  # not empty: other dossiers of the commune live there
        en_cours.temporaire.parent.rmdir()


def finaliser(en_cours: DossierEnCours, *, archive: bool = False, pdf: bool = False) -> Path:
    """Write the manifest (and the ZIP), then put the dossier in place; on failure nothing is left.

    ``pdf``: whether the dossier was asked with its PDF (an input recorded in the manifest).
    """
    construit, temporaire = en_cours.construit, en_cours.temporaire
    reglages = Reglages(pdf=pdf, zip=archive, brouillon=construit.brouillon)
    try:
        pieces = {r.nom_fichier for r in construit.pieces}
        autres = {p.name: p.read_bytes() for p in sorted(temporaire.iterdir()) if p.is_file() and p.name not in pieces}
        contenu = json.dumps(manifeste(construit, autres, reglages), ensure_ascii=False, indent=2) + "\n"
        ecrire_exclusif(temporaire / "manifest.json", contenu.encode("utf-8"))
        if archive:
            _archiver(temporaire, en_cours.cible.name)
        # mkdtemp made the folder private (0700) while it was written; the dossier it becomes
        # follows the umask like any folder, or colleagues and shared drives could not read it.
        temporaire.chmod(0o777 & ~umask())
        _remplacer(temporaire, en_cours.cible, en_cours.force)
    except OSError as err:
        abandonner(en_cours)
        raise ErreurSortie(f"impossible d'écrire {en_cours.cible} ({raison_systeme(err)})") from err
    except BaseException:
        abandonner(en_cours)
        raise
    return en_cours.cible


def _archiver(dossier: Path, nom: str) -> None:
    """ZIP of the dossier (pieces, PDF, manifest) ready to upload to a buyer profile."""
    fichiers = sorted(p for p in dossier.iterdir() if p.is_file())
    chemin = dossier / f"{nom}.zip"
    with zipfile.ZipFile(chemin, "x", compression=zipfile.ZIP_DEFLATED) as archive:
        for fichier in fichiers:
            archive.write(fichier, arcname=fichier.name)


def ecrire(
    construit: DossierConstruit,
    sortie: Path,
    *,
    force: bool = False,
    complements: list[Complement] | None = None,
    archive: bool = False,
) -> Path:
    """Write the dossier under ``sortie/<commune>/<reference>``, all or nothing; return its path.

    ``complements`` run on the temporary folder after the pieces are written (PDF...):
    if one fails, nothing is left behind.
    """
    en_cours = preparer(construit, sortie, force=force)
    try:
        for complement in complements or []:
            complement(en_cours.temporaire, construit)
    except BaseException:
        abandonner(en_cours)
        raise
    return finaliser(en_cours, archive=archive)


def _remplacer(temporaire: Path, cible: Path, force: bool) -> None:
    """Put the new dossier in place; an old one is moved aside first and removed only afterwards.

    Under a lock on the commune folder: two runs writing the same dossier take turns, and the
    second one finds the first one's dossier (an error without ``--force``). The old dossier
    is moved aside as ``.<ref>.ancien-<pid>``: if this process dies between the two renames,
    the next run puts it back (``restes``).
    """
    with verrou(cible.parent):
        ancien = None
        if os.path.lexists(cible):
            if not force:  # another run (or process) wrote it since preparer() checked
                raise ErreurSortie(f"{cible} existe déjà : utilisez --force pour le remplacer")
            ancien = cible.with_name(nom_ancien(cible.name))
            os.replace(cible, ancien)
        try:
            os.replace(temporaire, cible)
        except OSError as err:
            if ancien is not None:
                os.replace(ancien, cible)
            raise ErreurSortie(f"impossible de mettre en place {cible} ({raison_systeme(err)})") from err
    if ancien is not None:
        shutil.rmtree(ancien, ignore_errors=True)
