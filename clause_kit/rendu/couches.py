"""Which Word template a piece uses: the commune's own, else the chosen set's, else the standard one.

A commune replaces any template by putting its own version, under the same file name, in a
``modeles/`` folder of its commune folder (``dossiers/<commune>/modeles/ccap_clauses.docx``).
The commune folder of a contract is the folder of its ``_commune.yaml`` when it inherits one,
else the contract's own folder. ``--modeles DOSSIER`` chooses a whole set, which may be
partial. A template is looked for in that order: commune, chosen set, standard (the
project's ``modeles/``, or the installed copy). The list of pieces (``pieces.yaml``) comes
from the chosen set when it has one, else from the standard set; a commune only replaces
templates. The layer each piece came from is recorded in the dossier's manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clause_kit.commun.erreurs import ErreurDonnees
from clause_kit.marche.communes import trouver_defauts
from clause_kit.rendu.pieces import Piece, charger_pieces, dossier_modeles

__all__ = ["CHOISI", "COMMUNE", "STANDARD", "Couche", "Couches", "ModeleResolu", "couches_pour", "dossier_commune"]

COMMUNE = "commune"
CHOISI = "choisi"
STANDARD = "standard"

#: Name of a commune's folder of templates, beside its ``_commune.yaml``.
NOM_DOSSIER = "modeles"


@dataclass(frozen=True)
class Couche:
    """One layer of templates: its name (commune, choisi, standard) and folder."""

    nom: str
    dossier: Path


@dataclass(frozen=True)
class ModeleResolu:
    """The template file a piece will use, and the layer it comes from."""

    nom: str
    chemin: Path
    couche: str


@dataclass(frozen=True)
class Couches:
    """The template layers for one contract or commune, highest first."""

    couches: tuple[Couche, ...]

    def resoudre(self, nom: str) -> ModeleResolu:
        """The template called ``nom`` in the highest layer that has it."""
        for couche in self.couches:
            chemin = couche.dossier / nom
            if chemin.is_file():
                return ModeleResolu(nom, chemin, couche.nom)
        dossiers = ", ".join(str(c.dossier) for c in self.couches)
        raise ErreurDonnees(f"modèle {nom} introuvable (cherché dans : {dossiers})")

    @property
    def dossier_pieces(self) -> Path:
        """The folder whose ``pieces.yaml`` lists the pieces: the chosen set's if it has one, else the standard."""
        for couche in self.couches:
            if couche.nom != COMMUNE and (couche.dossier / "pieces.yaml").is_file():
                return couche.dossier
        return self.couches[-1].dossier

    def pieces(self) -> list[Piece]:
        """The ordered list of pieces, each template found in one of the layers."""
        dossier = self.dossier_pieces
        return charger_pieces(dossier, ailleurs=tuple(c.dossier for c in self.couches))

    def couche(self, nom: str) -> Couche | None:
        """The layer of that name, if present."""
        return next((c for c in self.couches if c.nom == nom), None)


def dossier_commune(contrat: Path) -> Path:
    """The commune folder of a contract: where its ``_commune.yaml`` is, else the contract's own folder."""
    defauts = trouver_defauts(contrat)
    return defauts.parent if defauts is not None else contrat.resolve().parent


def couches_pour(*, commune: Path | None = None, choisi: Path | None = None, contrat: Path | None = None) -> Couches:
    """The layers for a commune folder (or the commune folder of ``contrat``) and a chosen set, highest first.

    A layer whose folder is the same as a lower one's is left out: ``--modeles modeles`` is the standard set.
    """
    if commune is None and contrat is not None:
        commune = dossier_commune(contrat)
    candidates = []
    if commune is not None and (commune / NOM_DOSSIER).is_dir():
        candidates.append(Couche(COMMUNE, commune / NOM_DOSSIER))
    if choisi is not None:
        if not choisi.is_dir():
            raise ErreurDonnees(f"dossier de modèles introuvable : {choisi}")
        candidates.append(Couche(CHOISI, choisi))
    candidates.append(Couche(STANDARD, dossier_modeles()))
    couches: list[Couche] = []
    for couche in reversed(candidates):  # the lowest layer keeps its name when two are one folder
        if all(couche.dossier.resolve() != c.dossier.resolve() for c in couches):
            couches.insert(0, couche)
    return Couches(tuple(couches))
