"""The seed's two tables: contracts per buyer (« lecture verticale »), people's paths (« lecture horizontale »).

Hours due, hours done since the start, percentage and penalties come from ``suivi.etat``, computed
on the day after the period: the penalty rule lives there only. The hours of the period are
added from the period's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clause_kit.bilan.indicateurs import Ligne, article_du_marche, heures

__all__ = ["parcours", "tableau_marches"]


def tableau_marches(
    etat: dict[str, Any], marches: Sequence[dict[str, Any]], lignes: Sequence[Ligne], agregees: Sequence[Any]
) -> list[dict[str, Any]]:
    """Per buyer, contract and lot: due, done in the period, done since the start, %, penalty at the current pace."""
    periode_c: dict[tuple[str, int], int] = {}
    for element in (*lignes, *agregees):
        cle = (element.reference, element.lot)
        periode_c[cle] = periode_c.get(cle, 0) + element.heures_c
    etats = {m["reference"]: m for m in etat["marches"]}
    tableau = []
    for marche in marches:
        courant = etats.get(marche["reference"])
        if courant is None:  # an award criterion alone: no hours due, no state
            continue
        lots = [
            {**lot, "heures_periode": heures(periode_c.get((marche["reference"], lot["numero"]), 0))}
            for lot in courant["lots"]
        ]
        tableau.append(
            {
                "acheteur": marche["acheteur"],
                "reference": marche["reference"],
                "objet": marche["objet"],
                "type": marche["type"],
                "article": article_du_marche(marche),
                "debut": marche["debut"],
                "fin": marche["fin"],
                "heures_dues": courant["heures_dues"],
                "heures_periode": heures(sum(periode_c.get((marche["reference"], lot["numero"]), 0) for lot in lots)),
                "heures_realisees": courant["heures_realisees"],
                "pourcentage": courant["pourcentage"],
                "penalite_au_rythme": courant["penalite_au_rythme"],
                "lots": lots,
            }
        )
    return tableau


def _employeur(ligne: Ligne) -> str:
    """Who employs the person: the SIRET typed on the row (ETTI, GEIQ, SIAE), else the holder of the lot."""
    return ligne.siret_employeur or ligne.siret_titulaire or (ligne.titulaire or "").strip() or "titulaire du lot"


def parcours(lignes: Sequence[Ligne]) -> list[dict[str, Any]]:
    """Each person's path across the contracts of the period: work contracts in order, hours, exit."""
    contrats: dict[tuple[str, str, str], dict[str, Any]] = {}
    for ligne in sorted(lignes, key=lambda x: (x.participant, x.debut_contrat, x.reference, x.mois)):
        contrat = contrats.get(ligne.contrat)
        if contrat is None:
            contrat = contrats[ligne.contrat] = {
                "participant": ligne.participant,
                "acheteur": ligne.acheteur,
                "reference": ligne.reference,
                "lot": ligne.lot,
                "employeur": _employeur(ligne),
                "type_contrat": ligne.type_contrat,
                "modalite": ligne.modalite,
                "debut_contrat": ligne.debut_contrat,
                "fin_contrat": ligne.fin_contrat,
                "premier_mois": ligne.mois,
                "dernier_mois": ligne.mois,
                "heures_c": 0,
                "sortie": None,
            }
        contrat["heures_c"] += ligne.heures_c
        contrat["dernier_mois"] = ligne.mois
        contrat["fin_contrat"] = ligne.fin_contrat  # the latest month's end: a contract may be extended
        contrat["sortie"] = ligne.sortie or contrat["sortie"]
    personnes: dict[str, dict[str, Any]] = {}
    for contrat in contrats.values():
        personne = personnes.setdefault(
            contrat["participant"], {"participant": contrat["participant"], "heures_c": 0, "contrats": []}
        )
        personne["heures_c"] += contrat["heures_c"]
        personne["contrats"].append({**contrat, "heures_realisees": heures(contrat.pop("heures_c"))})
    resultat = []
    for personne in personnes.values():
        suite = personne["contrats"]
        resultat.append(
            {
                "participant": personne["participant"],
                "heures_realisees": heures(personne["heures_c"]),
                "marches": len({c["reference"] for c in suite}),
                "premier_mois": min(c["premier_mois"] for c in suite),
                "dernier_mois": max(c["dernier_mois"] for c in suite),
                "sortie": suite[-1]["sortie"],
                "contrats": [{k: v for k, v in c.items() if k != "participant"} for c in suite],
            }
        )
    return resultat
