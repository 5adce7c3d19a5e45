"""Small-cell suppression for published outputs (Word, PDF, spreadsheet): two marks, each meaning one thing.

A table sent to buyers and partners must not let a reader single out a person:

* « < 5 » is written only in a cell that counts from 1 to ``seuil - 1`` **people**: it says
  exactly that;
* « s » (secret) is written in every other hidden cell: the work contracts, hours and ETP of a
  row whose people are hidden (« < 5 » hours would read as fewer than five hours), a row that
  describes fewer than 5 people without counting them (0 people, 2 work contracts), and the
  row hidden only to protect another one: when a split that adds up to its total hides a single
  row, the smallest other row is hidden too, or the total would give the hidden one away.

Zero is shown: it says nobody. The threshold is ``bilan.seuil_secret`` of ``parametres.yaml``
and the report states it with both marks (``explication``). The JSON, for the facilitator's own
use, keeps exact counts and says so.
"""

from __future__ import annotations

from typing import Any

from clause_kit.commun.parametres import charger_parametres

__all__ = [
    "MASQUE_CHAMPS",
    "SECRET",
    "chiffres_publies",
    "explication",
    "marches_secrets",
    "masque",
    "masquer_repartition",
    "masquer_valeur",
    "seuil_secret",
]

#: Fields of a split's row that are hidden with its count of people.
MASQUE_CHAMPS = ("personnes", "contrats_travail", "heures_realisees", "etp")
#: What a cell hidden by the secret shows when it is not a count of 1 to 4 people.
SECRET = "s"


def seuil_secret() -> int:
    """The threshold below which a count of people is not published (``parametres.yaml``)."""
    return int(charger_parametres().brut["bilan"]["seuil_secret"])


def masque(seuil: int) -> str:
    """What a hidden cell shows: « < 5 »."""
    return f"< {seuil}"


def explication(seuil: int) -> str:
    """What the published report says of its two marks."""
    return (
        f"Secret statistique : « < {seuil} » remplace un nombre de personnes compris entre 1 et {seuil - 1} ; "
        f"« {SECRET} » remplace une valeur masquée pour la même raison sans être un nombre de personnes (les "
        "contrats, heures et ETP d'une ligne dont les personnes sont masquées) ou masquée seulement pour "
        "qu'un total ne permette pas de retrouver une autre case masquée."
    )


def _a_masquer(effectif: Any, seuil: int) -> bool:
    return isinstance(effectif, int) and 0 < effectif < seuil


def masquer_valeur(effectif: int, seuil: int) -> int | str:
    """A single count as published."""
    return masque(seuil) if _a_masquer(effectif, seuil) else effectif


def masquer_repartition(
    rangees: list[dict[str, Any]],
    seuil: int,
    *,
    additive: bool = True,
    cle: str = "personnes",
    effectif_de_personnes: bool = True,
) -> list[dict[str, Any]]:
    """Copies of the rows of a split with the small cells hidden (and one more when the total would tell).

    ``effectif_de_personnes`` False: ``cle`` counts something else (work contracts ending), so no
    cell says « < 5 »; every hidden cell says « s ».
    """
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
            for champ in {cle, *MASQUE_CHAMPS}:
                if champ in copie:
                    copie[champ] = SECRET
            if effectif_de_personnes and _a_masquer(rangee[cle], seuil):  # 1 to 4 people say so; nothing else does
                copie[cle] = masque(seuil)
        publiees.append(copie)
    return publiees


def chiffres_publies(chiffres: dict[str, Any], seuil: int) -> dict[str, Any]:
    """The headline figures as published: people « < 5 » when 1-4; what they would give away « s ».

    When the people are hidden, their work contracts, CDI, hours, ETP and exits are too (« s »);
    otherwise a count of 1 to 4 work contracts (CDI, exits) is « s »: it describes that many people.
    """
    personnes = chiffres.get("personnes")
    peu = _a_masquer(personnes, seuil)
    publies: dict[str, Any] = {"personnes": masquer_valeur(personnes, seuil) if isinstance(personnes, int) else None}
    sorties = chiffres.get("sorties") or {}
    valeurs = {
        "contrats_travail": chiffres.get("contrats_travail"),
        "cdi": chiffres.get("cdi"),
        "heures_realisees": chiffres.get("heures_realisees"),
        "etp": chiffres.get("etp"),
        "sorties_dynamiques": sorties.get("dynamiques"),
        "sorties": sorties.get("total"),
    }
    comptes = {"contrats_travail", "cdi", "sorties_dynamiques", "sorties"}
    for cle, valeur in valeurs.items():
        cache = valeur is not None and (peu and valeur != 0 or (cle in comptes and _a_masquer(valeur, seuil)))
        publies[cle] = SECRET if cache else valeur
    return publies


def marches_secrets(bilan: dict[str, Any]) -> set[str]:
    """Contracts whose hours of the period are those of 1 to 4 people: published as « s »."""
    return {r["code"] for r in bilan.get("par_marche", []) if _a_masquer(r["personnes"], bilan["seuil_secret"])}
