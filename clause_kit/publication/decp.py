"""The essential data of an awarded contract (DECP 2.0.3): one record per contract, or per lot.

After award, a buyer publishes the contract's essential data. Everything comes from the contract
file: the description (buyer SIRET, CPV, place, duration, form of contract, CCAG, procedure) and
the award block ``execution`` (notification, holders, amount, offers, prices, advance,
subcontracting, grouping). Social considerations follow from the contract's devices (an execution
clause, an award criterion, a reservation), environmental ones from its criteria.

A value the file does not give is never invented: every missing key is named, with the file
and the line of the block it belongs in, and nothing is built. Each lot is a contract of its
own (one record per lot, its holders and its awarded amount); a contract without lots is one
record.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from clause_kit.commun.erreurs import ErreursValidation, Probleme
from clause_kit.marche.chargement import Chargement, charger_detail, origine_de
from clause_kit.marche.communes import Origines
from clause_kit.marche.droit import est_accord_cadre
from clause_kit.marche.modele import Consultation, Lot
from clause_kit.publication.schema_decp import verifier_decp

__all__ = ["donnees_essentielles"]

_CCAG = {
    "travaux": "Travaux",
    "moe": "Maitrise d'œuvre",
    "fcs": "Fournitures courantes et services",
    "mi": "Marchés industriels",
    "pi": "Prestations intellectuelles",
    "tic": "Techniques de l'information et de la communication",
    "aucun": "Pas de CCAG",
}
_PROCEDURE = {
    "adaptee": "Procédure adaptée",
    "appel_offres_ouvert": "Appel d'offres ouvert",
    "appel_offres_restreint": "Appel d'offres restreint",
    "negociee": "Procédure avec négociation",
    "dialogue_competitif": "Dialogue compétitif",
}
_LIEU = {
    "code_postal": "Code postal",
    "code_commune": "Code commune",
    "code_arrondissement": "Code arrondissement",
    "code_canton": "Code canton",
    "code_departement": "Code département",
    "code_region": "Code région",
    "code_pays": "Code pays",
}
_TYPES_PRIX = {
    "definitif_ferme": "Définitif ferme",
    "definitif_actualisable": "Définitif actualisable",
    "definitif_revisable": "Définitif révisable",
    "provisoire": "Provisoire",
}
_FORME_PRIX = {"unitaire": "Unitaire", "forfaitaire": "Forfaitaire", "mixte": "Mixte"}
_GROUPEMENT = {"aucun": "Pas de groupement", "conjoint": "Conjoint", "solidaire": "Solidaire"}
_MODALITES = {
    "accord_cadre_bons_de_commande": "Bons de commande",
    "accord_cadre_marches_subsequents": "Marchés subséquents",
}

#: The keys a record needs (path in the YAML, what it is), checked before anything is built.
_REQUIS: list[tuple[tuple[str, ...], str]] = [
    (("acheteur", "siret"), "SIRET de l'acheteur"),
    (("marche", "cpv"), "code CPV"),
    (("marche", "lieu_execution"), "lieu d'exécution {code, type}"),
    (("marche", "duree_mois"), "durée en mois"),
    (("execution", "notification"), "date de notification"),
    (("execution", "offres_recues"), "nombre d'offres reçues"),
    (("execution", "forme_prix"), "forme du prix"),
    (("execution", "types_prix"), "types de prix"),
    (("execution", "avance"), "avance {attribuee, taux}"),
    (("execution", "sous_traitance_declaree"), "sous-traitance déclarée (true ou false)"),
    (("execution", "groupement"), "groupement des titulaires (aucun, conjoint ou solidaire)"),
    (("execution", "titulaires"), "titulaires [{lot, nom, siret}]"),
]


def donnees_essentielles(source: Path, date_publication: datetime.date) -> dict[str, Any]:
    """The DECP document of a contract file, checked against the format; ``ErreursValidation`` otherwise."""
    detail = charger_detail(source)
    consultation = detail.consultation
    _manques(consultation, detail.origines)
    lots: list[Lot | None] = list(consultation.marche.lots) if consultation.marche.lots else [None]
    heures = {h.numero: h.heures for h in detail.chiffres.lots}
    marches = [_marche(detail, lot, date_publication, heures.get(lot.numero if lot else None, 0)) for lot in lots]
    document = {"marches": {"marche": marches}}
    problemes = verifier_decp(document)
    if problemes:
        fichier = str(source)
        raise ErreursValidation([Probleme(fichier, None, "données essentielles", p) for p in problemes])
    return document


def _valeur(consultation: Consultation, chemin: tuple[str, ...]) -> Any:
    valeur: Any = consultation
    for cle in chemin:
        valeur = getattr(valeur, cle, None) if valeur is not None else None
    return valeur


def _manques(consultation: Consultation, origines: Origines) -> None:
    """Every key the records need and the file does not give, named with the block's place."""
    problemes = []
    for chemin, quoi in _REQUIS:
        if _valeur(consultation, chemin) in (None, []):
            fichier, ligne = origine_de(origines, chemin)
            problemes.append(
                Probleme(fichier, ligne, ".".join(chemin), f"manquant ({quoi}) : requis par les {_FORMAT}")
            )
    execution = consultation.execution
    if execution is not None and execution.montant_ht is None and not consultation.marche.lots:
        fichier, ligne = origine_de(origines, ("execution", "montant_ht"))
        problemes.append(
            Probleme(fichier, ligne, "execution.montant_ht", f"manquant (montant attribué) : requis par les {_FORMAT}")
        )
    if (
        execution is not None
        and execution.avance is not None
        and execution.avance.attribuee
        and execution.avance.taux is None
    ):
        fichier, ligne = origine_de(origines, ("execution", "avance"))
        problemes.append(
            Probleme(fichier, ligne, "execution.avance.taux", "manquant : l'avance est attribuée, à quel taux ?")
        )
    problemes += _manques_lots(consultation, origines)
    if problemes:
        raise ErreursValidation(problemes)


