"""The template context: the only module that knows the template variable names.

Every value is formatted here, once, so a figure is written identically in every piece
(``modeles/VARIABLES.md`` documents the names). Templates never format numbers.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from clause_kit import __version__
from clause_kit.calcul import Chiffres, HeuresLot, etp
from clause_kit.codes import LISTES, codes
from clause_kit.droit import (
    REFERENCES,
    TYPES_LIBELLES,
    clause_ccag,
    libelle_ccag,
    libelle_procedure,
    reference_ponderation,
)
from clause_kit.formats import (
    date_fr,
    formater_siret,
    montant,
    montant_en_lettres,
    nombre,
    nombre_en_lettres,
    nombre_simple,
    pourcentage,
)
from clause_kit.modele import Consultation
from clause_kit.parametres import Parametres

__all__ = ["construire_contexte"]


def construire_contexte(
    consultation: Consultation, chiffres: Chiffres, parametres: Parametres, aujourd_hui: datetime.date
) -> dict[str, Any]:
    """Build the variables every template receives (see ``modeles/VARIABLES.md``)."""
    regime = consultation.insertion.regime
    return {
        "document": {"date_generation": date_fr(aujourd_hui), "version": __version__},
        "acheteur": _acheteur(consultation),
        "facilitateur": _facilitateur(consultation),
        "marche": _marche(consultation, chiffres),
        "lots": [_lot(lot, consultation, chiffres) for lot in chiffres.lots],
        "insertion": _insertion(consultation, chiffres, parametres),
        "droit": _droit(consultation.marche.type, regime, chiffres.procedure),
        "codes": _codes(),
    }


def _codes() -> dict[str, list[dict[str, str]]]:
    """The shared code lists (``codes.yaml``), so that the Word follow-up sheet uses the workbook's codes."""
    return {
        liste: [{"cle": c.cle, "libelle": c.libelle, "description": c.description} for c in codes(liste)]
        for liste in LISTES
    }


def _acheteur(consultation: Consultation) -> dict[str, str]:
    a = consultation.acheteur
    return {
        "nom": a.nom,
        "commune": a.commune,
        "adresse": a.adresse or "",
        "siret": formater_siret(a.siret) if a.siret else "",
        "representant": a.representant or "",
    }


def _facilitateur(consultation: Consultation) -> dict[str, str]:
    f = consultation.facilitateur
    champs = {k: (getattr(f, k) or "") if f else "" for k in ("nom", "structure", "telephone", "courriel", "adresse")}
    designation = champs["nom"] or champs["structure"]
    if champs["nom"] and champs["structure"]:
        designation = f"{champs['nom']} ({champs['structure']})"
    contacts = [c for c in (champs["adresse"], _tel(champs["telephone"]), champs["courriel"]) if c]
    if designation and contacts:
        designation += ", " + ", ".join(contacts)
    elif not designation:
        designation = "le facilitateur de la clause d'insertion désigné par l'acheteur"
        if contacts:
            designation += " (" + ", ".join(contacts) + ")"
    return {**champs, "designation": designation}


def _tel(telephone: str) -> str:
    return f"tél. {telephone}" if telephone else ""


def _marche(consultation: Consultation, chiffres: Chiffres) -> dict[str, Any]:
    m = consultation.marche
    return {
        "reference": m.reference,
        "objet": m.objet,
        "type": m.type,
        "type_libelle": TYPES_LIBELLES[m.type],
        "montant_ht": montant(m.montant_ht),
        "montant_ht_lettres": montant_en_lettres(m.montant_ht),
        "procedure": libelle_procedure(chiffres.procedure),
        "cpv": m.cpv or "",
        "duree": f"{m.duree_mois} mois" if m.duree_mois else "",
        "date_limite_offres": date_fr(m.date_limite_offres) if m.date_limite_offres else "",
        "ccag": libelle_ccag(m.type, consultation.insertion.regime),
        "allotissement": bool(m.lots),
        "nombre_lots": str(len(chiffres.lots)),
    }


