"""EU thresholds of formalised procedures: which applies to a contract on its launch date, and the check.

The values change every two years and live, with their period of validity, in
``parametres.yaml``; the rule that uses them (a procédure adaptée only below them, except
social and other specific services, R. 2123-1 3°) is law and lives here.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from clause_kit.commun.formats import date_fr, montant
from clause_kit.commun.parametres import lire_yaml_du_paquet
from clause_kit.marche.droit import est_accord_cadre, libelle_procedure
from clause_kit.marche.modele import Chemin, Consultation

__all__ = [
    "SOURCE_SERVICES_SOCIAUX",
    "Seuil",
    "montant_du_seuil",
    "rubrique_services_sociaux",
    "procedure_par_defaut",
    "seuil_europeen",
    "verifier_procedure",
]

_CATEGORIES = {
    "collectivite": "des collectivités territoriales et autres pouvoirs adjudicateurs",
    "etat": "de l'État",
    "entite_adjudicatrice": "des entités adjudicatrices",
}


@dataclass(frozen=True)
class Seuil:
    """The EU threshold that applies to one contract, and what it is (for messages)."""

    montant: Decimal
    du: datetime.date
    au: datetime.date
    description: str


def seuil_europeen(consultation: Consultation, parametres: dict[str, Any], jour: datetime.date) -> Seuil | None:
    """The threshold in force on ``jour`` for this contract's type and buyer, or None when no period covers it."""
    marche, categorie = consultation.marche, consultation.acheteur.categorie
    for periode in parametres["seuils_europeens"]:
        du, au = _date(periode["du"]), _date(periode["au"])
        if du <= jour <= au:
            if marche.type == "travaux":
                return Seuil(Decimal(str(periode["travaux"])), du, au, "marchés de travaux")
            valeur = periode["fournitures_services"][categorie]
            return Seuil(
                Decimal(str(valeur)), du, au, f"marchés de fournitures et de services {_CATEGORIES[categorie]}"
            )
    return None


def _date(valeur: Any) -> datetime.date:
    return valeur if isinstance(valeur, datetime.date) else datetime.date.fromisoformat(str(valeur))


def montant_du_seuil(consultation: Consultation) -> Decimal:
    """What the EU threshold is compared with: the maximum of an accord-cadre (renewals included), else the amount."""
    marche = consultation.marche
    if est_accord_cadre(marche.forme) and marche.montant_maximum_ht is not None:
        return marche.montant_maximum_ht
    return marche.montant_ht


@functools.cache
def _services_sociaux() -> tuple[str, list[tuple[str, set[int], list[tuple[int, int]]]]]:
    """The packaged list (``commun/services_sociaux.yaml``): its source and, per heading, codes and ranges."""
    brut = lire_yaml_du_paquet("services_sociaux.yaml")
    rubriques = [
        (
            r["libelle"],
            {_huit_chiffres(c) for c in r.get("codes", [])},
            [(_huit_chiffres(a), _huit_chiffres(b)) for a, b in r.get("plages", [])],
        )
        for r in brut["rubriques"]
    ]
    return " ".join(str(brut["source"]).split()), rubriques


def _huit_chiffres(cpv: str) -> int:
    return int(str(cpv).split("-")[0])


#: Where the list of social and other specific services comes from (cited by the error messages).
SOURCE_SERVICES_SOCIAUX = "avis annexé au code de la commande publique (annexe XIV de la directive 2014/24/UE)"


def rubrique_services_sociaux(cpv: str) -> str | None:
    """The heading of the social and other specific services list a CPV code falls in, or None."""
    code = _huit_chiffres(cpv)
    for libelle, codes, plages in _services_sociaux()[1]:
        if code in codes or any(debut <= code <= fin for debut, fin in plages):
            return libelle
    return None


def reservable_ess(cpv: str) -> bool:
    """Whether a CPV code is one of the services a contract may reserve to ESS companies (L. 2113-15)."""
    brut = lire_yaml_du_paquet("services_sociaux.yaml")["reservables_ess"]
    code = _huit_chiffres(cpv)
    return code in {_huit_chiffres(c) for c in brut["codes"]} or any(
        _huit_chiffres(a) <= code <= _huit_chiffres(b) for a, b in brut["plages"]
    )


def procedure_par_defaut(montant_ht: Decimal, seuil: Seuil | None) -> str:
    """Below the threshold a procédure adaptée, at or above it an open call for tenders."""
    return "adaptee" if seuil is not None and montant_ht < seuil.montant else "appel_offres_ouvert"


def verifier_procedure(consultation: Consultation, seuil: Seuil | None, procedure: str) -> list[tuple[Chemin, str]]:
    """The procedure chosen must fit the amount: a procédure adaptée stays below the EU threshold."""
    marche = consultation.marche
    if marche.motif_procedure_adaptee == "services_sociaux" and marche.type != "services":
        return [
            (
                ("marche", "motif_procedure_adaptee"),
                "services_sociaux ne vaut que pour un marché de services (services sociaux et autres services "
                "spécifiques, article R. 2123-1, 3°, du code de la commande publique), pas pour un marché de "
                f"{marche.type}",
            )
        ]
    if marche.motif_procedure_adaptee == "services_sociaux":
        return _verifier_services_sociaux(consultation)
    if procedure != "adaptee":
        return []
    base = montant_du_seuil(consultation)
    if seuil is None or base < seuil.montant:
        return []
    quoi = (
        f"le montant maximum de l'accord-cadre ({montant(base)}, tous lots, sur toute sa durée, reconductions "
        "comprises)"
        if est_accord_cadre(marche.forme)
        else f"le montant du marché ({montant(base)}, tous lots)"
    )
    return [
        (
            ("marche", "procedure"),
            f"{libelle_procedure('adaptee')} impossible : {quoi} atteint le seuil européen de "
            f"{montant(seuil.montant)} applicable aux {seuil.description} "
            f"du {date_fr(seuil.du)} au {date_fr(seuil.au)} ; une procédure formalisée est requise "
            "(appel_offres_ouvert, appel_offres_restreint, negociee ou dialogue_competitif), sauf pour des "
            "services sociaux et autres services spécifiques (article R. 2123-1, 3°, du code de la commande "
            "publique : indiquer motif_procedure_adaptee: services_sociaux)",
        )
    ]


def _verifier_services_sociaux(consultation: Consultation) -> list[tuple[Chemin, str]]:
    """R. 2123-1 3°: only the services listed by CPV in the avis annexed to the code."""
    cpv = consultation.marche.cpv
    if cpv is None:
        return [
            (
                ("marche", "motif_procedure_adaptee"),
                "services_sociaux : indiquez le code CPV du marché (marche.cpv) ; seuls les services sociaux et "
                f"autres services spécifiques de la liste de l'{SOURCE_SERVICES_SOCIAUX} relèvent de l'article "
                "R. 2123-1, 3°, du code de la commande publique",
            )
        ]
    if rubrique_services_sociaux(cpv) is None:
        return [
            (
                ("marche", "cpv"),
                f"le code CPV {cpv} ne figure pas dans la liste des services sociaux et autres services "
                f"spécifiques ({SOURCE_SERVICES_SOCIAUX}) : motif_procedure_adaptee: services_sociaux est "
                "impossible ; une procédure adaptée n'est alors possible que sous le seuil européen",
            )
        ]
    return []
