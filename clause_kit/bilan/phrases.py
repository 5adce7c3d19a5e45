"""The report on a terminal, in French: headline figures, splits, contracts, forward view."""

from __future__ import annotations

from typing import Any

from clause_kit.bilan.nombres import ecrire as _n
from clause_kit.bilan.nombres import ecrire_montant
from clause_kit.bilan.periode import mois_fr

__all__ = ["bilan_texte"]


def _repartition(titre: str, rangees: list[dict[str, Any]], cle: str = "libelle") -> list[str]:
    lignes = ["", titre]
    for r in rangees:
        if r["personnes"] or r["heures_realisees"]:
            lignes.append(
                f"  {r[cle]} : {_n(r['personnes'])} personne(s), {_n(r['contrats_travail'])} contrat(s), "
                f"{_n(r['heures_realisees'])} h ({_n(r['etp'], 2)} ETP)"
            )
    return lignes


def _entete(bilan: dict[str, Any]) -> list[str]:
    periode = bilan["periode"]
    sorties = bilan["sorties"]
    qui = f" – {bilan['donneur_ordre']}" if bilan["donneur_ordre"] else ""
    lignes = [
        f"Bilan {periode['libelle']}{qui} (du {periode['du']} au {periode['au']})",
        f"  Marchés clausés : {_n(bilan['marches'])} ; donneurs d'ordre : {_n(bilan['donneurs_ordre'])} ; "
        f"entreprises : {_n(bilan['entreprises'])}",
        f"  Personnes : {_n(bilan['personnes'])} ; contrats de travail : {_n(bilan['contrats_travail'])} ; "
        f"dont CDI : {_n(bilan['cdi'])}",
        f"  Heures réalisées : {_n(bilan['heures_realisees'])} h, soit {_n(bilan['etp'], 2)} ETP "
        f"(1 ETP = {_n(bilan['diviseur_etp'])} h)"
        + (f" ; {_n(bilan['etp_annualise'], 2)} ETP en année pleine" if "etp_annualise" in bilan else ""),
        f"  Heures de formation (à part) : {_n(bilan.get('heures_formation', 0))} h, dont "
        f"{_n(bilan.get('heures_formation_comptees', 0))} h comptées comme heures d'insertion",
        f"  Contrats de travail terminés : {_n(sorties['total'])}, dont {_n(sorties['dynamiques'])} sorties "
        f"dynamiques (emploi durable {_n(sorties['emploi_durable'])}, de transition "
        f"{_n(sorties['emploi_transition'])}, sortie positive {_n(sorties['sortie_positive'])}) et "
        f"{_n(sorties.get('non_renseignee', 0))} sans situation déclarée",
    ]
    avant = bilan["precedente"]
    if avant:
        lignes.append(
            f"  Période précédente ({avant['libelle']}) : {_n(avant['personnes'])} personnes, "
            f"{_n(avant['heures_realisees'])} h, {_n(avant['etp'], 2)} ETP"
        )
    lignes.append(
        f"  Effectifs exacts (usage interne) ; publiés avec le secret sous {bilan['seuil_secret']} personnes."
    )
    return lignes


def _marches(bilan: dict[str, Any]) -> list[str]:
    lignes = ["", "Marchés (heures dues, réalisées dans la période, depuis le début, pénalités au rythme actuel)"]
    for m in bilan["detail_marches"]:
        penalite = m["penalite_au_rythme"]
        texte_penalite = f", pénalité {ecrire_montant(penalite)}" if penalite else ""
        pourcentage = f" ({_n(m['pourcentage'], 1)} %)" if m["pourcentage"] is not None else ""
        lignes.append(
            f"  {m['acheteur']} – {m['reference']} {m['objet']} : {_n(m['heures_dues'])} h dues, "
            f"{_n(m['heures_periode'])} h dans la période, {_n(m['heures_realisees'])} h en tout"
            f"{pourcentage}{texte_penalite}"
        )
    return lignes


def _prevision(bilan: dict[str, Any]) -> list[str]:
    prevision = bilan["prevision"]
    lignes = ["", f"Heures à venir après le {prevision['apres']} : {_n(prevision['heures_restantes'])} h"]
    for mois in prevision["par_mois"][:24]:
        lignes.append(f"  {mois_fr(mois['mois'])} : {_n(mois['heures'])} h")
    for marche in prevision["sans_dates"]:
        lignes.append(f"  {marche['reference']} (dates d'exécution inconnues) : {_n(marche['heures_restantes'])} h")
    return lignes


def bilan_texte(bilan: dict[str, Any]) -> str:
    """The report for a terminal."""
    lignes = _entete(bilan)
    lignes += _repartition("Par donneur d'ordre", bilan["par_donneur_ordre"], "nom")
    lignes += _repartition("Par article", bilan["par_article"])
    lignes += _repartition("Par public (une personne peut relever de plusieurs)", bilan["par_public"])
    lignes += _repartition("Par sexe", bilan["par_sexe"])
    lignes += _repartition("Par tranche d'âge", bilan["par_tranche_age"])
    lignes += _repartition("Par résidence (QPV, ZRR)", bilan["par_residence"])
    lignes += _repartition("Par modalité (une personne peut relever de plusieurs)", bilan["par_modalite"])
    lignes += _repartition("Par type de contrat (une personne peut relever de plusieurs)", bilan["par_type_contrat"])
    lignes += _marches(bilan)
    lignes += _prevision(bilan)
    return "\n".join(lignes)