def _lot(lot: HeuresLot, consultation: Consultation, chiffres: Chiffres) -> dict[str, Any]:
    numero = str(lot.numero) if lot.numero is not None else ""
    return {
        "numero": numero,
        "intitule": lot.intitule,
        # An en dash, not a colon: designations are often followed by ": N heures".
        "designation": f"Lot n°\u00a0{numero} – {lot.intitule}" if numero else consultation.marche.objet,
        "montant_ht": montant(lot.montant_ht),
        "montant_ht_lettres": montant_en_lettres(lot.montant_ht),
        "clause": lot.heures > 0,
        "heures": nombre(lot.heures),
        "heures_lettres": nombre_en_lettres(lot.heures),
        "etp": nombre(etp(lot.heures, chiffres.heures_par_etp), 2),
        "pourcentage": pourcentage(lot.pourcentage)
        if lot.pourcentage is not None and lot.heures_formule is not None
        else "",
        "taux_main_oeuvre": pourcentage(lot.taux_main_oeuvre) if lot.taux_main_oeuvre is not None else "",
        "cout_horaire": montant(lot.cout_horaire) if lot.cout_horaire is not None else "",
        "calcul": _texte_calcul(lot),
    }


def _texte_calcul(lot: HeuresLot) -> str:
    """How the lot's hours were obtained, in words a bidder can check."""
    formule = ""
    if lot.heures_formule is not None and lot.taux_main_oeuvre is not None and lot.cout_horaire is not None:
        assert lot.pourcentage is not None
        formule = (
            f"{montant(lot.montant_ht)} × {pourcentage(lot.taux_main_oeuvre)} de main-d'œuvre × "
            f"{pourcentage(lot.pourcentage)} d'insertion ÷ {montant(lot.cout_horaire, taxe='')} de coût horaire moyen"
            f" = {nombre(lot.heures_formule, 2)} heures"
        )
    if lot.origine == "formule":
        return f"{formule}, arrondies à {nombre(lot.heures)} heures"
    if lot.origine == "fixe":
        texte = f"nombre d'heures fixé par l'acheteur : {nombre(lot.heures)} heures"
        return f"{texte} (à titre indicatif, la formule donne {formule})" if formule else texte
    if lot.origine == "repartition" and lot.repartition is not None:
        reste, total_marche, base = lot.repartition
        deduction = "" if reste == total_marche else ", moins les heures des lots qui ont les leurs"
        exactes = nombre(Decimal(reste) * lot.montant_ht / base, 2)
        return (
            f"{nombre(reste)} heures à répartir ({nombre(total_marche)} heures fixées pour le marché{deduction}) × "
            f"{montant(lot.montant_ht)} ÷ {montant(base)} = {exactes} heures, "
            f"arrondies à {nombre(lot.heures)} heures (le total des lots est exact)"
        )
    return "pas d'heures d'insertion sur ce lot"


def _insertion(consultation: Consultation, chiffres: Chiffres, parametres: Parametres) -> dict[str, Any]:
    insertion = consultation.insertion
    regime = insertion.regime
    catalogue = parametres.brut["publics"]
    publics = [catalogue[c].get(f"libelle_{regime}", catalogue[c]["libelle"]) for c in chiffres.publics]
    explication = ""
    if chiffres.penalite_multiple_smic is not None:
        explication = (
            f"soit {nombre_simple(chiffres.penalite_multiple_smic)} fois "
            f"le SMIC horaire brut ({montant(chiffres.smic_horaire, taxe='')} au {date_fr(chiffres.smic_date)})"
        )
    a53 = insertion.article_53
    return {
        "regime": regime,
        "article_14": any(lot.heures > 0 for lot in chiffres.lots),
        "article_53": a53 is not None,
        "heures_total": nombre(chiffres.heures_total),
        "heures_total_lettres": nombre_en_lettres(chiffres.heures_total),
        "etp_total": nombre(chiffres.etp_total, 2),
        "heures_par_etp": nombre(chiffres.heures_par_etp),
        "publics": publics,
        "modalites": list(parametres.brut["modalites"]),
        "penalite": f"{montant(chiffres.penalite_par_heure, taxe='')} par heure d'insertion non réalisée",
        "penalite_explication": explication,
        "ponderation": pourcentage(a53.ponderation) if a53 is not None else "",
        "sous_criteres": [
            {
                "numero": str(i),
                "libelle": sc.libelle,
                "ponderation": pourcentage(sc.ponderation),
                "description": sc.description,
            }
            for i, sc in enumerate(chiffres.sous_criteres, start=1)
        ],
        "criteres": [
            {"libelle": c.libelle, "ponderation": pourcentage(c.ponderation), "insertion": c.insertion}
            for c in chiffres.criteres
        ],
    }


def _droit(type_marche: str, regime: str, procedure: str) -> dict[str, str]:
    ref = REFERENCES[regime]
    return {
        "code": ref.code,
        "condition_execution": ref.condition_execution,
        "critere_insertion": ref.critere_insertion,
        "ponderation": reference_ponderation(regime, procedure),
        "clause_ccag": clause_ccag(type_marche, regime),
    }
