"""The seed's two tables: contracts per buyer (« lecture verticale »), people's paths (« lecture horizontale »).

Hours due, hours done since the start, percentage and penalties come from ``suivi.etat``, computed
on the day after the period: the penalty rule lives there only. The hours of the period are
added from the period's rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from clause_kit.bilan.indicateurs import Ligne, article_du_marche, heures

__all__ = ["heures_de_la_periode", "parcours", "rangee_marche", "tableau_marches"]


def rangee_marche(
    marche: dict[str, Any], courant: dict[str, Any], periode_c: Mapping[tuple[str, int], int]
) -> dict[str, Any]:
    """A contract's row: its state (``suivi.etat``) and ``periode_c``, hundredths of the period per (contract, lot)."""
    lots = [
        {**lot, "heures_periode": heures(periode_c.get((marche["reference"], lot["numero"]), 0))}
        for lot in courant["lots"]
    ]
    return {
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


def heures_de_la_periode(par_lot: Mapping[tuple[str, int], int], agregees: Sequence[Any]) -> dict[tuple[str, int], int]:
    """Hundredths of the period per (contract, lot): the rows' (``indicateurs.Compteur``) and purged people's."""
    periode_c = dict(par_lot)
    for agregee in agregees:
        cle = (agregee.reference, agregee.lot)
        periode_c[cle] = periode_c.get(cle, 0) + agregee.heures_c
    return periode_c


def tableau_marches(
    etat: dict[str, Any],
    marches: Sequence[dict[str, Any]],
    par_lot: Mapping[tuple[str, int], int],
    agregees: Sequence[Any],
) -> list[dict[str, Any]]:
    """Per buyer, contract and lot: due, done in the period, done since the start, %, penalty at the current pace.

    ``par_lot``: the period's hundredths of hours of the rows in force per (contract, lot), as
    ``indicateurs.Compteur`` sums them; ``agregees`` adds purged people's hours.
    """
    periode_c = heures_de_la_periode(par_lot, agregees)
    etats = {m["reference"]: m for m in etat["marches"]}
    # A contract with an award criterion alone has no hours due and no state: no row.
    return [
        rangee_marche(marche, etats[marche["reference"]], periode_c)
        for marche in marches
        if marche["reference"] in etats
    ]


def _employeur(ligne: Ligne) -> str:
    """Who employs the person: the SIRET typed on the row (ETTI, GEIQ, SIAE), else the holder of the lot."""
    return ligne.siret_employeur or ligne.siret_titulaire or (ligne.titulaire or "").strip() or "titulaire du lot"


def _contrats_de_travail(lignes: Sequence[Ligne]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Each work contract: what its first month says (employer, type), its latest month (end), its last exit."""
    contrats: dict[tuple[str, str, str], dict[str, Any]] = {}
    for ligne in lignes:
        contrat = contrats.get(ligne.contrat)
        if contrat is None or ligne.mois < contrat["premier_mois"]:
            suite = contrat or {"heures_c": 0, "sortie": None, "mois_sortie": "", "dernier_mois": ""}
            contrat = contrats[ligne.contrat] = {
                **suite,
                "participant": ligne.participant,
                "acheteur": ligne.acheteur,
                "reference": ligne.reference,
                "lot": ligne.lot,
                "employeur": _employeur(ligne),
                "type_contrat": ligne.type_contrat,
                "modalite": ligne.modalite,
                "debut_contrat": ligne.debut_contrat,
                "premier_mois": ligne.mois,
            }
        contrat["heures_c"] += ligne.heures_c
        if ligne.jusqu_a >= contrat["dernier_mois"]:  # a contract may be extended: the latest month's end counts
            contrat["dernier_mois"], contrat["fin_contrat"] = ligne.jusqu_a, ligne.fin_contrat
        mois_sortie = ligne.mois_sortie or ligne.jusqu_a
        if ligne.sortie and mois_sortie >= contrat["mois_sortie"]:
            contrat["sortie"], contrat["mois_sortie"] = ligne.sortie, mois_sortie
    return contrats


def parcours(lignes: Sequence[Ligne]) -> list[dict[str, Any]]:
    """Each person's path across the contracts of the period: work contracts in order, hours, exit."""
    personnes: dict[str, list[dict[str, Any]]] = {}
    for contrat in _contrats_de_travail(lignes).values():
        personnes.setdefault(contrat["participant"], []).append(contrat)
    resultat = []
    for participant in sorted(personnes):
        suite = sorted(personnes[participant], key=lambda c: (c["debut_contrat"], c["reference"], c["premier_mois"]))
        cles = ("acheteur", "reference", "lot", "employeur", "type_contrat", "modalite", "debut_contrat")
        resultat.append(
            {
                "participant": participant,
                "heures_realisees": heures(sum(c["heures_c"] for c in suite)),
                "marches": len({c["reference"] for c in suite}),
                "premier_mois": min(c["premier_mois"] for c in suite),
                "dernier_mois": max(c["dernier_mois"] for c in suite),
                "sortie": suite[-1]["sortie"],
                "contrats": [
                    {
                        **{cle: c[cle] for cle in cles},
                        "fin_contrat": c["fin_contrat"],
                        "premier_mois": c["premier_mois"],
                        "dernier_mois": c["dernier_mois"],
                        "sortie": c["sortie"],
                        "heures_realisees": heures(c["heures_c"]),
                    }
                    for c in suite
                ],
            }
        )
    return resultat
