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

from clause_kit import version
from clause_kit.commun.codes import LISTES, codes
from clause_kit.commun.formats import (
    a_la_commune,
    date_fr,
    designation_avec_article,
    enumeration,
    espaces_insecables,
    fois_en_lettres,
    formater_siret,
    montant,
    montant_en_lettres,
    nombre,
    nombre_en_lettres,
    nombre_simple,
    pourcentage,
    premiere_minuscule,
    sans_point_final,
    surligne,
)
from clause_kit.commun.parametres import Parametres
from clause_kit.marche.calcul import Chiffres, HeuresLot, avec_clause, etp
from clause_kit.marche.droit import (
    AVERTISSEMENT_CMP2006,
    CCAG_2021,
    CLIMAT_RESILIENCE,
    FORMES,
    REFERENCES,
    RESERVES,
    TYPES_LIBELLES,
    clause_ccag,
    est_accord_cadre,
    est_formalisee,
    libelle_ccag,
    libelle_procedure,
    penalites_ccag,
    reference_ponderation,
)
from clause_kit.marche.modele import Consultation
from clause_kit.marche.regles import condition_sociale_exigee, contact_facilitateur

__all__ = ["construire_contexte"]

A_COMPLETER_FACILITATEUR = "[À COMPLÉTER\u00a0: nom et coordonnées du facilitateur de la clause d'insertion]"
A_VERIFIER_ARTICLE = "[À VÉRIFIER\u00a0: numéro d'article non confirmé dans le texte du CCAG]"
A_VERIFIER_DPO = "[À VÉRIFIER\u00a0: fondement à confirmer par le délégué à la protection des données]"
A_COMPLETER_DPO = "[À COMPLÉTER\u00a0: coordonnées du délégué à la protection des données]"


def _a_verifier(douteux: bool) -> str:
    """A highlighted « [À VÉRIFIER : …] » after a CCAG reference whose article number no text confirmed."""
    return " " + surligne(A_VERIFIER_ARTICLE) if douteux else ""


def _saisi(texte: str) -> str:
    """A text typed in the contract's file, as the pieces print it: no closing period, French spaces."""
    return espaces_insecables(sans_point_final(texte), ajouter=True)


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
            "version": version(),
            "brouillon": brouillon,
            # In every header of a draft: a highlight is lost in black-and-white print and in copy-paste.
            "mention_projet": "PROJET – ne pas publier – " if brouillon else "",
            "avertissement": surligne(AVERTISSEMENT_CMP2006) if regime == "cmp2006" else "",
        },
        "acheteur": _acheteur(consultation),
        "facilitateur": _facilitateur(consultation, chiffres, brouillon),
        "marche": _marche(consultation, chiffres, marque),
        "lots": [_lot(lot, consultation, chiffres, marque) for lot in chiffres.lots],
        "insertion": _insertion(consultation, chiffres, parametres, marque),
        "droit": _droit(consultation, chiffres, parametres),
        "defaut": {cle: marque.etiquette(cle) for cle in chiffres.options},
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
        "designation": designation_avec_article(a.nom, a.article),
        "commune": a.commune,
        "a_commune": a_la_commune(a.commune),
        "dpo": a.dpo or surligne(A_COMPLETER_DPO),
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
        designation = (
            f"{champs['nom']} ({champs['structure']})"
            if champs["nom"] and champs["structure"]
            else (champs["nom"] or champs["structure"])
        )
        contacts = [c for c in (champs["adresse"], _tel(champs["telephone"]), champs["courriel"]) if c]
        designation += ", " + ", ".join(contacts)
    return {**champs, "designation": designation, "a_completer": a_completer}


def _tel(telephone: str) -> str:
    return f"tél. {telephone}" if telephone else ""


def _concerne(lot: HeuresLot, chiffres: Chiffres) -> bool:
    """A lot the insertion action covers: it has hours due, or the clause is an award criterion alone."""
    return lot.heures > 0 or chiffres.heures_total == 0


