"""Small-cell suppression for published outputs (Word, PDF, spreadsheet): « < 5 » instead of a count.

A table sent to buyers and partners must not let a reader single out a person: a cell counting
from 1 to ``seuil - 1`` people shows « < 5 », and so do the hours and ETP of that row (a
person's hours are theirs). When a split that adds up to its total hides a single row, the
smallest other row is hidden too, or the total would give the hidden one away. Zero is shown:
it says nobody. The threshold is ``bilan.seuil_secret`` of ``parametres.yaml`` and the report
states it. The JSON, for the facilitator's own use, keeps exact counts and says so.
"""

from __future__ import annotations

from typing import Any

from clause_kit.commun.parametres import charger_parametres

__all__ = ["MASQUE_CHAMPS", "masque", "masquer_repartition", "masquer_valeur", "seuil_secret"]

#: Fields of a split's row that are hidden with its count of people.
MASQUE_CHAMPS = ("personnes", "contrats_travail", "heures_realisees", "etp")


def seuil_secret() -> int:
    """The threshold below which a count of people is not published (``parametres.yaml``)."""
    return int(charger_parametres().brut["bilan"]["seuil_secret"])


def masque(seuil: int) -> str:
    """What a hidden cell shows: « < 5 »."""
    return f"< {seuil}"


def _a_masquer(effectif: Any, seuil: int) -> bool:
    return isinstance(effectif, int) and 0 < effectif < seuil


def masquer_valeur(effectif: int, seuil: int) -> int | str:
    """A single count as published."""
    return masque(seuil) if _a_masquer(effectif, seuil) else effectif


def masquer_repartition(
    rangees: list[dict[str, Any]], seuil: int, *, additive: bool = True, cle: str = "personnes"
) -> list[dict[str, Any]]:
    """Copies of the rows of a split with the small cells hidden (and one more when the total would tell)."""
    # A row whose people all began elsewhere (0 people, 2 contracts) still describes fewer than 5 people.
    caches = {
        i for i, r in enumerate(rangees) if _a_masquer(r[cle], seuil) or _a_masquer(r.get("contrats_travail"), seuil)
    }
    if additive and len(caches) == 1:
        autres = [(r[cle], i) for i, r in enumerate(rangees) if i not in caches and isinstance(r[cle], int) and r[cle]]
        if autres:
            caches.add(min(autres)[1])
    publiees = []
    for i, rangee in enumerate(rangees):
        copie = dict(rangee)
        if i in caches:
            for champ in MASQUE_CHAMPS:
                if champ in copie:
                    copie[champ] = masque(seuil)
        publiees.append(copie)
    return publiees
