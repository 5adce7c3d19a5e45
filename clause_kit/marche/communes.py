"""Commune defaults: a ``_commune.yaml`` above contract files, inherited and overridable.

A commune folder (``dossiers/aubagne/``) may hold one ``_commune.yaml`` with the values every
contract of the folder, or of its sub-folders (the nearest file wins), shares: buyer,
facilitator, publics, penalties, hourly cost... A contract inherits them and may override
any of them. Mappings merge key by key; a list or a value given by the contract replaces the
default whole, and so do its ``facilitateur`` and ``penalite`` blocks (a person's contact
details are never mixed with another's). The ``article_14`` and ``article_53`` blocks of the
defaults only complete a contract that has that block itself: a default hourly cost must
never switch on an execution condition the contract did not ask for.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from clause_kit.marche.modele import Chemin

__all__ = ["NOM_DEFAUTS", "Origines", "fusionner", "limite_de_recherche", "trouver_defauts"]

#: File name of a commune's shared defaults; the leading underscore keeps it out of batches.
NOM_DEFAUTS = "_commune.yaml"

#: Where each value comes from: field path → (file, line).
Origines = dict[Chemin, tuple[str, int]]

# Blocks the defaults may complete but never create.
_BLOCS_CONDITIONNELS = {("insertion", "article_14"), ("insertion", "article_53")}
# Blocks whose keys are alternatives: the contract's block replaces the default one whole
# (a default multiple of the SMIC plus the contract's fixed amount would be both at once).
# The same for the facilitator: a person's phone number must not be mixed with another's name.
_BLOCS_ENTIERS = {("insertion", "penalite"), ("facilitateur",)}


#: How many folders up a contract looks for its commune's defaults (``aubagne/2026/travaux/x.yaml``).
NIVEAUX_MAX = 4

#: The conventional root of a tree of contract descriptions (``dossiers/<commune>/...``).
RACINE_CONVENTIONNELLE = "dossiers"

_NOMS_DEFAUTS = (NOM_DEFAUTS, "_commune.yml")


def limite_de_recherche(contrat: Path, racine: Path | None = None) -> Path:
    """The highest folder where a contract may find its ``_commune.yaml``.

    Never above the folder named on the command line (``racine``), so that a defaults file
    dropped in a shared folder higher up is never picked up; except that a contract inside a
    ``dossiers/`` tree may look up to that folder (generating ``dossiers/aubagne/2026``
    still finds ``dossiers/aubagne/_commune.yaml``). A file named directly, outside any
    ``dossiers/`` tree, only looks in its own folder.
    """
    dossier = Path(os.path.abspath(contrat)).parent
    for ancetre in (dossier, *dossier.parents):
        if ancetre.name == RACINE_CONVENTIONNELLE:
            return ancetre
    if racine is not None:
        nommee = Path(os.path.abspath(racine))
        if nommee == dossier or nommee in dossier.parents:
            return nommee
    return dossier


def trouver_defauts(contrat: Path, racine: Path | None = None) -> Path | None:
    """The nearest ``_commune.yaml`` (or ``.yml``, extension in any case) from the contract's folder up to its limit.

    A defaults file that is a broken link or not a regular file is still returned: the loader
    reports what is wrong with it rather than the contract silently losing its defaults.
    """
    absolu = Path(os.path.abspath(contrat))
    limite = limite_de_recherche(absolu, racine)
    dossier = absolu.parent
    for _ in range(NIVEAUX_MAX):
        candidat = _defauts_dans(dossier)
        if candidat is not None and candidat != absolu:
            return candidat
        if dossier == limite or dossier.parent == dossier:
            break
        dossier = dossier.parent
    return None


def _defauts_dans(dossier: Path) -> Path | None:
    try:
        noms = sorted(os.listdir(dossier))
    except OSError:
        return None
    for voulu in _NOMS_DEFAUTS:
        for nom in noms:
            if nom.casefold() == voulu:
                return dossier / nom
    return None


def fusionner(
    defauts: dict[str, Any], origines_defauts: Origines, contrat: dict[str, Any], origines_contrat: Origines
) -> tuple[dict[str, Any], Origines]:
    """Merge commune defaults under a contract; return the merged data and where each value comes from."""
    origines: Origines = {}
    fusion = _fusionner(defauts, contrat, (), origines_defauts, origines_contrat, origines)
    origines[()] = origines_contrat.get((), next(iter(origines_contrat.values())))
    return fusion, origines


def _fusionner(
    defauts: dict[str, Any],
    contrat: dict[str, Any],
    chemin: Chemin,
    origines_defauts: Origines,
    origines_contrat: Origines,
    origines: Origines,
) -> dict[str, Any]:
    resultat: dict[str, Any] = {}
    for cle in list(defauts) + [c for c in contrat if c not in defauts]:
        enfant = (*chemin, cle)
        dans_contrat, dans_defauts = cle in contrat, cle in defauts
        if dans_defauts and not dans_contrat and enfant in _BLOCS_CONDITIONNELS:
            continue
        fusionnable = isinstance(contrat.get(cle), dict) and isinstance(defauts.get(cle), dict)
        if dans_contrat and dans_defauts and fusionnable and enfant not in _BLOCS_ENTIERS:
            resultat[cle] = _fusionner(defauts[cle], contrat[cle], enfant, origines_defauts, origines_contrat, origines)
            origines[enfant] = origines_contrat[enfant]
        elif dans_contrat:
            resultat[cle] = contrat[cle]
            _copier(origines_contrat, enfant, origines)
        else:
            resultat[cle] = defauts[cle]
            _copier(origines_defauts, enfant, origines)
    return resultat


def _copier(source: Origines, prefixe: Chemin, cible: Origines) -> None:
    """Copy the origins of a whole subtree."""
    n = len(prefixe)
    for chemin, origine in source.items():
        if chemin[:n] == prefixe:
            cible[chemin] = origine
