"""The template context: the only module that knows the template variable names.

Every value is formatted here, once, so a figure is written identically in every piece
(``modeles/VARIABLES.md`` documents the names). Templates never format numbers.

Two kinds of value are marked for highlighting (``formats.surligne``): a field the buyer must
still complete (« [À COMPLÉTER : …] », always), and, in a draft (``brouillon``), every value
taken from ``parametres.yaml`` rather than from the contract's file, so that the buyer sees
what the tool chose. Texts typed in the file lose their closing period (``sans_point_final``):
templates add their own punctuation.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from clause_kit import __version__
from clause_kit.calcul import Chiffres, HeuresLot, etp
from clause_kit.codes import codes
from clause_kit.droit import (
    AVERTISSEMENT_CMP2006,
    REFERENCES,
    TYPES_LIBELLES,
    clause_ccag,
    est_formalisee,
    libelle_ccag,
    libelle_procedure,
    penalites_ccag,
    reference_ponderation,
)
from clause_kit.formats import (
    date_fr,
    designation_avec_article,
    enumeration,
    formater_siret,
    montant,
    montant_en_lettres,
    nombre,
    nombre_en_lettres,
    nombre_simple,
    pourcentage,
    sans_point_final,
    surligne,
)
from clause_kit.modele import Consultation
from clause_kit.parametres import Parametres
from clause_kit.regles import contact_facilitateur

__all__ = ["construire_contexte"]

A_COMPLETER_FACILITATEUR = "[À COMPLÉTER : nom et coordonnées du facilitateur de la clause d'insertion]"


class _Marqueur:
    """Highlights a value when it is a default and the dossier is a draft."""

    def __init__(self, chiffres: Chiffres, brouillon: bool) -> None:
        self.defauts = chiffres.defauts if brouillon else set()

    def __call__(self, texte: str, *cles: str) -> str:
        return surligne(texte) if texte and any(c in self.defauts for c in cles) else texte

    def etiquette(self, cle: str) -> str:
        """A visible « [valeur par défaut] » to put before a sentence an option decided (draft only)."""
        return surligne("[valeur par défaut]") + " " if cle in self.defauts else ""


def construire_contexte(
    consultation: Consultation,
    chiffres: Chiffres,
    parametres: Parametres,
    aujourd_hui: datetime.date,
    *,
    brouillon: bool = False,
) -> dict[str, Any]:
    """Build the variables every template receives (see ``modeles/VARIABLES.md``)."""
    regime = consultation.insertion.regime
    marque = _Marqueur(chiffres, brouillon)
    return {
        "document": {
            "date_generation": date_fr(aujourd_hui),
            "version": __version__,
            "brouillon": brouillon,
            "avertissement": surligne(AVERTISSEMENT_CMP2006) if regime == "cmp2006" else "",
        },
        "acheteur": _acheteur(consultation),
        "facilitateur": _facilitateur(consultation, chiffres, brouillon),
        "marche": _marche(consultation, chiffres, marque),
        "lots": [_lot(lot, consultation, chiffres, marque) for lot in chiffres.lots],
        "insertion": _insertion(consultation, chiffres, parametres, marque),
        "droit": _droit(consultation, chiffres),
        "defaut": {cle: marque.etiquette(cle) for cle in chiffres.options},
    }


def _acheteur(consultation: Consultation) -> dict[str, str]:
    a = consultation.acheteur
    return {
        "nom": a.nom,
        "designation": designation_avec_article(a.nom, a.article),
        "commune": a.commune,
        "adresse": a.adresse or "",
        "siret": formater_siret(a.siret) if a.siret else "",
        "representant": a.representant or "",
    }


def _facilitateur(consultation: Consultation, chiffres: Chiffres, brouillon: bool) -> dict[str, Any]:
    f = consultation.facilitateur
    champs = {k: (getattr(f, k) or "") if f else "" for k in ("nom", "structure", "telephone", "courriel", "adresse")}
    a_completer = not contact_facilitateur(consultation)
    if a_completer:
        # Never the circular « le facilitateur désigné par l'acheteur »: the CCAG insertion article
        # requires its contact details. Without them, a visible field to complete (the loader has
        # already refused this unless the file says so or the dossier is a draft).
        designation = surligne(A_COMPLETER_FACILITATEUR)
    else:
        designation = f"{champs['nom']} ({champs['structure']})" if champs["nom"] and champs["structure"] else (
            champs["nom"] or champs["structure"]
        )
        contacts = [c for c in (champs["adresse"], _tel(champs["telephone"]), champs["courriel"]) if c]
        designation += ", " + ", ".join(contacts)
    return {**champs, "designation": designation, "a_completer": a_completer}


def _tel(telephone: str) -> str:
    return f"tél. {telephone}" if telephone else ""


def _marche(consultation: Consultation, chiffres: Chiffres, marque: _Marqueur) -> dict[str, Any]:
    m = consultation.marche
    avec_clause = [lot for lot in chiffres.lots if lot.heures > 0]
    numeros = [str(lot.numero) for lot in avec_clause if lot.numero is not None]
    return {
        "reference": m.reference,
        "objet": sans_point_final(m.objet),
        "type": m.type,
        "type_libelle": TYPES_LIBELLES[m.type],
        "montant_ht": montant(m.montant_ht),
        "montant_ht_lettres": montant_en_lettres(m.montant_ht),
        "procedure": marque(libelle_procedure(chiffres.procedure), "procedure"),
        "procedure_formalisee": est_formalisee(chiffres.procedure),
        "cpv": m.cpv or "",
        "duree": f"{m.duree_mois} mois" if m.duree_mois else "",
        "date_lancement": date_fr(chiffres.date_lancement),
        "date_limite_offres": date_fr(m.date_limite_offres) if m.date_limite_offres else "",
        "ccag": libelle_ccag(chiffres.ccag, consultation.insertion.regime),
        "allotissement": bool(m.lots),
        "nombre_lots": str(len(chiffres.lots)),
        "lots_avec_clause": _lots_nommes(numeros),
        "lots_avec_clause_au": _lots_nommes(numeros, "au ", "aux "),
        "lots_avec_clause_du": _lots_nommes(numeros, "du ", "des "),
        "lots_avec_clause_le": _lots_nommes(numeros, "le ", "les "),
        "tous_lots_avec_clause": len(avec_clause) == len(chiffres.lots),
    }


def _lots_nommes(numeros: list[str], singulier: str = "", pluriel: str = "") -> str:
    """``lot n° 2``, ``lots n° 1 et 3`` (``aux lots…`` with articles), or "" for a contract without lots."""
    if not numeros:
        return ""
    if len(numeros) == 1:
        return f"{singulier}lot n°\u00a0{numeros[0]}"
    return f"{pluriel}lots n°\u00a0{enumeration(numeros)}"


def _lot(lot: HeuresLot, consultation: Consultation, chiffres: Chiffres, marque: _Marqueur) -> dict[str, Any]:
    numero = str(lot.numero) if lot.numero is not None else ""
    lot_etp = etp(lot.heures, chiffres.heures_par_etp)
    return {
        "numero": numero,
        "intitule": sans_point_final(lot.intitule),
        # An en dash, not a colon: designations are often followed by ": N heures".
        "designation": f"Lot n°\u00a0{numero} – {sans_point_final(lot.intitule)}"
        if numero
        else sans_point_final(consultation.marche.objet),
        "montant_ht": montant(lot.montant_ht),
        "montant_ht_lettres": montant_en_lettres(lot.montant_ht),
        "clause": lot.heures > 0,
        "heures": nombre(lot.heures),
        "heures_lettres": nombre_en_lettres(lot.heures, feminin=True),
        "etp": nombre(lot_etp, 2),
        "etp_phrase": "soit " + _equivalent_etp(lot_etp, chiffres.heures_par_etp),
        "pourcentage": pourcentage(lot.pourcentage)
        if lot.pourcentage is not None and lot.heures_formule is not None
        else "",
        "taux_main_oeuvre": marque(pourcentage(lot.taux_main_oeuvre), "taux_main_oeuvre")
        if lot.taux_main_oeuvre is not None
        else "",
        "cout_horaire": marque(montant(lot.cout_horaire), "cout_horaire") if lot.cout_horaire is not None else "",
        "calcul": _texte_calcul(lot, marque),
    }


def _equivalent_etp(valeur: Decimal, heures_par_etp: int) -> str:
    """``l'équivalent de 0,89 emploi à temps plein sur un an (1 ETP = 1 607 heures)``.

    Hours ÷ 1 607 are full-time jobs over one year, not simultaneous jobs; plural from 2.
    """
    emplois = "emploi" if valeur < 2 else "emplois"
    return (
        f"l'équivalent de {nombre(valeur, 2)} {emplois} à temps plein sur un an "
        f"(1 ETP = {nombre(heures_par_etp)} heures)"
    )


def _texte_calcul(lot: HeuresLot, marque: _Marqueur) -> str:
    """How the lot's hours were obtained, in words a bidder can check."""
    formule = ""
    if lot.heures_formule is not None and lot.taux_main_oeuvre is not None and lot.cout_horaire is not None:
        assert lot.pourcentage is not None
        formule = (
            f"{montant(lot.montant_ht)} × {marque(pourcentage(lot.taux_main_oeuvre), 'taux_main_oeuvre')} de "
            f"main-d'œuvre × {pourcentage(lot.pourcentage)} d'insertion ÷ "
            f"{marque(montant(lot.cout_horaire, taxe=''), 'cout_horaire')} de coût horaire moyen"
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


def _insertion(
    consultation: Consultation, chiffres: Chiffres, parametres: Parametres, marque: _Marqueur
) -> dict[str, Any]:
    insertion = consultation.insertion
    regime = insertion.regime
    catalogue = parametres.brut["publics"]
    a53 = insertion.article_53
    return {
        "regime": regime,
        "article_14": any(lot.heures > 0 for lot in chiffres.lots),
        "article_53": a53 is not None,
        "heures_total": nombre(chiffres.heures_total),
        "heures_total_lettres": nombre_en_lettres(chiffres.heures_total, feminin=True),
        "etp_total": nombre(chiffres.etp_total, 2),
        "etp_equivalent": _equivalent_etp(chiffres.etp_total, chiffres.heures_par_etp),
        "etp_phrase": "soit " + _equivalent_etp(chiffres.etp_total, chiffres.heures_par_etp),
        "etp_par_an_phrase": (
            f"soit environ {nombre(chiffres.etp_par_an, 2)} ETP par an sur la durée du marché "
            f"({consultation.marche.duree_mois} mois)"
        )
        if chiffres.etp_par_an is not None and consultation.marche.duree_mois != 12
        else "",
        "heures_par_etp": marque(nombre(chiffres.heures_par_etp), "heures_par_etp"),
        "publics": [
            marque(sans_point_final(catalogue[c].get(f"libelle_{regime}", catalogue[c]["libelle"])), "publics")
            for c in chiffres.publics
        ],
        "modalites": [sans_point_final(m.description) for m in codes("modalites")],
        **_penalites(chiffres, marque),
        **{cle: valeur for cle, valeur in chiffres.options.items()},
        "conservation": f"{chiffres.conservation_annees} an{'s' if chiffres.conservation_annees > 1 else ''}",
        "ponderation": pourcentage(a53.ponderation) if a53 is not None else "",
        "heures_minimum": nombre(a53.heures_minimum) if a53 is not None and a53.heures_minimum else "",
        "sous_criteres": [
            {
                "numero": str(i),
                "libelle": marque(sans_point_final(sc.libelle), "sous_criteres"),
                "ponderation": marque(pourcentage(sc.ponderation), "sous_criteres"),
                "description": marque(sans_point_final(sc.description), "sous_criteres"),
            }
            for i, sc in enumerate(chiffres.sous_criteres, start=1)
        ],
        "criteres": [
            {
                "libelle": sans_point_final(c.libelle),
                "ponderation": pourcentage(c.ponderation),
                "insertion": c.insertion,
                "nature": c.nature,
            }
            for c in chiffres.criteres
        ],
    }


def _penalites(chiffres: Chiffres, marque: _Marqueur) -> dict[str, str]:
    p = chiffres.penalites
    explication = ""
    if p.multiple_smic is not None:
        quand = "à la date de notification du marché" if p.smic_reference == "notification" else "à la date du constat"
        explication = marque(
            f"soit {nombre_simple(p.multiple_smic)} fois le SMIC horaire brut en vigueur {quand}, "
            f"calculé ici sur le SMIC de {montant(p.smic_horaire, taxe='')} au {date_fr(p.smic_date)}",
            "penalite.multiple_smic",
            "penalite.smic",
        )
    return {
        "penalite": marque(
            f"{montant(p.par_heure, taxe='')} par heure d'insertion non réalisée", "penalite.multiple_smic"
        ),
        "penalite_explication": explication,
        "penalite_plafond": marque(pourcentage(p.plafond_pourcentage), "penalite.plafond_pourcentage"),
        "penalite_fiche": marque(montant(p.par_fiche_manquante, taxe=""), "penalite.par_fiche_manquante"),
    }


def _droit(consultation: Consultation, chiffres: Chiffres) -> dict[str, str]:
    regime = consultation.insertion.regime
    ref = REFERENCES[regime]
    return {
        "code": ref.code,
        "condition_execution": ref.condition_execution,
        "critere_insertion": ref.critere_insertion,
        "ponderation": reference_ponderation(regime, chiffres.procedure),
        "clause_ccag": clause_ccag(chiffres.ccag, regime),
        "penalites_ccag": penalites_ccag(chiffres.ccag, regime),
        "donnees_personnelles": ref.donnees_personnelles,
    }