def _marche(consultation: Consultation, chiffres: Chiffres, marque: _Marqueur) -> dict[str, Any]:
    m = consultation.marche
    concernes = [lot for lot in chiffres.lots if _concerne(lot, chiffres)]
    numeros = [str(lot.numero) for lot in concernes if lot.numero is not None]
    sans = [str(lot.numero) for lot in chiffres.lots if not _concerne(lot, chiffres) and lot.numero is not None]
    procedure = libelle_procedure(chiffres.procedure)
    if chiffres.procedure == "adaptee" and m.motif_procedure_adaptee == "services_sociaux":
        procedure += " (article R. 2123-1, 3°, du code de la commande publique)"
    return {
        "reference": m.reference,
        "objet": _saisi(m.objet),
        "type": m.type,
        "type_libelle": TYPES_LIBELLES[m.type],
        "montant_ht": montant(m.montant_ht),
        "montant_ht_lettres": montant_en_lettres(m.montant_ht),
        "procedure": marque(procedure, "procedure"),
        "procedure_formalisee": est_formalisee(chiffres.procedure),
        "cpv": m.cpv or "",
        "duree": _duree(consultation, chiffres),
        "date_lancement": date_fr(chiffres.date_lancement),
        "date_limite_offres": date_fr(m.date_limite_offres) if m.date_limite_offres else "",
        "ccag": libelle_ccag(chiffres.ccag, consultation.insertion.regime),
        "allotissement": bool(m.lots),
        "nombre_lots": str(len(chiffres.lots)),
        "lots_avec_clause": _lots_nommes(numeros),
        "lots_avec_clause_au": _lots_nommes(numeros, "au ", "aux "),
        "lots_avec_clause_du": _lots_nommes(numeros, "du ", "des "),
        "lots_avec_clause_le": _lots_nommes(numeros, "le ", "les "),
        "tous_lots_avec_clause": len(concernes) == len(chiffres.lots),
        "lots_sans_clause": (
            _lots_nommes(sans, "le ", "les ") + (" n'en comporte pas" if len(sans) == 1 else " n'en comportent pas")
        )
        if sans
        else "",
        "prestations": "travaux" if m.type == "travaux" else "prestations",
        **_reserve(m.reserve, "reserve"),
        "lots_reserves": any(lot.reserve for lot in m.lots or []),
        "maitre_oeuvre": chiffres.ccag == "moe",
        "accord_cadre": est_accord_cadre(m.forme),
        "forme_libelle": FORMES[m.forme].libelle,
        "forme_articles": FORMES[m.forme].articles,
        "commandes": FORMES[m.forme].commandes,
        "montant_minimum_ht": _borne(
            m.montant_minimum_ht, [(lot.numero, lot.montant_minimum_ht) for lot in m.lots or []]
        ),
        "montant_maximum_ht": _borne(
            m.montant_maximum_ht, [(lot.numero, lot.montant_maximum_ht) for lot in m.lots or []]
        ),
    }


def _borne(total: Decimal | None, par_lot: list[tuple[int, Decimal | None]]) -> str:
    """An accord-cadre's minimum or maximum, each lot's own after it: each lot is an accord-cadre (R. 2162-4).

    « 900 000,00 € HT (lot 1 : 660 000,00 € HT ; lot 2 : 240 000,00 € HT) »: printed wherever the
    pieces state the bound, so that the avis, the RC, the AE and the CCAP agree with the notice.
    """
    if total is None:
        return ""
    lots = [(numero, borne) for numero, borne in par_lot if borne is not None]
    if not lots:
        return montant(total)
    return f"{montant(total)} ({' ; '.join(f'lot {numero} : {montant(borne)}' for numero, borne in lots)})"


def _reserve_du_lot(consultation: Consultation, numero: int | None) -> str | None:
    """A lot's reservation: its own, else the contract's (a reserved contract reserves every lot)."""
    marche = consultation.marche
    propre = next((lot.reserve for lot in marche.lots or [] if lot.numero == numero), None) if numero else None
    return propre or marche.reserve