def _manques_lots(consultation: Consultation, origines: Origines) -> list[Probleme]:
    """Each lot is a contract: it needs its holders and, unless an accord-cadre with a maximum, its amount."""
    execution, lots = consultation.execution, consultation.marche.lots or []
    if execution is None or not execution.titulaires:
        return []
    problemes = []
    for lot in lots:
        titulaires = [t for t in execution.titulaires if t.lot == lot.numero]
        if not titulaires:
            fichier, ligne = origine_de(origines, ("execution", "titulaires"))
            problemes.append(
                Probleme(fichier, ligne, "execution.titulaires", f"aucun titulaire pour le lot {lot.numero} : requis")
            )
        elif _montant_lot(consultation, lot) is None:
            fichier, ligne = origine_de(origines, ("execution", "titulaires"))
            problemes.append(
                Probleme(
                    fichier,
                    ligne,
                    "execution.titulaires",
                    f"lot {lot.numero} : montant attribué manquant (montant_ht du titulaire du lot) : requis",
                )
            )
    return problemes


_FORMAT = "données essentielles (DECP 2.0.3)"


def _montant_lot(consultation: Consultation, lot: Lot) -> Decimal | None:
    """A lot's awarded amount: its holders' ``montant_ht``, or the accord-cadre's maximum."""
    execution = consultation.execution
    montants = [t.montant_ht for t in (execution.titulaires if execution else None) or [] if t.lot == lot.numero]
    if montants and all(m is not None for m in montants):
        return Decimal(sum(montants))  # type: ignore[arg-type]
    if est_accord_cadre(consultation.marche.forme):
        return lot.montant_maximum_ht or consultation.marche.montant_maximum_ht
    return None


def _identifiant(consultation: Consultation, lot: Lot | None, origines: Origines) -> str:
    reference = consultation.marche.reference
    identifiant = reference if lot is None else f"{reference}-{lot.numero:02d}"
    if len(identifiant) > 16:
        fichier, ligne = origine_de(origines, ("marche", "reference"))
        raise ErreursValidation(
            [
                Probleme(
                    fichier,
                    ligne,
                    "marche.reference",
                    f"l'identifiant des données essentielles « {identifiant} » dépasse 16 caractères "
                    f"({len(identifiant)}) : raccourcissez la référence"
                    + (" (le numéro du lot y est ajouté : -01, -02…)" if lot is not None else ""),
                )
            ]
        )
    return identifiant


