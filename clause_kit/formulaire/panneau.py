"""The live figures beside the form, computed by the core from what the loader returned.

Hours per lot with their formula and where each value comes from, the weights of the award
criteria, the environmental-criterion rule, procedure and threshold.

Plain data for the template, computed from what the loader returned (``apercu``): no figure
is computed here that ``calcul`` does not compute.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from clause_kit.commun.erreurs import ClauseKitError
from clause_kit.commun.formats import date_fr, montant, nombre, nombre_simple, pourcentage
from clause_kit.commun.parametres import charger_parametres
from clause_kit.formulaire.apercu import Apercu
from clause_kit.formulaire.champs import valeur_a
from clause_kit.formulaire.yaml_sortie import valeur_normale
from clause_kit.marche.calcul import HeuresLot
from clause_kit.marche.droit import CLIMAT_RESILIENCE, critere_environnemental_exige, libelle_procedure
from clause_kit.rendu.contexte import construire_contexte

__all__ = ["panneau"]

_PARAMETRES = (
    ("pourcentage", "pourcentage d'insertion"),
    ("taux_main_oeuvre", "taux de main-d'œuvre"),
    ("cout_horaire", "coût horaire"),
)


def panneau(
    apercu: Apercu,
    donnees: dict[str, Any],
    communes: dict[str, Any] | None = None,
    erreurs: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """What the live panel shows.

    ``communes``: the commune's defaults, to say which values come from them; ``erreurs``: the
    messages, each with the French name of its field and its id (to link to it).
    """
    chiffres, consultation = apercu.chiffres, apercu.consultation
    liste = erreurs or []
    if chiffres is None or consultation is None:
        return {"disponible": False, "erreurs": len(apercu.problemes), "liste": liste}
    type_marche = consultation.marche.type
    # The computation in the words of the pieces themselves (the CCAP's « calcul » of each lot).
    try:
        calculs = [
            str(lot["calcul"])
            for lot in construire_contexte(consultation, chiffres, charger_parametres(), chiffres.date_lancement)[
                "lots"
            ]
        ]
    except ClauseKitError:  # a file the loader refused may still miss what a piece needs: no sentence then
        calculs = [""] * len(chiffres.lots)
    allotis = bool(consultation.marche.lots)
    lots = [
        _lot(i, lot, calculs[i], donnees, communes or {}, type_marche, allotis) for i, lot in enumerate(chiffres.lots)
    ]
    a53 = consultation.insertion.article_53
    criteres = [(c.libelle, pourcentage(c.ponderation)) for c in chiffres.criteres]
    somme = sum((c.ponderation for c in chiffres.criteres), Decimal(0))
    exige = critere_environnemental_exige(consultation.insertion.regime, chiffres.date_lancement)
    seuil = chiffres.seuil
    return {
        "disponible": True,
        "erreurs": len(apercu.problemes),
        "liste": liste,
        "article_14": chiffres.heures_total > 0,
        "lots": lots,
        "heures_total": nombre(chiffres.heures_total),
        "etp": nombre(chiffres.etp_total, 2),
        "heures_par_etp": nombre(chiffres.heures_par_etp),
        "heures_minimum": nombre(a53.heures_minimum) if a53 is not None and a53.heures_minimum else "",
        "criteres": criteres,
        "somme_criteres": pourcentage(somme) if criteres else "",
        "criteres_ok": somme == 100 if consultation.marche.criteres is not None else None,
        "sous_criteres": _sous_criteres(chiffres.sous_criteres, a53.ponderation if a53 is not None else None),
        "environnement": {
            "exige": exige,
            "present": any(c.nature == "environnement" for c in chiffres.criteres),
            "date": date_fr(CLIMAT_RESILIENCE),
        },
        "procedure": libelle_procedure(chiffres.procedure),
        "lancement": date_fr(chiffres.date_lancement),
        "seuil": montant(seuil.montant) if seuil is not None else "",
        "avertissements": chiffres.avertissements,
        "choix": chiffres.choix,
    }


def _sous_criteres(sous: list[Any], ponderation: Decimal | None) -> dict[str, Any] | None:
    if ponderation is None:
        return None
    somme = sum((s.ponderation for s in sous), Decimal(0))
    return {"somme": nombre_simple(somme), "attendu": nombre_simple(ponderation), "ok": somme == ponderation}


def _lot(
    i: int,
    lot: HeuresLot,
    calcul: str,
    donnees: dict[str, Any],
    communes: dict[str, Any],
    type_marche: str,
    allotis: bool,
) -> dict[str, Any]:
    titre = f"Lot {lot.numero} « {lot.intitule} »" if lot.numero is not None else "Marché"
    parametres = []
    for cle, libelle in _PARAMETRES:
        valeur = getattr(lot, cle)
        if valeur is not None:
            parametres.append(
                (libelle, nombre_simple(valeur), _provenance(i, cle, donnees, communes, type_marche, allotis))
            )
    return {
        "titre": titre,
        "heures": nombre(lot.heures),
        "origine": lot.origine,
        "formule": calcul,
        "parametres": parametres,
    }


def _provenance(
    i: int, cle: str, donnees: dict[str, Any], communes: dict[str, Any], type_marche: str, allotis: bool
) -> str:
    """Where one formula value of a lot comes from: the lot, the contract (or its commune), the defaults."""
    if allotis and valeur_a(donnees, "marche", "lots", i, "insertion", cle) is not None:
        return "saisi pour ce lot"
    valeur = valeur_a(donnees, "insertion", "article_14", cle)
    if valeur is not None:
        commune = valeur_a(communes, "insertion", "article_14", cle)
        if commune is not None and valeur_normale(commune) == valeur_normale(valeur):
            return "valeur commune (_commune.yaml)"
        return "saisi pour le marché"
    return f"défaut de parametres.yaml pour un marché de {type_marche}"