def _reserve(code: str | None, prefixe: str) -> dict[str, Any]:
    """``reserve`` (bool), ``reserve_article``, ``reserve_beneficiaires``, ``reserve_preuve`` ("" when not reserved)."""
    r = RESERVES.get(code or "")
    return {
        prefixe: r is not None,
        f"{prefixe}_article": r.article if r else "",
        f"{prefixe}_beneficiaires": r.beneficiaires if r else "",
        f"{prefixe}_preuve": r.preuve if r else "",
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
        "intitule": _saisi(lot.intitule),
        # An en dash, not a colon: designations are often followed by ": N heures".
        "designation": (
            f"Lot n°\u00a0{numero} – {_saisi(lot.intitule)}" if numero else _saisi(consultation.marche.objet)
        ),
        "montant_ht": montant(lot.montant_ht),
        "montant_ht_lettres": montant_en_lettres(lot.montant_ht),
        "clause": lot.heures > 0,
        "concerne": _concerne(lot, chiffres),
        "heures": marque(nombre(lot.heures), "taux_main_oeuvre", "cout_horaire"),
        "heures_lettres": nombre_en_lettres(lot.heures, feminin=True),
        "etp": nombre(lot_etp, 2),
        "etp_phrase": "soit " + _equivalent_etp(lot_etp, chiffres.heures_par_etp, lot.heures),
        "pourcentage": pourcentage(lot.pourcentage)
        if lot.pourcentage is not None and lot.heures_formule is not None
        else "",
        "taux_main_oeuvre": marque(pourcentage(lot.taux_main_oeuvre), "taux_main_oeuvre")
        if lot.taux_main_oeuvre is not None
        else "",
        "cout_horaire": marque(montant(lot.cout_horaire), "cout_horaire") if lot.cout_horaire is not None else "",
        "calcul": _texte_calcul(lot, marque),
        **_reserve(_reserve_du_lot(consultation, lot.numero), "reserve"),
        "heures_par_1000": _par_1000(lot.heures_par_1000, marque),
        "taux_phrase": _taux_phrase(lot, consultation, marque),
        "heures_garanties": nombre(lot.heures_garanties) if lot.heures_garanties is not None else "",
        "heures_au_maximum": nombre(lot.heures_au_maximum) if lot.heures_au_maximum is not None else "",
        "montant_minimum_ht": montant(lot.montant_minimum_ht) if lot.montant_minimum_ht is not None else "",
        "montant_maximum_ht": montant(lot.montant_maximum_ht) if lot.montant_maximum_ht is not None else "",
    }


def _duree(consultation: Consultation, chiffres: Chiffres) -> str:
    """``12 mois``; with renewals ``12 mois, reconductible 3 fois par périodes de 12 mois, soit 48 mois au plus``."""
    m = consultation.marche
    if not m.duree_mois:
        return ""
    if not m.reconductions:
        return f"{m.duree_mois} mois"
    fois = "une fois" if m.reconductions == 1 else f"{m.reconductions} fois"
    periodes = "une période" if m.reconductions == 1 else "périodes"
    return (
        f"{m.duree_mois} mois, reconductible {fois} par {periodes} de {m.duree_reconduction_mois or m.duree_mois} "
        f"mois, soit {chiffres.duree_totale_mois} mois au plus"
    )


def _ordinal(n: int) -> str:
    return "1re" if n == 1 else f"{n}e"


def _periodes(chiffres: Chiffres, marque: _Marqueur) -> list[dict[str, str]]:
    """The periods of a renewable contract, each with its hours and a ready-made list item."""
    resultat = []
    for p in chiffres.periodes:
        libelle = "période initiale" if p.numero == 1 else f"{_ordinal(p.numero - 1)} reconduction"
        heures = marque(nombre(p.heures), "taux_main_oeuvre", "cout_horaire") if p.heures is not None else ""
        unite = "heure" if (p.heures or 0) < 2 else "heures"
        resultat.append(
            {
                "numero": str(p.numero),
                "libelle": libelle,
                "mois": f"{p.mois} mois",
                "heures": heures,
                "phrase": f"{libelle} de {p.mois} mois" + (f"\u00a0: {heures} {unite}" if heures else ""),
            }
        )
    return resultat


def _tranches(chiffres: Chiffres, marque: _Marqueur) -> list[dict[str, str]]:
    """The tranches, each with its hours and a ready-made list item (optional: due once affermie)."""
    resultat = []
    for t in chiffres.tranches:
        heures = marque(nombre(t.heures), "taux_main_oeuvre", "cout_horaire")
        unite = "heure" if t.heures < 2 else "heures"
        condition = ", dues seulement si la tranche est affermie" if t.nature == "optionnelle" else ""
        resultat.append(
            {
                "libelle": _saisi(t.libelle),
                "nature": t.nature,
                "montant_ht": montant(t.montant_ht),
                "heures": heures,
                "phrase": f"tranche {t.nature} «\u00a0{_saisi(t.libelle)}\u00a0» ({montant(t.montant_ht)})\u00a0: "
                f"{heures} {unite}{condition}",
            }
        )
    return resultat


