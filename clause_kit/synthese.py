"""What ``verifier`` shows: the figures and the choices made, as plain data (JSON-ready)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from clause_kit.calcul import Chiffres
from clause_kit.chargement import chemin_texte
from clause_kit.communes import Origines
from clause_kit.droit import REFERENCES, clause_ccag, reference_ponderation
from clause_kit.formats import montant, nombre, pourcentage
from clause_kit.modele import Consultation

__all__ = ["synthese", "synthese_texte"]


def _nombre(valeur: Decimal) -> float | int:
    """JSON number: an int when whole, else a float (figures here have at most 4 decimals)."""
    return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)


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
        if ref.article_ccag_insertion:
            references.append(clause_ccag(marche.type, insertion.regime))
    if insertion.article_53 is not None:
        references += [ref.critere_insertion, reference_ponderation(insertion.regime, chiffres.procedure)]
    return {
        "reference": marche.reference,
        "objet": marche.objet,
        "acheteur": consultation.acheteur.nom,
        "commune": consultation.acheteur.commune,
        "type": marche.type,
        "montant_ht": _nombre(marche.montant_ht),
        "regime": insertion.regime,
        "clauses": {"article_14": chiffres.heures_total > 0, "article_53": insertion.article_53 is not None},
        "heures_insertion": chiffres.heures_total,
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
            }
            for lot in chiffres.lots
        ],
        "criteres": [
            {"libelle": c.libelle, "ponderation": _nombre(c.ponderation), "insertion": c.insertion}
            for c in chiffres.criteres
        ],
        "sous_criteres": [
            {"libelle": c.libelle, "ponderation": _nombre(c.ponderation)} for c in chiffres.sous_criteres
        ],
        "penalite_par_heure": float(chiffres.penalite_par_heure),
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
        f"  Heures d'insertion : {nombre(donnees['heures_insertion'])} h, "
        f"soit {nombre(Decimal(str(donnees['etp'])), 2)} ETP "
        f"(1 ETP = {nombre(donnees['heures_par_etp'])} h)",
    ]
    for lot in donnees["lots"]:
        origine = _ORIGINES[lot["origine"]]
        lignes.append(
            f"    lot {lot['numero']} « {lot['intitule']} » : {nombre(lot['heures_insertion'])} h ({origine})"
        )
    if donnees["criteres"]:
        lignes.append("  Critères d'attribution :")
        lignes += [f"    {c['libelle']} : {pourcentage(Decimal(str(c['ponderation'])))}" for c in donnees["criteres"]]
        lignes += [
            f"      dont {c['libelle']} : {pourcentage(Decimal(str(c['ponderation'])))}"
            for c in donnees["sous_criteres"]
        ]
    lignes.append("  Références citées : " + "; ".join(donnees["references_juridiques"]))
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
