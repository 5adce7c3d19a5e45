"""What ``verifier`` shows: the figures and the choices made, as plain data (JSON-ready)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from clause_kit.commun.formats import date_fr, montant, nombre, nombre_simple, pourcentage
from clause_kit.marche.calcul import Chiffres
from clause_kit.marche.chargement import chemin_texte
from clause_kit.marche.communes import Origines
from clause_kit.marche.droit import (
    REFERENCES,
    clause_ccag,
    critere_environnemental_exige,
    est_accord_cadre,
    libelle_ccag,
    reference_ponderation,
)
from clause_kit.marche.modele import Consultation

__all__ = ["synthese", "synthese_texte"]


def _nombre(valeur: Decimal) -> float | int:
    """JSON number: an int when whole, else a float (figures here have at most 4 decimals)."""
    return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)


def _ou_rien(valeur: Decimal | None) -> float | int | None:
    return _nombre(valeur) if valeur is not None else None


def _reserve_du_lot(consultation: Consultation, numero: int | None) -> str | None:
    """The reservation of a lot: its own, else the contract's (the implicit lot of a contract without lots)."""
    marche = consultation.marche
    propre = next((lot.reserve for lot in marche.lots or [] if lot.numero == numero), None)
    return propre or marche.reserve


def origines_des_valeurs(origines: Origines) -> dict[str, str]:
    """``champ → fichier:ligne`` for every value given in a file (leaves of the tree)."""
    chemins = sorted(origines, key=len)
    feuilles = {c for c in chemins if c and not any(len(d) > len(c) and d[: len(c)] == c for d in chemins)}
    return {chemin_texte(c): f"{origines[c][0]}:{origines[c][1]}" for c in sorted(feuilles, key=chemin_texte)}