#: « 1 000 € HT » with its no-break spaces (thousands, before € and before HT).
MILLE_EUROS_HT = "1\u202f000\u00a0€\u00a0HT"


def _par_1000(taux: Decimal | None, marque: _Marqueur) -> str:
    """``1,125 heure``, ``2,5 heures`` (plural from 2, as in French): an accord-cadre's rate, or ""."""
    if taux is None:
        return ""
    return marque(nombre_simple(taux), "taux_main_oeuvre", "cout_horaire") + (" heure" if taux < 2 else " heures")


def _taux_commandes(taux: str, consultation: Consultation) -> str:
    """``1,125 heure de travail par tranche de 1 000 € HT de bons de commande exécutés`` or ""."""
    if not taux:
        return ""
    return (
        f"{taux} de travail par tranche de {MILLE_EUROS_HT} de {FORMES[consultation.marche.forme].commandes} exécutés"
    )


def _taux_phrase(lot: HeuresLot, consultation: Consultation, marque: _Marqueur) -> str:
    """One lot's rate in a list: ``Lot n° 1 – Peinture : 1,125 heure de travail par tranche…``."""
    if not est_accord_cadre(consultation.marche.forme):
        return ""
    taux = _taux_commandes(_par_1000(lot.heures_par_1000, marque), consultation) or "sans clause d'insertion"
    if lot.numero is None:
        return taux
    if lot.heures_garanties is not None and lot.montant_minimum_ht is not None and lot.heures:
        taux += (
            f" (minimum du lot\u00a0: {montant(lot.montant_minimum_ht)}, soit {nombre(lot.heures_garanties)} "
            f"heure{'s' if lot.heures_garanties >= 2 else ''} garantie{'s' if lot.heures_garanties >= 2 else ''})"
        )
    return f"Lot n°\u00a0{lot.numero} – {_saisi(lot.intitule)}\u00a0: {taux}"


def _equivalent_etp(valeur: Decimal, heures_par_etp: int, heures: int | None = None) -> str:
    """``l'équivalent d'environ 0,89 emploi à temps plein sur un an (1 ETP = 1 607 heures)``.

    Hours ÷ 1 607 are full-time jobs over one year, not simultaneous jobs; plural from 2. A figure
    rounded to two decimals says so (« environ »); an exact one (4 821 h = 3,00 ETP) does not.
    """
    emplois = "emploi" if valeur < 2 else "emplois"
    arrondi = heures is not None and Decimal(heures) != valeur * heures_par_etp
    return (
        f"l'équivalent {'d’environ' if arrondi else 'de'} {nombre(valeur, 2)} {emplois} à temps plein sur un an "
        f"(1 ETP = {nombre(heures_par_etp)} heures)"
    )


def _phrase_duree(chiffres: Chiffres, duree_mois: int | None) -> str:
    """The hours spread over the contract's months: per year beyond a year, over its months below."""
    if chiffres.etp_par_an is None or duree_mois is None or duree_mois == 12 or not chiffres.heures_total:
        return ""
    valeur = nombre(chiffres.etp_par_an, 2)
    if duree_mois > 12:
        return f"soit environ {valeur} ETP par an sur la durée du marché ({duree_mois} mois)"
    emplois = "emploi" if chiffres.etp_par_an < 2 else "emplois"
    return f"soit environ {valeur} {emplois} à temps plein pendant les {duree_mois} mois du marché"