def _marche(detail: Chargement, lot: Lot | None, publication: datetime.date, heures: int) -> dict[str, Any]:
    """One DECP ``marche`` record (the contract, or one of its lots)."""
    consultation, chiffres, origines = detail.consultation, detail.chiffres, detail.origines
    marche, execution = consultation.marche, consultation.execution
    assert execution is not None and execution.titulaires  # checked by _manques
    titulaires = [t for t in execution.titulaires if lot is None or t.lot == lot.numero]
    montant = execution.montant_ht if lot is None else _montant_lot(consultation, lot)
    if lot is None and est_accord_cadre(marche.forme) and marche.montant_maximum_ht is not None:
        montant = marche.montant_maximum_ht  # « montant forfaitaire ou estimé maximum HT »
    modalites = [m for m in (_MODALITES.get(marche.forme), "Tranches" if marche.tranches else None) if m]
    avance = execution.avance
    enregistrement: dict[str, Any] = {
        "id": _identifiant(consultation, lot, origines),
        "acheteur": {"id": consultation.acheteur.siret},
        "nature": "Marché",
        "objet": marche.objet if lot is None else f"{marche.objet} – lot {lot.numero} : {lot.intitule}",
        "codeCPV": marche.cpv,
        "techniques": {"technique": ["Accord-cadre" if est_accord_cadre(marche.forme) else "Sans objet"]},
        "modalitesExecution": {"modaliteExecution": modalites or ["Sans objet"]},
        # Innovative purchases (R. 2124-3, R. 2122-9-1) are not a form clause_kit describes.
        "marcheInnovant": False,
        "ccag": _CCAG[chiffres.ccag],  # the CCAG applied: the file's, else the one of the contract's type
        "offresRecues": execution.offres_recues,
        "attributionAvance": bool(avance and avance.attribuee),
        "typeGroupementOperateurs": _GROUPEMENT[execution.groupement or "aucun"],
        "procedure": _PROCEDURE.get(chiffres.procedure, chiffres.procedure),
        "lieuExecution": {"code": marche.lieu_execution.code, "typeCode": _LIEU[marche.lieu_execution.type]}
        if marche.lieu_execution
        else None,
        "dureeMois": marche.duree_mois,
        "dateNotification": execution.notification.isoformat() if execution.notification else None,
        "datePublicationDonnees": publication.isoformat(),
        "montant": float(montant) if montant is not None else None,
        "typesPrix": {"typePrix": [_TYPES_PRIX[t] for t in execution.types_prix or []]},
        "formePrix": _FORME_PRIX[execution.forme_prix] if execution.forme_prix else None,
        "sousTraitanceDeclaree": execution.sous_traitance_declaree,
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": t.siret}} for t in titulaires],
        "considerationsSociales": {"considerationSociale": _sociales(consultation, lot, heures)},
        "considerationsEnvironnementales": {"considerationEnvironnementale": _environnementales(consultation)},
    }
    if avance and avance.attribuee and avance.taux is not None:
        enregistrement["tauxAvance"] = float(Decimal(avance.taux) / 100)
    return enregistrement


def _sociales(consultation: Consultation, lot: Lot | None, heures: int) -> list[str]:
    """The contract's (or lot's) social devices: a clause with hours due, the criterion, a reservation."""
    insertion, marche = consultation.insertion, consultation.marche
    considerations = []
    # A minimum every offer must reach (article 53) binds the holder as an execution condition does.
    minimum = insertion.article_53 is not None and insertion.article_53.heures_minimum
    if heures > 0 or (est_accord_cadre(marche.forme) and insertion.article_14 is not None) or minimum:
        considerations.append("Clause sociale")
    if insertion.article_53 is not None:
        considerations.append("Critère social")
    if (lot.reserve if lot is not None else None) or marche.reserve:
        considerations.append("Marché réservé")
    return considerations or ["Pas de considération sociale"]


def _environnementales(consultation: Consultation) -> list[str]:
    criteres = consultation.marche.criteres or []
    if any(c.nature == "environnement" for c in criteres):
        return ["Critère environnemental"]
    return ["Pas de considération environnementale"]