def synthese(
    consultation: Consultation, chiffres: Chiffres, origines: Origines | None = None, defauts: Path | None = None
) -> dict[str, Any]:
    """The validated contract's key figures, legal references, applied defaults and where values came from."""
    insertion, marche = consultation.insertion, consultation.marche
    ref = REFERENCES[insertion.regime]
    references = []
    if chiffres.heures_total > 0:
        references.append(ref.condition_execution)
        if clause_ccag(chiffres.ccag, insertion.regime):
            references.append(clause_ccag(chiffres.ccag, insertion.regime))
    if insertion.article_53 is not None:
        references += [ref.critere_insertion, reference_ponderation(insertion.regime, chiffres.procedure)]
    if critere_environnemental_exige(insertion.regime, chiffres.date_lancement):
        references.append(ref.critere_environnemental)
    seuil = chiffres.seuil
    return {
        "reference": marche.reference,
        "objet": marche.objet,
        "acheteur": consultation.acheteur.nom,
        "commune": consultation.acheteur.commune,
        "type": marche.type,
        "montant_ht": _nombre(marche.montant_ht),
        "forme": chiffres.forme,
        "montant_minimum_ht": _ou_rien(marche.montant_minimum_ht),
        "montant_maximum_ht": _ou_rien(marche.montant_maximum_ht),
        "montant_seuil_ht": _nombre(chiffres.montant_seuil_ht),
        "heures_par_1000_euros": _ou_rien(chiffres.heures_par_1000),
        "heures_garanties": chiffres.heures_garanties,
        "reserve": marche.reserve,
        "reconductions": marche.reconductions or 0,
        "duree_totale_mois": chiffres.duree_totale_mois,
        "periodes": [{"numero": p.numero, "mois": p.mois, "heures": p.heures} for p in chiffres.periodes],
        "tranches": [
            {"libelle": t.libelle, "nature": t.nature, "montant_ht": _nombre(t.montant_ht), "heures": t.heures}
            for t in chiffres.tranches
        ],
        "regime": insertion.regime,
        "date_lancement": chiffres.date_lancement.isoformat(),
        "procedure": chiffres.procedure,
        "ccag": chiffres.ccag,
        "ccag_libelle": libelle_ccag(chiffres.ccag, insertion.regime),
        "seuil_europeen": (
            {"montant_ht": _nombre(seuil.montant), "du": seuil.du.isoformat(), "au": seuil.au.isoformat()}
            if seuil is not None
            else None
        ),
        "clauses": {"article_14": chiffres.heures_total > 0, "article_53": insertion.article_53 is not None},
        "heures_insertion": chiffres.heures_total,
        "heures_minimum": insertion.article_53.heures_minimum if insertion.article_53 is not None else None,
        "etp": float(chiffres.etp_total),
        "heures_par_etp": chiffres.heures_par_etp,
        "lots": [
            {
                "numero": lot.numero if lot.numero is not None else 1,
                "intitule": lot.intitule,
                "montant_ht": _nombre(lot.montant_ht),
                "heures_insertion": lot.heures,
                "origine": lot.origine,
                "heures_formule": float(lot.heures_formule) if lot.heures_formule is not None else None,
                "forme": chiffres.forme,
                "reserve": _reserve_du_lot(consultation, lot.numero),
                "montant_minimum_ht": _ou_rien(lot.montant_minimum_ht),
                "montant_maximum_ht": _ou_rien(lot.montant_maximum_ht),
                # An accord-cadre's lot without its own maximum has no amount of its own to judge.
                "montant_seuil_ht": _ou_rien(
                    lot.montant_maximum_ht
                    if lot.montant_maximum_ht is not None
                    else (None if est_accord_cadre(chiffres.forme) else lot.montant_ht)
                ),
                "heures_par_1000_euros": _ou_rien(lot.heures_par_1000),
                "heures_garanties": lot.heures_garanties,
                "heures_au_maximum": lot.heures_au_maximum,
            }
            for lot in chiffres.lots
        ],
        "criteres": [
            {"libelle": c.libelle, "ponderation": _nombre(c.ponderation), "insertion": c.insertion, "nature": c.nature}
            for c in chiffres.criteres
        ],
        "sous_criteres": [
            {"libelle": c.libelle, "ponderation": _nombre(c.ponderation)} for c in chiffres.sous_criteres
        ],
        "penalite_par_heure": float(chiffres.penalite_par_heure),
        "penalite_plafond_pourcentage": _nombre(chiffres.penalites.plafond_pourcentage),
        "options": chiffres.options,
        "defauts": sorted(chiffres.defauts),
        "publics": chiffres.publics,
        "references_juridiques": references,
        "choix": chiffres.choix,
        "avertissements": chiffres.avertissements,
        "valeurs_communes": str(defauts) if defauts else None,
        "origines": origines_des_valeurs(origines or {}),
    }


_ORIGINES = {
    "formule": "formule",
    "fixe": "fixées par l'acheteur",
    "repartition": "réparties au prorata",
    "aucune": "sans clause",
}


def synthese_texte(donnees: dict[str, Any]) -> str:
    """The same summary for a person at a terminal."""
    lignes = [
        f"Marché {donnees['reference']} : {donnees['objet']}",
        f"  Acheteur : {donnees['acheteur']} ({donnees['commune']})",
        f"  Type : {donnees['type']}, montant : {montant(str(donnees['montant_ht']))}, régime : {donnees['regime']}",
        *_texte_forme(donnees),
        *([f"  Marché réservé : {donnees['reserve']}"] if donnees.get("reserve") else []),
        f"  Lancement : {date_fr(_date(donnees['date_lancement']))}, procédure : {donnees['procedure']}, "
        f"CCAG : {donnees['ccag_libelle'] or 'aucun'}" + _texte_seuil(donnees["seuil_europeen"]),
        _texte_heures(donnees),
        *_texte_periodes(donnees),
    ]
    for lot in donnees["lots"] if donnees["clauses"]["article_14"] else []:
        origine = _ORIGINES[lot["origine"]]
        if lot["heures_par_1000_euros"] is not None:
            taux = nombre_simple(Decimal(str(lot["heures_par_1000_euros"])))
            origine = f"{taux} h par 1 000 € HT commandés, estimation sur le montant estimatif"
        reserve = f", lot réservé {lot['reserve']}" if lot["reserve"] and not donnees["reserve"] else ""
        lignes.append(
            f"    lot {lot['numero']} « {lot['intitule']} » : {nombre(lot['heures_insertion'])} h ({origine}){reserve}"
        )
    if donnees["criteres"]:
        lignes.append("  Critères d'attribution :")
        lignes += [f"    {c['libelle']} : {pourcentage(Decimal(str(c['ponderation'])))}" for c in donnees["criteres"]]
        lignes += [
            f"      dont {c['libelle']} : {pourcentage(Decimal(str(c['ponderation'])))}"
            for c in donnees["sous_criteres"]
        ]
    lignes.append("  Références citées : " + " ; ".join(donnees["references_juridiques"]))
    if donnees.get("valeurs_communes"):
        communes = [c for c, o in donnees["origines"].items() if o.startswith(donnees["valeurs_communes"] + ":")]
        lignes.append(f"  Valeurs communes reprises de {donnees['valeurs_communes']} :")
        lignes += [f"    - {c} (ligne {donnees['origines'][c].rsplit(':', 1)[1]})" for c in communes]
    if donnees["avertissements"]:
        lignes.append("  Avertissements :")
        lignes += [f"    ! {a}" for a in donnees["avertissements"]]
    if donnees["choix"]:
        lignes.append("  Choix appliqués :")
        lignes += [f"    - {c}" for c in donnees["choix"]]
    return "\n".join(lignes)