def _base_etp(heures_par_etp: int) -> str:
    """The divisor of the ETP and what it is: the legal annual duration, or the buyer's own base."""
    if heures_par_etp == 1607:
        return "1\u202f607 heures, durée légale annuelle d'un emploi à temps plein"
    return (
        f"{nombre(heures_par_etp)} heures (base retenue par l'acheteur ; la durée légale annuelle d'un emploi à "
        "temps plein est de 1\u202f607 heures)"
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
        "clause": avec_clause(consultation, chiffres.heures_total),
        "notation_plafond": _notation_plafond(chiffres),
        "exception_condition_sociale": _saisi(insertion.exception_condition_sociale)
        if insertion.exception_condition_sociale and condition_sociale_exigee(consultation, chiffres)
        else "",
        "heures_total": marque(nombre(chiffres.heures_total), "taux_main_oeuvre", "cout_horaire"),
        "heures_total_lettres": nombre_en_lettres(chiffres.heures_total, feminin=True),
        "heures_par_1000": _par_1000(chiffres.heures_par_1000, marque),
        "taux_phrase": _taux_commandes(_par_1000(chiffres.heures_par_1000, marque), consultation),
        "heures_garanties": nombre(chiffres.heures_garanties) if chiffres.heures_garanties is not None else "",
        # Beyond a year (or for an accord-cadre, whose hours follow the orders of each year) the hours
        # are assessed every year, not only at the end.
        "bilan_annuel": est_accord_cadre(consultation.marche.forme) or (chiffres.duree_totale_mois or 0) > 12,
        "periodes": _periodes(chiffres, marque),
        "tranches": _tranches(chiffres, marque),
        "etp_total": nombre(chiffres.etp_total, 2),
        "etp_equivalent": _equivalent_etp(chiffres.etp_total, chiffres.heures_par_etp, chiffres.heures_total),
        "etp_phrase": "soit " + _equivalent_etp(chiffres.etp_total, chiffres.heures_par_etp, chiffres.heures_total),
        "etp_par_an_phrase": _phrase_duree(chiffres, chiffres.duree_totale_mois),
        "heures_par_etp": marque(nombre(chiffres.heures_par_etp), "heures_par_etp"),
        "base_etp": marque(_base_etp(chiffres.heures_par_etp), "heures_par_etp"),
        "publics": [
            marque(sans_point_final(catalogue[c].get(f"libelle_{regime}", catalogue[c]["libelle"])), "publics")
            for c in chiffres.publics
        ],
        "modalites": [
            sans_point_final(m.description_cmp2006 if regime == "cmp2006" and m.description_cmp2006 else m.description)
            for m in codes("modalites")
        ],
        **_penalites(chiffres, marque, bool(consultation.marche.lots), FORMES[consultation.marche.forme].commandes),
        **{cle: valeur for cle, valeur in chiffres.options.items()},
        "conservation": marque(
            f"{chiffres.conservation_annees} an{'s' if chiffres.conservation_annees > 1 else ''}", "conservation"
        ),
        "ponderation": pourcentage(a53.ponderation) if a53 is not None else "",
        "heures_minimum": nombre(a53.heures_minimum) if a53 is not None and a53.heures_minimum else "",
        "sous_critere_heures": next(
            (
                f"n°\u00a0{i} « {_saisi(sc.libelle)} »"
                for i, sc in enumerate(a53.sous_criteres or [], start=1)
                if sc.heures
            ),
            "",
        )
        if a53 is not None
        else "",
        "sous_criteres": [
            {
                "numero": str(i),
                "libelle": marque(_saisi(sc.libelle), "sous_criteres"),
                "ponderation": marque(pourcentage(sc.ponderation), "sous_criteres"),
                "description": marque(premiere_minuscule(_saisi(sc.description)), "sous_criteres"),
            }
            for i, sc in enumerate(chiffres.sous_criteres, start=1)
        ],
        "criteres": [
            {
                "libelle": _saisi(c.libelle),
                "ponderation": pourcentage(c.ponderation),
                "insertion": c.insertion,
                "nature": c.nature,
                # « a) du 2° » belongs to the insertion criterion alone, not to the whole list.
                "reference": REFERENCES[regime].critere_insertion_propre if c.insertion else "",
            }
            for c in chiffres.criteres
        ],
    }


def _notation_plafond(chiffres: Chiffres) -> str:
    """The cap of the hours scored: ``1 008 heures (20 % des 5 040 heures de main-d'œuvre estimées du marché)``."""
    if not chiffres.plafond_heures_notees:
        return ""
    taux = pourcentage(chiffres.plafond_heures_pourcentage)
    if len(chiffres.plafond_heures_notees) == 1 and chiffres.plafond_heures_notees[0][0] is None:
        _, main_oeuvre, plafond = chiffres.plafond_heures_notees[0]
        return (
            f"{nombre(plafond)} heures ({taux} des {nombre(main_oeuvre)} heures de main-d'œuvre estimées du "
            "marché, soit son montant hors taxes × part de la main-d'œuvre ÷ coût horaire moyen)"
        )
    lots = " ; ".join(
        f"lot n°\u00a0{n}\u00a0: {nombre(plafond)} heures" for n, _, plafond in chiffres.plafond_heures_notees
    )
    return f"{taux} des heures de main-d'œuvre estimées de chaque lot ({lots})"


