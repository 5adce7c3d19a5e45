"""A commune's own templates: which are used, where they come from, what changed on either side.

A commune replaces a standard template by a file of the same name in
``dossiers/<commune>/modeles/`` (see ``clause_kit/rendu/couches.py``). To follow the standard's
later updates, ``copier`` keeps, beside the commune's copy, the standard version it started
from (``modeles/origine/``): comparing that origin with today's standard shows what changed
upstream since, which is what the commune must review and carry over to its own version.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from clause_kit.commun.erreurs import ClauseKitError, ErreurDonnees, ErreurSortie, raison_systeme
from clause_kit.commun.formats import slug
from clause_kit.rendu.couches import COMMUNE, NOM_DOSSIER, Couches, ModeleResolu, couches_pour
from clause_kit.revue.difference import Paire, comparer, documents_du_dossier, paire_de
from clause_kit.revue.verification import modeles_du_jeu

__all__ = [
    "DOSSIER_ORIGINE",
    "LigneListe",
    "Revue",
    "copier_modele",
    "liste_modeles",
    "revue_commune",
    "trouver_commune",
]

#: Where ``copier`` keeps the standard version a commune template started from.
DOSSIER_ORIGINE = "origine"


def _empreinte(chemin: Path) -> str:
    return hashlib.sha256(chemin.read_bytes()).hexdigest()


def trouver_commune(nom: str, racine: Path) -> Path:
    """The folder of a commune under the contracts' root (``dossiers/``), matched on its name's slug."""
    if not racine.is_dir():
        raise ErreurDonnees(f"dossier des communes introuvable : {racine} (indiquez-le avec --dossiers)")
    try:
        voulu = slug(nom)
    except ValueError as err:
        raise ErreurDonnees(f"nom de commune inutilisable : « {nom} »") from err
    dossiers = sorted(p for p in racine.iterdir() if p.is_dir() and not p.name.startswith("."))
    for dossier in dossiers:
        try:
            if slug(dossier.name) == voulu:
                return dossier
        except ValueError:
            continue
    connues = ", ".join(d.name for d in dossiers) or "aucune"
    raise ErreurDonnees(f"commune « {nom} » introuvable dans {racine} (communes : {connues})")


@dataclass(frozen=True)
class LigneListe:
    """One row of ``modeles liste``: a piece, the template it uses and where that comes from."""

    piece: str
    modele: str
    couche: str
    chemin: Path | None
    sha256: str
    #: For a commune template: whether the standard changed since it was copied (None: origin unknown).
    standard_modifie: bool | None = None


def liste_modeles(couches: Couches) -> tuple[list[LigneListe], list[ModeleResolu]]:
    """The template of every piece with its layer, and the templates that replace no piece."""
    resolus, orphelins = modeles_du_jeu(couches)
    lignes = []
    for piece, resolu in resolus:
        if resolu is None:
            lignes.append(LigneListe(piece.code, piece.modele, "introuvable", None, ""))
            continue
        modifie = _standard_modifie(couches, resolu) if resolu.couche == COMMUNE else None
        lignes.append(
            LigneListe(piece.code, resolu.nom, resolu.couche, resolu.chemin, _empreinte(resolu.chemin), modifie)
        )
    return lignes, [o for o in orphelins if o.couche == COMMUNE]


def _sous_la_commune(couches: Couches) -> Couches:
    return Couches(tuple(c for c in couches.couches if c.nom != COMMUNE))


def _standard_modifie(couches: Couches, resolu: ModeleResolu) -> bool | None:
    origine = resolu.chemin.parent / DOSSIER_ORIGINE / resolu.nom
    if not origine.is_file():
        return None
    try:
        actuel = _sous_la_commune(couches).resoudre(resolu.nom)
    except ClauseKitError:
        return None
    return _empreinte(origine) != _empreinte(actuel.chemin)


def copier_modele(nom: str, commune: Path, *, choisi: Path | None = None, origine_seulement: bool = False) -> Path:
    """Copy the standard template ``nom`` into the commune's folder, keeping the origin; return the copy's path.

    With ``origine_seulement``, only the origin is refreshed: the commune has carried the
    standard's changes over to its version and marks them as reviewed.
    """
    source = _sous_la_commune(couches_pour(commune=commune, choisi=choisi)).resoudre(nom).chemin
    cible = commune / NOM_DOSSIER / nom
    origine = commune / NOM_DOSSIER / DOSSIER_ORIGINE / nom
    if not origine_seulement and cible.exists():
        raise ErreurSortie(f"{cible} existe déjà : la commune a déjà sa version de ce modèle")
    if origine_seulement and not cible.exists():
        raise ErreurDonnees(f"{cible} n'existe pas : copiez d'abord le modèle (sans --origine-seulement)")
    try:
        origine.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, origine)
        if not origine_seulement:
            shutil.copyfile(source, cible)
    except OSError as err:
        raise ErreurSortie(f"copie impossible vers {origine.parent.parent} ({raison_systeme(err)})") from err
    return cible


@dataclass
class Revue:
    """What ``modeles comparer --commune`` shows."""

    #: Standard template (the layer below the commune) → the commune's version.
    changements_commune: list[Paire]
    #: Origin the commune copied → today's standard, for each commune template whose standard changed.
    mises_a_jour: list[Paire]
    #: Commune templates whose origin is unknown (not made with ``copier``).
    sans_origine: list[str]


def revue_commune(commune: Path, *, choisi: Path | None = None) -> Revue:
    """Compare a commune's templates with the standard, and the standard with the versions they started from."""
    propres = documents_du_dossier(commune / NOM_DOSSIER) if (commune / NOM_DOSSIER).is_dir() else {}
    if not propres:
        raise ErreurDonnees(f"la commune n'a aucun modèle propre ({commune / NOM_DOSSIER} absent ou vide)")
    dessous = _sous_la_commune(couches_pour(commune=commune, choisi=choisi))
    revue = Revue([], [], [])
    for nom, chemin in propres.items():
        try:
            standard = dessous.resoudre(nom).chemin
        except ClauseKitError:
            revue.changements_commune.append(paire_de(nom, None, chemin))  # no standard counterpart
            continue
        revue.changements_commune += comparer(standard, chemin)
        origine = chemin.parent / DOSSIER_ORIGINE / nom
        if not origine.is_file():
            revue.sans_origine.append(nom)
        elif _empreinte(origine) != _empreinte(standard):
            revue.mises_a_jour += comparer(origine, standard)
    return revue