def _texte_forme(donnees: dict[str, Any]) -> list[str]:
    if donnees["forme"] == "ordinaire":
        return []
    bornes = [
        f"{quoi} {montant(str(donnees[cle]))}"
        for quoi, cle in (("minimum", "montant_minimum_ht"), ("maximum", "montant_maximum_ht"))
        if donnees[cle] is not None
    ]
    lignes = [
        f"  Forme : {donnees['forme']} ({', '.join(bornes) or 'sans minimum ni maximum'} ; seuil jugé sur "
        f"{montant(str(donnees['montant_seuil_ht']))})"
    ]
    if donnees["heures_par_1000_euros"] is not None:
        garanties = donnees["heures_garanties"]
        lignes.append(
            f"  Heures par 1 000 € HT commandés : {nombre_simple(Decimal(str(donnees['heures_par_1000_euros'])))} h"
            + (f", dont {nombre(garanties)} h garanties par le minimum" if garanties is not None else "")
        )
    return lignes


def _texte_periodes(donnees: dict[str, Any]) -> list[str]:
    lignes = []
    for p in donnees["periodes"]:
        quoi = "période initiale" if p["numero"] == 1 else f"reconduction {p['numero'] - 1}"
        heures = f" : {nombre(p['heures'])} h, dues si elle est exécutée" if p["heures"] is not None else ""
        lignes.append(f"    {quoi} ({p['mois']} mois){heures}")
    for t in donnees["tranches"]:
        condition = ", dues une fois affermie" if t["nature"] == "optionnelle" else ""
        lignes.append(f"    tranche {t['nature']} « {t['libelle']} » : {nombre(t['heures'])} h{condition}")
    return lignes


def _texte_heures(donnees: dict[str, Any]) -> str:
    if not donnees["clauses"]["article_14"] and not donnees["clauses"]["article_53"]:
        return "  Clause d'insertion : aucune (marché réservé : elle y est facultative)"
    if not donnees["clauses"]["article_14"]:
        minimum = donnees.get("heures_minimum")
        plancher = f", au moins {nombre(minimum)} h" if minimum else ""
        return f"  Heures d'insertion : celles de l'offre retenue (critère d'attribution seul{plancher})"
    estimees = " estimées sur le montant estimatif" if donnees["forme"] != "ordinaire" else ""
    return (
        f"  Heures d'insertion{estimees} : {nombre(donnees['heures_insertion'])} h, "
        f"soit {nombre(Decimal(str(donnees['etp'])), 2)} ETP (1 ETP = {nombre(donnees['heures_par_etp'])} h)"
    )


def _date(iso: str) -> datetime.date:
    return datetime.date.fromisoformat(iso)


def _texte_seuil(seuil: dict[str, Any] | None) -> str:
    if seuil is None:
        return ""
    return f" (seuil européen : {montant(str(seuil['montant_ht']))})"
