"""``generer --mettre-a-jour``: which dossiers are already up to date, from the inputs their manifest records.

The record itself (what decides a dossier) is written by ``clause_kit.dossier.entrees``; this module
reads it back for a batch and compares it with today's inputs, hashing each shared file once per run.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clause_kit import version
from clause_kit.commun.erreurs import ClauseKitError
from clause_kit.commun.fichiers import LectureImpossible, lire_borne
from clause_kit.commun.formats import slug
from clause_kit.commun.horloge import aujourdhui
from clause_kit.dossier.entrees import FORMAT, Reglages, empreinte, empreinte_donnees
from clause_kit.lot.compte_rendu import A_JOUR, Resultat
from clause_kit.lot.selection import identifier, racine_de
from clause_kit.marche.communes import trouver_defauts
from clause_kit.rendu.couches import Couches, couches_pour

__all__ = ["Tri", "trier"]

#: Largest manifest read back (a real one is a few kilobytes).
_MANIFESTE_MAX = 1024 * 1024


@dataclass
class Tri:
    """Contracts sorted by ``--mettre-a-jour``: to build, whose old dossier may be replaced, already up to date."""

    a_generer: list[Path]
    #: Contract files (as given) whose existing dossier is out of date: replaced without ``--force``.
    a_remplacer: frozenset[str]
    a_jour: list[Resultat]


def trier(
    fichiers: Sequence[Path],
    sortie: Path,
    reglages: Reglages,
    *,
    modeles: Path | None = None,
    racines: Sequence[Path] = (),
) -> Tri:
    """Split ``fichiers`` into dossiers to (re)build and dossiers already up to date in ``sortie``."""
    comparaison = _Comparaison(reglages, modeles, aujourdhui())
    tri = Tri([], frozenset(), [])
    remplacer = set()
    for fichier in fichiers:
        cible = _cible(fichier, sortie, racines)
        manifeste = _lire_manifeste(cible) if cible is not None else None
        if manifeste is None:  # new, unreadable or not ours: today's rules (an error without --force)
            tri.a_generer.append(fichier)
        elif comparaison.a_jour(fichier, racine_de(fichier, racines), manifeste.get("entrees")):
            tri.a_jour.append(_resultat(fichier, cible, manifeste))  # type: ignore[arg-type]
        else:
            tri.a_generer.append(fichier)
            remplacer.add(str(fichier))
    tri.a_remplacer = frozenset(remplacer)
    return tri


def _cible(fichier: Path, sortie: Path, racines: Sequence[Path]) -> Path | None:
    """The dossier a contract writes (``sortie/<commune>/<reference>``), if it exists; None otherwise."""
    nom = identifier(fichier, racines=racines)
    if nom is None:
        return None
    try:
        cible = sortie / slug(nom[0]) / slug(nom[1])
    except ValueError:
        return None
    return cible if cible.is_dir() and not cible.is_symlink() else None


def _lire_manifeste(cible: Path) -> dict[str, Any] | None:
    """The manifest of an existing dossier, or None when there is none or it cannot be read."""
    try:
        donnees = json.loads(lire_borne(cible / "manifest.json", _MANIFESTE_MAX).decode("utf-8"))
    except (OSError, ValueError, ClauseKitError, LectureImpossible):
        return None
    return donnees if isinstance(donnees, dict) else None


def _resultat(fichier: Path, cible: Path, manifeste: dict[str, Any]) -> Resultat:
    """The report's row for a dossier left as it is, from what its manifest says."""
    pieces = manifeste.get("pieces")
    heures = manifeste.get("heures_insertion")
    return Resultat(
        str(fichier),
        commune=str(manifeste.get("commune", "")),
        reference=str(manifeste.get("reference", "")),
        statut=A_JOUR,
        heures=heures if isinstance(heures, int) else None,
        pieces=len(pieces) if isinstance(pieces, list) else 0,
        dossier=str(cible),
    )


class _Comparaison:
    """Compares recorded inputs with today's, hashing each shared file once per run."""

    def __init__(self, reglages: Reglages, modeles: Path | None, jour: datetime.date) -> None:
        self.modeles = modeles
        self.jour = jour.isoformat()
        self.options = {"pdf": reglages.pdf, "zip": reglages.zip, "brouillon": reglages.brouillon}
        self.memoire: dict[Path, str] = {}
        self.couches: dict[Path, Couches] = {}

    def a_jour(self, fichier: Path, racine: Path | None, entrees: object) -> bool:
        """Whether every recorded input of ``fichier``'s dossier is the same today."""
        if not isinstance(entrees, dict) or entrees.get("format") != FORMAT:
            return False  # written before the inputs were recorded
        try:
            return self._generales(entrees) and self._du_contrat(fichier, racine, entrees)
        except (OSError, ClauseKitError, LectureImpossible, KeyError, TypeError):
            return False  # a file gone or unreadable: rebuild, and let the build report it

    def _generales(self, entrees: dict[str, Any]) -> bool:
        """Inputs shared by every contract: version, packaged data, options, the day."""
        return (
            entrees["clause_kit"] == version()
            and entrees["parametres"] == empreinte_donnees("parametres.yaml")
            and entrees["codes"] == empreinte_donnees("codes.yaml")
            and entrees["options"] == self.options
            and entrees["jour"] in (None, self.jour)
        )

    def _du_contrat(self, fichier: Path, racine: Path | None, entrees: dict[str, Any]) -> bool:
        """The contract, its commune's defaults, the list of pieces and each template used."""
        if entrees["contrat"] != empreinte(fichier):
            return False
        defauts = trouver_defauts(fichier, racine)
        if entrees["valeurs_communes"] != (empreinte(defauts, self.memoire) if defauts is not None else None):
            return False
        couches = self._couches(defauts.parent if defauts is not None else fichier.resolve().parent)
        if entrees["pieces_yaml"] != empreinte(couches.dossier_pieces / "pieces.yaml", self.memoire):
            return False
        for modele in entrees["modeles"]:
            resolu = couches.resoudre(modele["modele"])  # a commune template added or removed changes the layer
            if (resolu.couche, empreinte(resolu.chemin, self.memoire)) != (modele["couche"], modele["sha256"]):
                return False
        return True

    def _couches(self, commune: Path) -> Couches:
        if commune not in self.couches:
            self.couches[commune] = couches_pour(commune=commune, choisi=self.modeles)
        return self.couches[commune]
