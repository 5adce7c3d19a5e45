"""The forward view: insertion hours still to come on unfinished contracts, month by month.

For the seed's « anticipation des marchés pour introduire de la formation en amont »: how many
hours each month will need people, in which kind of contract (works, services, supplies) and
which kinds of work contract, so that the facilitator prepares candidates and training ahead.

Hours still due on a lot (due less done, as ``suivi.etat`` counts them after the period) are
spread evenly over its remaining months of execution, after the period and up to the contract's
end. The sheets say better on one point, the kinds of work contract: a lot's hours to come are
split like the hours its sheets declared so far (« non connu » when none came yet). Every
spread is done in hundredths of an hour by largest remainders, so the months add up exactly to
the hours still due. A contract without execution dates cannot be spread: its hours are listed
apart, and still count in the total.

A contract launched after the period (``date_lancement`` later than its last day) was not known
then: the forward view of a past period leaves it out (the 2007-2008 report of Aubagne does not
announce the contracts of 2026); it is in the forward view of any period that includes its
launch. A contract that does not state its launch date is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from clause_kit.bilan.indicateurs import heures
from clause_kit.bilan.periode import Periode, mois_suivant, suite_mois
from clause_kit.commun.codes import codes

__all__ = ["Prevision", "heures_entieres", "prevoir", "repartir_entier"]


def repartir_entier(total: int, poids: Sequence[int]) -> list[int]:
    """``total`` split in proportion to ``poids`` (equal when all are zero), by largest remainders: exact sum."""
    if not poids:
        return []
    if not any(poids):
        poids = [1] * len(poids)
    somme = sum(poids)
    parts = [total * p // somme for p in poids]
    restes = sorted(range(len(poids)), key=lambda i: (-(total * poids[i] % somme), i))
    for i in restes[: total - sum(parts)]:
        parts[i] += 1
    return parts


def heures_entieres(valeurs: Sequence[int | float]) -> list[int]:
    """Hours to come as published, in whole hours: the total rounded, then split by largest remainders.

    Each cell rounded alone would not add up to the total the report prints.
    """
    centiemes = [round(Decimal(str(v)) * 100) for v in valeurs]
    total = int((Decimal(sum(centiemes)) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return repartir_entier(total, centiemes)


def _restant_c(lot: dict[str, Any]) -> int:
    realisees = Decimal(str(lot["heures_realisees"])) * 100
    return max(0, lot["heures_dues"] * 100 - int(realisees))


class Prevision:
    """The forward view, built contract by contract (``ajouter``), in the order of the contracts."""

    def __init__(self, types_declares: Iterable[tuple[str, int, str, int]], periode: Periode) -> None:
        self._periode = periode
        self._declares: dict[tuple[str, int], dict[str, int]] = {}
        for reference, lot, type_contrat, centiemes in types_declares:
            self._declares.setdefault((reference, lot), {})[type_contrat] = centiemes
        self._par_mois: dict[str, dict[str, int]] = {}
        self._par_type_contrat: dict[str, int] = {}
        self._par_marche: list[dict[str, Any]] = []
        self._sans_dates: list[dict[str, Any]] = []
        self._premier_possible = mois_suivant(periode.dernier)
        self._fin_periode = periode.au.isoformat()

    def ajouter(self, marche: dict[str, Any], courant: dict[str, Any] | None) -> None:
        """One contract and its state after the period (``suivi.etat``; None: no hours due)."""
        if courant is None or (marche["fin"] and marche["fin"] <= self._fin_periode):
            return  # no hours due, or finished by the end of the period
        if (marche.get("lancement") or "") > self._fin_periode:
            return  # launched after the period: not known at its end
        restant = {lot["numero"]: _restant_c(lot) for lot in courant["lots"]}
        total = sum(restant.values())
        if not total:
            return
        resume = {
            "reference": marche["reference"],
            "acheteur": marche["acheteur"],
            "objet": marche["objet"],
            "type": marche["type"],
            "heures_restantes": heures(total),
        }
        if not marche["debut"] or not marche["fin"]:
            self._sans_dates.append(resume)
            return
        mois = suite_mois(max(self._premier_possible, marche["debut"][:7]), marche["fin"][:7])
        for numero, centiemes in restant.items():
            types = self._declares.get((marche["reference"], numero), {"non_connu": 0})
            for m, part in zip(mois, repartir_entier(centiemes, [1] * len(mois)), strict=True):
                cellule = self._par_mois.setdefault(m, {})
                cellule[marche["type"]] = cellule.get(marche["type"], 0) + part
                for type_contrat, sous_part in zip(types, repartir_entier(part, list(types.values())), strict=True):
                    self._par_type_contrat[type_contrat] = self._par_type_contrat.get(type_contrat, 0) + sous_part
        self._par_marche.append({**resume, "premier_mois": mois[0], "dernier_mois": mois[-1], "mois": len(mois)})

    def resultat(self) -> dict[str, Any]:
        """The forward view of the contracts added."""
        return _resultat(self._periode, self._par_mois, self._par_type_contrat, self._par_marche, self._sans_dates)


def prevoir(
    marches: Sequence[dict[str, Any]],
    etat: dict[str, Any],
    types_declares: Sequence[tuple[str, int, str, int]],
    periode: Periode,
) -> dict[str, Any]:
    """Hours still due after the period, per month, kind of contract and kind of work contract."""
    etats = {m["reference"]: m for m in etat["marches"]}
    prevision = Prevision(types_declares, periode)
    for marche in marches:
        prevision.ajouter(marche, etats.get(marche["reference"]))
    return prevision.resultat()


def _resultat(
    periode: Periode,
    par_mois: dict[str, dict[str, int]],
    par_type_contrat: dict[str, int],
    par_marche: list[dict[str, Any]],
    sans_dates: list[dict[str, Any]],
) -> dict[str, Any]:
    libelles = {c.cle: c.libelle for c in codes("types_contrat")} | {"non_connu": "Non connu (aucune fiche reçue)"}
    total_c = sum(sum(c.values()) for c in par_mois.values())
    sans_dates_c = sum(int(Decimal(str(s["heures_restantes"])) * 100) for s in sans_dates)
    return {
        "apres": periode.au.isoformat(),
        "heures_restantes": heures(total_c + sans_dates_c),
        "heures_reparties": heures(total_c),
        "par_mois": [
            {
                "mois": mois,
                "heures": heures(sum(cellule.values())),
                "par_type_marche": {t: heures(h) for t, h in sorted(cellule.items())},
            }
            for mois, cellule in sorted(par_mois.items())
        ],
        "par_type_contrat": [
            {"code": code, "libelle": libelles.get(code, code), "heures": heures(h)}
            for code, h in sorted(par_type_contrat.items(), key=lambda x: -x[1])
        ],
        "par_marche": par_marche,
        "sans_dates": sans_dates,
    }