def _penalites(chiffres: Chiffres, marque: _Marqueur, allotissement: bool, commandes: str) -> dict[str, str]:
    """The penalty rule as it binds: a multiple of the SMIC of a stated date (the euro amount indicative)."""
    p = chiffres.penalites
    if p.multiple_smic is not None:
        quand = (
            "à la date de notification du marché"
            if p.smic_reference == "notification"
            else "à la date du bilan final mentionné à l'article « Information et contrôle » du CCAP"
        )
        regle = marque(
            f"{fois_en_lettres(p.multiple_smic)} le SMIC horaire brut en vigueur {quand}, par heure d'insertion non "
            f"réalisée (à titre indicatif : {montant(p.par_heure, taxe='')} sur la base du SMIC de "
            f"{montant(p.smic_horaire, taxe='')} en vigueur au {date_fr(p.smic_date)})",
            "penalite.multiple_smic",
            "penalite.smic",
        )
    else:
        regle = f"{montant(p.par_heure, taxe='')} par heure d'insertion non réalisée"
    assiette = "du lot concerné" if allotissement else "du marché"
    plafond = marque(pourcentage(p.plafond_pourcentage), "penalite.plafond_pourcentage")
    # An accord-cadre has no amount « resulting from the offer »: the cap is on what was ordered.
    # Periods not renewed and tranches not affermies are never executed: the cap is on what was.
    executees = (
        " correspondant aux périodes exécutées"
        if len(chiffres.periodes) > 1
        else " correspondant aux tranches exécutées (ferme et affermies)"
        if chiffres.tranches
        else ""
    )
    base = (
        f"du montant total hors taxes des {commandes} exécutés{' au titre du lot concerné' if allotissement else ''}"
        if commandes
        else f"du montant total hors taxes {assiette}{executees}, tel qu'il résulte de l'offre retenue et de ses "
        "modifications"
    )
    return {
        "penalite": regle,
        "penalite_plafond": plafond,
        "penalite_plafond_phrase": (
            f"dans la limite de {plafond} {base}, les pénalités pour fiche de suivi manquante comprises"
        ),
        "penalite_fiche": marque(montant(p.par_fiche_manquante, taxe=""), "penalite.par_fiche_manquante"),
        "penalite_qualitative": marque(
            montant(p.par_engagement_qualitatif, taxe=""), "penalite.par_engagement_qualitatif"
        ),
    }


def _droit(consultation: Consultation, chiffres: Chiffres, parametres: Parametres) -> dict[str, str]:
    regime = consultation.insertion.regime
    ref = REFERENCES[regime]
    condition = ref.condition_execution
    seuil = chiffres.seuil
    if regime == "ccp" and chiffres.date_lancement >= CLIMAT_RESILIENCE and seuil is not None:
        if chiffres.montant_seuil_ht >= seuil.montant:
            # Above the EU threshold the social execution condition is itself mandatory (L. 2112-2-1).
            condition = ref.condition_execution_obligatoire
    sante = parametres.brut["donnees_sante_exception"]
    ccag = CCAG_2021.get(chiffres.ccag) if regime == "ccp" else None
    return {
        "code": ref.code,
        "condition_execution": condition,
        "critere_insertion": ref.critere_insertion,
        "criteres": ref.criteres,
        "ponderation": reference_ponderation(regime, chiffres.procedure),
        "clause_ccag": clause_ccag(chiffres.ccag, regime)
        + _a_verifier(ccag is not None and not ccag.article_insertion),
        "penalites_ccag": penalites_ccag(chiffres.ccag, regime)
        + _a_verifier(ccag is not None and not ccag.article_exoneration),
        "donnees_personnelles": ref.donnees_personnelles,
        "donnees_personnelles_court": "RGPD" if regime == "ccp" else "loi Informatique et libertés",
        # No text settles the GDPR art. 9 basis for insertion clauses: the DPO confirms it (parametres.yaml).
        "exception_sante": str(sante) + (" " + surligne(A_VERIFIER_DPO) if regime == "ccp" else ""),
        "condition_sociale_obligatoire": ref.condition_sociale_obligatoire,
        "reconduction": ref.reconduction,
        "tranches": ref.tranches,
    }
